import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, type SessionAnswer } from '../api/client';
import { useI18n } from '../i18n/i18n';
import { Field, Status, type Notice } from '../layout/field';
import { QrCode } from '../layout/qr-code';
import { SignedOutFrame } from '../layout/signed-out-frame';
import { useSession, useSignedIn } from '../session/session';

interface Enrolment {
  secret: string;
  otpauthUri: string;
}

/** The secret in groups of four, as authenticator apps show and accept it. */
function grouped(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, '$1 ');
}

/**
 * TOTP enrolment (docs/accounts.md): POST /api/me/totp gives the secret once, as text and as
 * an otpauth URI drawn as a QR code; the app's current code confirms it
 * (POST /api/me/totp/confirm), which answers a new session with both factors.
 */
export function EnrolPage() {
  const { t } = useI18n();
  const session = useSignedIn();
  const { signIn, signOut } = useSession();
  const [enrolment, setEnrolment] = useState<Enrolment | undefined>(undefined);
  const [error, setError] = useState<Notice>(undefined);
  const [busy, setBusy] = useState(false);
  const started = useRef(false);

  useEffect(() => {
    // One enrolment per visit: a second POST would replace the secret the person already scanned.
    if (started.current) return;
    started.current = true;
    api<Enrolment>('POST', '/api/me/totp', { token: session.token })
      .then(setEnrolment)
      .catch((caught: unknown) => setError({ error: caught }));
  }, [session.token]);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const code = String(new FormData(event.currentTarget).get('code') ?? '').replace(/\s/g, '');
    setBusy(true);
    setError(undefined);
    try {
      await signIn(await api<SessionAnswer>('POST', '/api/me/totp/confirm', { token: session.token, body: { code } }));
    } catch (caught) {
      setError({ error: caught });
      setBusy(false);
    }
  };

  return (
    <SignedOutFrame title={t('enrol.title')}>
      <p>{t('enrol.intro')}</p>
      {enrolment === undefined ? (
        error === undefined && <p>{t('common.loading')}</p>
      ) : (
        <>
          <QrCode text={enrolment.otpauthUri} label={t('enrol.qrLabel')} />
          <p>
            {t('enrol.secret')}: <code className="secret" data-testid="totp-secret" data-secret={enrolment.secret}>{grouped(enrolment.secret)}</code>
          </p>
          <form onSubmit={(event) => void submit(event)} data-testid="enrol-form">
            <Field label={t('enrol.code')} name="code" required inputMode="numeric" autoComplete="one-time-code" pattern="[0-9 ]{6,7}" maxLength={7} />
            <Status notice={error} />
            <button type="submit" disabled={busy}>
              {t('enrol.submit')}
            </button>
          </form>
        </>
      )}
      {enrolment === undefined && <Status notice={error} />}
      <p>
        <button type="button" className="link" onClick={() => void signOut('signed-out')}>
          {t('session.logout')}
        </button>
      </p>
    </SignedOutFrame>
  );
}
