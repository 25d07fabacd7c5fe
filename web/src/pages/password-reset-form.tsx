import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import { useI18n } from '../i18n/i18n';
import { Field, Status, type Notice } from '../layout/field';
import { useSignedIn } from '../session/session';

/**
 * An administrator sets someone else's password (PATCH /api/users/{name}): it ends their
 * sessions, and works only to sign in and choose their own (docs/accounts.md).
 */
export function PasswordResetForm({ userName, onClose }: { userName: string; onClose: (done: Notice) => void }) {
  const { t } = useI18n();
  const { token } = useSignedIn();
  const [notice, setNotice] = useState<Notice>(undefined);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const password = String(new FormData(event.currentTarget).get('password') ?? '');
    try {
      await api('PATCH', `/api/users/${encodeURIComponent(userName)}`, { token, body: { password } });
      onClose({ done: 'users.passwordSet', values: { name: userName } });
    } catch (caught) {
      setNotice({ error: caught });
    }
  };

  return (
    <section aria-labelledby="password-reset-title" data-testid="password-reset">
      <h2 id="password-reset-title">{t('users.setPasswordFor', { name: userName })}</h2>
      <form className="inline-form" onSubmit={(event) => void submit(event)}>
        <Field label={t('password.new')} hint={t('users.setPasswordHint')} name="password" type="password" required minLength={12} autoComplete="new-password" />
        <button type="submit">{t('users.setPassword')}</button>
        <button type="button" className="secondary" onClick={() => onClose(undefined)}>
          {t('common.cancel')}
        </button>
      </form>
      <Status notice={notice} />
    </section>
  );
}
