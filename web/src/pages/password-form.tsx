import { useState, type FormEvent } from 'react';
import { api, type SessionAnswer } from '../api/client';
import { useI18n } from '../i18n/i18n';
import { Field, Status, type Notice } from '../layout/field';
import { useSession, useSignedIn } from '../session/session';

/**
 * One's own password (POST /api/me/password): the current one again, and the TOTP code once a
 * second factor is enrolled. Every session of the account ends; the answer is a new one.
 */
export function PasswordForm() {
  const { t } = useI18n();
  const { token, user } = useSignedIn();
  const { signIn } = useSession();
  const [notice, setNotice] = useState<Notice>(undefined);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const newPassword = String(form.get('newPassword') ?? '');
    if (newPassword !== String(form.get('newPasswordConfirm') ?? '')) return setNotice({ problem: 'firstRun.mismatch' });
    const totp = String(form.get('totp') ?? '').replace(/\s/g, '');
    setBusy(true);
    try {
      const answer = await api<SessionAnswer>('POST', '/api/me/password', {
        token,
        body: { currentPassword: String(form.get('currentPassword') ?? ''), newPassword, ...(totp === '' ? {} : { totp }) },
      });
      formElement.reset();
      await signIn(answer);
      setNotice({ done: 'password.changed' });
    } catch (caught) {
      setNotice({ error: caught });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="narrow-form" onSubmit={(event) => void submit(event)} data-testid="password-form">
      <Field label={t('password.current')} name="currentPassword" type="password" required autoComplete="current-password" />
      <Field label={t('password.new')} hint={t('account.passwordHint')} name="newPassword" type="password" required minLength={12} autoComplete="new-password" />
      <Field label={t('password.confirm')} name="newPasswordConfirm" type="password" required minLength={12} autoComplete="new-password" />
      {user.mfaEnrolled && <Field label={t('login.totp')} name="totp" required inputMode="numeric" autoComplete="one-time-code" pattern="[0-9 ]{6,7}" maxLength={7} />}
      <Status notice={notice} />
      <button type="submit" disabled={busy}>
        {t('password.submit')}
      </button>
    </form>
  );
}
