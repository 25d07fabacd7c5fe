import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, whenSessionRefused, type SessionAnswer, type UserView } from '../api/client';
import { navigate } from '../router';

/**
 * The signed-in session as the browser keeps it: the bearer token the API answered, its expiry
 * and the account. It lives in sessionStorage, so it survives a reload of the tab but not the
 * closing of the tab, and no other tab or site sees it (docs/console.md says why not a cookie).
 */
export interface ConsoleSession {
  readonly token: string;
  readonly expiresAt: number;
  readonly methods: readonly string[];
  readonly mfaEnrolmentRequired: boolean;
  readonly user: UserView;
}

const STORAGE_KEY = 'medveil.console.session';

/** Why the person is on the sign-in page, shown there. */
export type SignOutReason = 'expired' | 'signed-out';

interface SessionState {
  readonly session: ConsoleSession | undefined;
  readonly signedOutBecause: SignOutReason | undefined;
  /** Keeps the session of a sign-in answer; `user` is read from GET /api/me when the answer has none. */
  readonly signIn: (answer: SessionAnswer) => Promise<void>;
  readonly signOut: (reason: SignOutReason) => Promise<void>;
}

const SessionContext = createContext<SessionState | undefined>(undefined);

function load(): ConsoleSession | undefined {
  try {
    const text = window.sessionStorage.getItem(STORAGE_KEY);
    if (text === null) return undefined;
    const session = JSON.parse(text) as ConsoleSession;
    return session.expiresAt > Date.now() ? session : undefined;
  } catch {
    return undefined;
  }
}

function store(session: ConsoleSession | undefined): void {
  try {
    if (session === undefined) window.sessionStorage.removeItem(STORAGE_KEY);
    else window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  } catch {
    // Without storage the session lasts as long as the page.
  }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<ConsoleSession | undefined>(load);
  const [signedOutBecause, setSignedOutBecause] = useState<SignOutReason | undefined>(undefined);

  const forget = useCallback((reason: SignOutReason) => {
    store(undefined);
    setSession(undefined);
    setSignedOutBecause(reason);
  }, []);

  useEffect(() => whenSessionRefused(() => forget('expired')), [forget]);

  const signIn = useCallback(async (answer: SessionAnswer) => {
    const user = answer.user ?? (await api<{ user: UserView }>('GET', '/api/me', { token: answer.token })).user;
    const next: ConsoleSession = {
      token: answer.token,
      expiresAt: Date.parse(answer.expiresAt),
      methods: answer.methods,
      mfaEnrolmentRequired: answer.mfaEnrolmentRequired ?? false,
      user,
    };
    store(next);
    setSignedOutBecause(undefined);
    setSession(next);
  }, []);

  const signOut = useCallback(
    async (reason: SignOutReason) => {
      const token = session?.token;
      // The server revokes the token at once; an expired one needs no revoking.
      if (token !== undefined && reason === 'signed-out') await api('POST', '/api/logout', { token }).catch(() => undefined);
      // Whoever signs in next starts at the overview; after an expiry the same person comes back to where they were.
      if (reason === 'signed-out') navigate('');
      forget(reason);
    },
    [session, forget],
  );

  const value = useMemo<SessionState>(() => ({ session, signedOutBecause, signIn, signOut }), [session, signedOutBecause, signIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (state === undefined) throw new Error('useSession outside SessionProvider');
  return state;
}

/** The session of a page that is only shown signed in. */
export function useSignedIn(): ConsoleSession {
  const { session } = useSession();
  if (session === undefined) throw new Error('a signed-in page was shown without a session');
  return session;
}
