import { useState, type FormEvent } from 'react';
import { api, type SessionAnswer } from '../api/client';
import { useI18n } from '../i18n/i18n';
import { Field, Status, type Notice } from '../layout/field';
import { SignedOutFrame } from '../layout/signed-out-frame';
import { useSession } from '../session/session';

/** Sign-in with password and, where the role needs it, the TOTP code (POST /api/login). */
export function LoginPage() {
  const { t } = useI18n();
  const { signIn, signedOutBecause } = useSession();
  const [error, setError] = useState<Notice>(undefined);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const totp = String(form.get('totp') ?? '').replace(/\s/g, '');
    setBusy(true);
    setError(undefined);
    try {
      const answer = await api<SessionAnswer>('POST', '/api/login', {
        body: { userName: String(form.get('userName') ?? '').trim(), password: String(form.get('password') ?? ''), ...(totp === '' ? {} : { totp }) },
      });
      await signIn(answer);
    } catch (caught) {
      setError({ error: caught });
      setBusy(false);
    }
  };

  return (
    <SignedOutFrame title={t('login.title')}>
      {signedOutBecause !== undefined && (
        <p role="status" className="notice">
          {t(signedOutBecause === 'expired' ? 'session.expired' : 'session.signedOut')}
        </p>
      )}
      <form onSubmit={(event) => void submit(event)} data-testid="login-form">
        <Field label={t('account.userName')} name="userName" required autoComplete="username" />
        <Field label={t('account.password')} name="password" type="password" required autoComplete="current-password" />
        <Field label={t('login.totp')} hint={t('login.totpHint')} name="totp" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9 ]{6,7}" maxLength={7} />
        <Status notice={error} />
        <button type="submit" disabled={busy}>
          {t('login.submit')}
        </button>
      </form>
    </SignedOutFrame>
  );
}
