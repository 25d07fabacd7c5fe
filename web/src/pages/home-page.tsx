import { useI18n } from '../i18n/i18n';
import { useSignedIn } from '../session/session';

/** The overview every signed-in person sees: who they are, as the server knows them. */
export function HomePage() {
  const { t } = useI18n();
  const { user, methods } = useSignedIn();
  const list = (items: readonly string[]) => (items.length === 0 ? t('common.none') : items.join(', '));
  return (
    <section>
      <p data-testid="welcome">{t('home.welcome', { name: user.displayName ?? user.name })}</p>
      <dl className="facts">
        <dt>{t('home.roles')}</dt>
        <dd>{list(user.roles.map((role) => t(`role.${role}`)))}</dd>
        <dt>{t('home.departments')}</dt>
        <dd>{list(user.departments)}</dd>
        <dt>{t('home.directorOf')}</dt>
        <dd>{list(user.directorOf)}</dd>
        <dt>{t('home.mfa')}</dt>
        <dd>{user.mfaRequired || user.mfaEnrolled ? t(user.mfaEnrolled ? 'users.mfaEnrolled' : 'users.mfaPending') : t('users.mfaNotRequired')}</dd>
        <dt>{t('home.methods')}</dt>
        <dd>{methods.map((method) => (method === 'pwd' || method === 'otp' ? t(`method.${method}`) : method)).join(' + ')}</dd>
      </dl>
      <p className="hint">{t('home.next')}</p>
    </section>
  );
}
