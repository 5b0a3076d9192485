/**
 * Who is signed in, against the platform's session API (src/people):
 *   GET    /api/v1/session          → { principal, csrfToken, expiresAt } or 401 not-signed-in
 *   POST   /api/v1/session          { username, password } → the same, and the HttpOnly cookie
 *   DELETE /api/v1/session          → 204
 *   GET    /api/v1/session/options  → { local, oidc: { enabled, label } }
 * The cookie cannot be read from script, so a small hint in localStorage says whether a session
 * may exist: a first visit does not ask (and the browser logs no 401 in its console).
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { Answer } from '@certbridge/client';
import { answer, ApiError, changingSession, onSessionEnded, platform, queryClient, setCsrfToken } from './api.ts';

export type Role = 'issuer' | 'consumer' | 'coordinator';

type SessionBody = Answer<'/api/v1/session'>;

/** Who a session acts for: a person of a department (with `practice` on in practice mode, 练习模式), or an enterprise. */
export type Principal = SessionBody['principal'];
export type PersonPrincipal = Extract<Principal, { kind: 'person' }>;
export type HolderPrincipal = Extract<Principal, { kind: 'holder' }>;

export type SignInOptions = Answer<'/api/v1/session/options'>;

type SessionState = { status: 'loading' } | { status: 'signed-out'; ended?: boolean } | { status: 'signed-in'; principal: Principal; expiresAt: string };

interface SessionApi {
  state: SessionState;
  principal?: Principal;
  signIn(username: string, password: string): Promise<Principal>;
  signOut(): Promise<void>;
  /** Before leaving for the identity provider: check the session when the browser comes back. */
  expectExternalSignIn(): void;
  /** Reads the session again (who it acts for changed: practice mode switched on or off). */
  refresh(): Promise<void>;
}

const HINT = 'certbridge.session';
const hint = {
  get: () => {
    try {
      return localStorage.getItem(HINT) !== null;
    } catch {
      return true;
    }
  },
  set: (on: boolean) => {
    try {
      if (on) localStorage.setItem(HINT, '1');
      else localStorage.removeItem(HINT);
    } catch {
      // private mode
    }
  },
};

const SessionContext = createContext<SessionApi | undefined>(undefined);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>(() => (hint.get() ? { status: 'loading' } : { status: 'signed-out' }));

  // A new session (or practice mode switched) sees other data: nothing cached under the old one is shown.
  const accept = useCallback((body: SessionBody) => {
    queryClient.clear();
    setCsrfToken(body.csrfToken);
    hint.set(true);
    setState({ status: 'signed-in', principal: body.principal, expiresAt: body.expiresAt });
    return body.principal;
  }, []);

  const forget = useCallback((ended = false) => {
    queryClient.clear();
    setCsrfToken(undefined);
    hint.set(false);
    setState({ status: 'signed-out', ended });
  }, []);

  useEffect(() => {
    if (!hint.get()) return;
    let cancelled = false;
    answer(platform.GET('/api/v1/session'))
      .then((body) => !cancelled && accept(body))
      .catch(() => !cancelled && forget());
    return () => {
      cancelled = true;
    };
  }, [accept, forget]);

  useEffect(() => onSessionEnded(() => forget(true)), [forget]);

  const signIn = useCallback(
    async (username: string, password: string) => accept(await answer(platform.POST('/api/v1/session', { body: { username, password } }))),
    [accept],
  );

  const signOut = useCallback(
    () =>
      changingSession(async () => {
        try {
          await platform.DELETE('/api/v1/session');
        } catch (error) {
          // An ended session is signed out all the same.
          if (!(error instanceof ApiError) || error.status !== 401) throw error;
        } finally {
          forget();
        }
      }),
    [forget],
  );

  const refresh = useCallback(async () => {
    accept(await answer(platform.GET('/api/v1/session')));
  }, [accept]);

  const value = useMemo<SessionApi>(
    () => ({
      state,
      principal: state.status === 'signed-in' ? state.principal : undefined,
      signIn,
      signOut,
      expectExternalSignIn: () => hint.set(true),
      refresh,
    }),
    [state, signIn, signOut, refresh],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionApi {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

export const signInOptions = () => answer(platform.GET('/api/v1/session/options'));

/** The name to show for who is signed in, and the organisation they act for. */
export function principalLabels(principal: Principal): { name: string; organisation: string } {
  return principal.kind === 'person' ? { name: principal.name, organisation: principal.departmentName } : { name: principal.name, organisation: principal.holderCode };
}
