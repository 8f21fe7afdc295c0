// Who is signed in, as the backend says: the app opens on the sign-in screen (or the first
// start's), and locks itself after the idle time the site set, keeping what is on the screen
// under the lock so nothing typed is lost. The backend locks the session too, and refuses every
// call until the passphrase is entered again: the screen is only the face of that rule.
import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import type { Actor, AppInfo } from '../../core/api';
import type { Role } from '../../core/vocabulary';
import { ApiError, invoke, onSessionProblem } from './api';
import { setDateLocale } from './dates';

export interface SessionState {
  readonly info: AppInfo;
  readonly person: Actor | null;
  readonly locked: boolean;
  /** The command line's print page: it reads without sign-in. */
  readonly reader: boolean;
}

interface SessionApi extends SessionState {
  /** Reads the session again from the backend (after sign-in, a passphrase change, a lock). */
  refresh(): Promise<void>;
  setPerson(person: Actor | null): void;
  lock(): void;
  can(...roles: Role[]): boolean;
}

const SessionContext = createContext<SessionApi | null>(null);

export function useSession(): SessionApi {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

/** The signed-in person (pages are shown only when someone is). */
export function usePerson(): Actor {
  const p = useSession().person;
  if (!p) throw new Error('usePerson with nobody signed in');
  return p;
}

/** How often activity (typing, clicking) tells the backend someone is still here. */
const HEARTBEAT_MS = 60_000;

export function SessionProvider(props: { children: (state: { loading: true; error: ApiError | null } | { loading: false; session: SessionApi }) => ReactNode }) {
  const [state, setState] = useState<SessionState | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const lastActivity = useRef(Date.now());
  const lastHeartbeat = useRef(0);

  const refresh = useCallback(async () => {
    try {
      const [info, session] = await Promise.all([invoke('appInfo', {}), invoke('currentSession', {})]);
      setDateLocale(info.dateLocale);
      setState({ info, person: session.person, locked: session.locked, reader: session.reader });
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError({ code: 'internal', message: String(e) }));
    }
  }, []);

  useEffect(() => void refresh(), [refresh]);
  useEffect(() => onSessionProblem((code) => (code === 'locked' ? setState((s) => (s ? { ...s, locked: true } : s)) : void refresh())), [refresh]);

  // The idle lock: the screen locks after the site's idle time without a key or a click.
  const idleMs = (state?.info.idleLockMinutes ?? 15) * 60_000;
  const signedIn = state?.person !== null && state?.person !== undefined;
  useEffect(() => {
    if (!signedIn) return;
    const onActivity = () => {
      lastActivity.current = Date.now();
      if (Date.now() - lastHeartbeat.current > HEARTBEAT_MS) {
        lastHeartbeat.current = Date.now();
        void invoke('currentSession', {}).then(
          (s) => s.locked && setState((st) => (st ? { ...st, locked: true } : st)),
          () => {},
        );
      }
    };
    const timer = window.setInterval(() => {
      if (Date.now() - lastActivity.current > idleMs) setState((s) => (s && !s.locked ? { ...s, locked: true } : s));
    }, 5_000);
    window.addEventListener('keydown', onActivity, true);
    window.addEventListener('pointerdown', onActivity, true);
    return () => {
      window.clearInterval(timer);
      window.removeEventListener('keydown', onActivity, true);
      window.removeEventListener('pointerdown', onActivity, true);
    };
  }, [signedIn, idleMs]);

  if (!state) return <>{props.children({ loading: true, error })}</>;
  const api: SessionApi = {
    ...state,
    refresh,
    setPerson: (person) => {
      lastActivity.current = Date.now();
      setState((s) => (s ? { ...s, person, locked: false } : s));
    },
    lock: () => setState((s) => (s ? { ...s, locked: true } : s)),
    can: (...roles) => roles.some((r) => state.person?.roles.includes(r) ?? false),
  };
  return <SessionContext.Provider value={api}>{props.children({ loading: false, session: api })}</SessionContext.Provider>;
}
