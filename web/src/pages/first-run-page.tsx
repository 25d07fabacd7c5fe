import { useState, type FormEvent } from 'react';
import { api, type SessionAnswer } from '../api/client';
import { useI18n } from '../i18n/i18n';
import { Field, Status, type Notice } from '../layout/field';
import { SignedOutFrame } from '../layout/signed-out-frame';
import { navigate } from '../router';
import { useSession } from '../session/session';

/**
 * First run: the one-time code the server printed creates the first administrator
 * (POST /api/bootstrap), who is then signed in with the password and sent on to enrol a
 * second factor, which the admin role needs.
 */
export function FirstRunPage({ onCreated }: { onCreated: () => void }) {
  const { t } = useI18n();
  const { signIn } = useSession();
  const [error, setError] = useState<Notice>(undefined);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const value = (name: string) => String(form.get(name) ?? '').trim();
    const password = String(form.get('password') ?? '');
    if (password !== String(form.get('passwordConfirm') ?? '')) return setError({ problem: 'firstRun.mismatch' });
    setBusy(true);
    setError(undefined);
    try {
      const displayName = value('displayName');
      await api('POST', '/api/bootstrap', { body: { code: value('code'), userName: value('userName'), password, ...(displayName === '' ? {} : { displayName }) } });
      const answer = await api<SessionAnswer>('POST', '/api/login', { body: { userName: value('userName'), password } });
      navigate('');
      await signIn(answer);
      onCreated();
    } catch (caught) {
      setError({ error: caught });
    } finally {
      setBusy(false);
    }
  };

  return (
    <SignedOutFrame title={t('firstRun.title')}>
      <p>{t('firstRun.intro')}</p>
      <form onSubmit={(event) => void submit(event)} data-testid="first-run-form">
        <Field label={t('firstRun.code')} name="code" required autoComplete="off" spellCheck={false} placeholder="XXXX-XXXX-XXXX-XXXX" />
        <Field label={t('account.userName')} name="userName" required autoComplete="username" />
        <Field label={t('account.displayName')} name="displayName" autoComplete="name" />
        <Field label={t('account.password')} hint={t('account.passwordHint')} name="password" type="password" required minLength={12} autoComplete="new-password" />
        <Field label={t('account.passwordConfirm')} name="passwordConfirm" type="password" required minLength={12} autoComplete="new-password" />
        <Status notice={error} />
        <button type="submit" disabled={busy}>
          {t('firstRun.submit')}
        </button>
      </form>
    </SignedOutFrame>
  );
}
