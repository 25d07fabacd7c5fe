import { useI18n } from '../i18n/i18n';
import { PasswordForm } from './password-form';

/** Everyone's own account: for now, the password. */
export function AccountPage() {
  const { t } = useI18n();
  return (
    <div className="stack">
      <section aria-labelledby="password-title">
        <h2 id="password-title">{t('password.title')}</h2>
        <PasswordForm />
      </section>
    </div>
  );
}
