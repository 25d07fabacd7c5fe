import { useEffect, useState } from 'react';
import { api } from './api/client';
import { errorText } from './api/error-text';
import { useI18n } from './i18n/i18n';
import { Shell } from './layout/shell';
import { SignedOutFrame } from './layout/signed-out-frame';
import { EnrolPage } from './pages/enrol-page';
import { FirstRunPage } from './pages/first-run-page';
import { LoginPage } from './pages/login-page';
import { PasswordForm } from './pages/password-form';
import { findPage, pageAllowed } from './pages/registry';
import { usePath } from './router';
import { useSession } from './session/session';

/**
 * What the console shows: the first-run page while no administrator exists, the sign-in page
 * without a session, enrolment while the session's roles need a second factor not yet
 * enrolled, the password form while an administrator's password must be replaced, else the
 * signed-in page of the address bar inside the shell.
 */
export function App() {
  const { t } = useI18n();
  const { session } = useSession();
  const path = usePath();
  const [bootstrapNeeded, setBootstrapNeeded] = useState<boolean | undefined>(undefined);
  const [problem, setProblem] = useState<string | undefined>(undefined);

  useEffect(() => {
    if (session !== undefined) return;
    api<{ bootstrapNeeded: boolean }>('GET', '/api/bootstrap')
      .then((answer) => setBootstrapNeeded(answer.bootstrapNeeded))
      .catch((error: unknown) => setProblem(errorText(t, error)));
  }, [session, t]);

  if (session === undefined) {
    if (problem !== undefined) return <SignedOutFrame title={t('app.console')}><p role="alert" className="error">{problem}</p></SignedOutFrame>;
    if (bootstrapNeeded === undefined) return <SignedOutFrame title={t('app.console')}><p>{t('common.loading')}</p></SignedOutFrame>;
    return bootstrapNeeded ? <FirstRunPage onCreated={() => setBootstrapNeeded(false)} /> : <LoginPage />;
  }
  if (session.mfaEnrolmentRequired) return <EnrolPage />;
  // Until they choose their own password, the server answers nothing else for this person.
  if (session.user.passwordChangeRequired) {
    return (
      <SignedOutFrame title={t('password.requiredTitle')}>
        <p>{t('password.requiredIntro')}</p>
        <PasswordForm />
      </SignedOutFrame>
    );
  }

  const page = findPage(path);
  let body;
  if (page === undefined) body = <p className="notice">{t('page.notFound')}</p>;
  else if (!pageAllowed(page, session.user.roles)) body = <p className="notice">{t('page.notAllowed')}</p>;
  else body = <page.component />;
  return <Shell current={page}>{body}</Shell>;
}
