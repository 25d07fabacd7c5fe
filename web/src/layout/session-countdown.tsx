import { useEffect, useState } from 'react';
import { useI18n } from '../i18n/i18n';
import { useSession, useSignedIn } from '../session/session';

function minutesAndSeconds(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}

/** The time left of the session, each second; at zero the person is signed out with a reason. */
export function SessionCountdown() {
  const { t } = useI18n();
  const { expiresAt } = useSignedIn();
  const { signOut } = useSession();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, []);
  const left = expiresAt - now;
  useEffect(() => {
    if (left <= 0) void signOut('expired');
  }, [left, signOut]);
  return (
    <span className={left < 120_000 ? 'countdown soon' : 'countdown'} data-testid="session-countdown" role="timer">
      {t('session.expiresIn', { time: minutesAndSeconds(left) })}
    </span>
  );
}
