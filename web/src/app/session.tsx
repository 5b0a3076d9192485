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
import { api, ApiError, onSessionEnded, setCsrfToken } from './api.ts';

export type Role = 'issuer' | 'consumer' | 'coordinator';

export interface PersonPrincipal {
  kind: 'person';
  username: string;
  name: string;
  departmentCode: string;
  departmentName: string;
  roles: Role[];
  /** Practice mode (练习模式): the person acts in a practice copy of the department. */
  practice?: boolean;
}

export interface HolderPrincipal {
  kind: 'holder';
  holderCode: string;
  name: string;
}

export type Principal = PersonPrincipal | HolderPrincipal;

interface SessionBody {
  principal: Principal;
  csrfToken: string;
  expiresAt: string;
}

export interface SignInOptions {
  local: boolean;
  oidc: { enabled: boolean; label: string | null };
}

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

  const accept = useCallback((body: SessionBody) => {
    setCsrfToken(body.csrfToken);
    hint.set(true);
    setState({ status: 'signed-in', principal: body.principal, expiresAt: body.expiresAt });
    return body.principal;
  }, []);

  const forget = useCallback((ended = false) => {
    setCsrfToken(undefined);
    hint.set(false);
    setState({ status: 'signed-out', ended });
  }, []);

  useEffect(() => {
    if (!hint.get()) return;
    let cancelled = false;
    api<SessionBody>('/api/v1/session', { quietUnauthorised: true })
      .then((body) => !cancelled && accept(body))
      .catch(() => !cancelled && forget());
    return () => {
      cancelled = true;
    };
  }, [accept, forget]);

  useEffect(() => onSessionEnded(() => forget(true)), [forget]);

  const signIn = useCallback(
    async (username: string, password: string) => accept(await api<SessionBody>('/api/v1/session', { method: 'POST', body: { username, password }, quietUnauthorised: true })),
    [accept],
  );

  const signOut = useCallback(async () => {
    try {
      await api<void>('/api/v1/session', { method: 'DELETE', quietUnauthorised: true });
    } catch (error) {
      // An ended session is signed out all the same.
      if (!(error instanceof ApiError) || error.status !== 401) throw error;
    } finally {
      forget();
    }
  }, [forget]);

  const refresh = useCallback(async () => {
    accept(await api<SessionBody>('/api/v1/session', { quietUnauthorised: true }));
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

export const signInOptions = () => api<SignInOptions>('/api/v1/session/options');

/** The name to show for who is signed in, and the organisation they act for. */
export function principalLabels(principal: Principal): { name: string; organisation: string } {
  return principal.kind === 'person' ? { name: principal.name, organisation: principal.departmentName } : { name: principal.name, organisation: principal.holderCode };
}
