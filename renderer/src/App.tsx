import { lazy, Suspense, useEffect } from 'react';
import { HashRouter, Link, NavLink, Navigate, Route, Routes, useLocation, useNavigate } from 'react-router';
import { bridge } from './api';
import { ErrorBoundary } from './components/ErrorBoundary';
import { LockScreen } from './components/LockScreen';
import { PersonMenu } from './components/PersonMenu';
import { StatusArea } from './components/StatusArea';
import { ErrorNotice, Loading, Page } from './components/ui';
import { CtgovImport } from './pages/CtgovImport';
import { Exports } from './pages/Exports';
import { Participant } from './pages/Participant';
import { Participants } from './pages/Participants';
import { People } from './pages/People';
import { PrintCalendar } from './pages/PrintCalendar';
import { PrintVisits } from './pages/PrintVisits';
import { ProtocolDetail } from './pages/ProtocolDetail';
import { ProtocolEditor } from './pages/ProtocolEditor';
import { ProtocolList } from './pages/ProtocolList';
import { SchedulePreview } from './pages/SchedulePreview';
import { Settings } from './pages/Settings';
import { ScreenParticipant } from './pages/ScreenParticipant';
import { ChooseOwnPassphrase, FirstStart, SignIn } from './pages/SignIn';
import { Worklists } from './pages/Worklists';
import { SessionProvider, useSession } from './session';

export function App() {
  return (
    <HashRouter>
      <SessionProvider>
        {(s) => {
          if (s.loading)
            return (
              <main id="main" className="gate">
                {s.error ? <ErrorNotice error={s.error} title="Trial Coordinator cannot start" /> : <Loading what="Trial Coordinator" />}
              </main>
            );
          const { info, person, reader } = s.session;
          // The command line's print page reads without sign-in; it shows nothing else.
          if (reader) return <ReaderRoutes />;
          if (info.setup.state !== 'ready') return <FirstStart />;
          if (!person) return <SignIn />;
          if (person.mustChangePassphrase) return <ChooseOwnPassphrase />;
          return <Shell />;
        }}
      </SessionProvider>
    </HashRouter>
  );
}

function ReaderRoutes() {
  return (
    <main id="main">
      <ErrorBoundary>
        <Routes>
          <Route path="/participants/:id/calendar" element={<PrintCalendar />} />
          <Route path="/print/visits" element={<PrintVisits />} />
          <Route path="*" element={<p>This page is for printing only.</p>} />
        </Routes>
      </ErrorBoundary>
    </main>
  );
}

// The site calendar brings its calendar library, about a third of the app's script: it is a
// chunk of its own, so that the first screen does not wait for it to be read, and it is fetched
// once the window is idle a little after signing in, so that the calendar opens without waiting
// either. (Fetched at the first idle moment, it was read while the worklists' answer waited: the
// window is idle while it waits for that answer, and reading the chunk took about 100 ms.)
const PREFETCH_AFTER_MS = 2000;
const loadSiteCalendar = () => import('./pages/SiteCalendar');
const SiteCalendar = lazy(() => loadSiteCalendar().then((m) => ({ default: m.SiteCalendar })));

function Shell() {
  const session = useSession();
  const location = useLocation();
  useEffect(() => {
    let idle: number | null = null;
    const timer = setTimeout(() => (idle = requestIdleCallback(() => void loadSiteCalendar().catch(() => {}), { timeout: 5000 })), PREFETCH_AFTER_MS);
    return () => {
      clearTimeout(timer);
      if (idle !== null) cancelIdleCallback(idle);
    };
  }, []);
  return (
    <>
      <MenuNavigation />
      <a className="skip-link" href="#main" onClick={skipToMain}>
        Skip to content
      </a>
      <header className="app-bar">
        <div className="brand" aria-label="Trial Coordinator">
          <span className="brand-mark" aria-hidden="true">
            TC
          </span>
          Trial Coordinator
        </div>
        <nav aria-label="Main">
          <ul>
            <li>
              <NavLink to="/worklists">Worklists</NavLink>
            </li>
            <li>
              <NavLink to="/calendar">Calendar</NavLink>
            </li>
            <li>
              <NavLink to="/participants">Participants</NavLink>
            </li>
            <li>
              <NavLink to="/protocols">Protocols</NavLink>
            </li>
            <li>
              <NavLink to="/exports">Exports</NavLink>
            </li>
            {session.can('admin') && (
              <>
                <li>
                  <NavLink to="/people">People</NavLink>
                </li>
                <li>
                  <NavLink to="/settings">Settings</NavLink>
                </li>
              </>
            )}
          </ul>
        </nav>
        <StatusArea />
        <PersonMenu />
      </header>
      <main id="main" tabIndex={-1}>
        {/* A render error on one page shows a plain message there; the rest of the app goes on. */}
        <ErrorBoundary key={location.pathname}>
          <Routes>
            <Route path="/" element={<Navigate to="/worklists" replace />} />
            <Route path="/worklists" element={<Worklists />} />
            <Route path="/participants" element={<Participants />} />
            <Route path="/participants/new" element={<ScreenParticipant />} />
            <Route path="/participants/:id" element={<Participant />} />
            <Route path="/participants/:id/calendar" element={<PrintCalendar />} />
            <Route path="/print/visits" element={<PrintVisits />} />
            <Route path="/protocols" element={<ProtocolList />} />
            <Route path="/exports" element={<Exports />} />
            <Route
              path="/calendar"
              element={
                <Suspense fallback={<Loading what="the calendar" />}>
                  <SiteCalendar />
                </Suspense>
              }
            />
            <Route path="/people" element={<People />} />
            <Route path="/settings" element={<Settings />} />
            <Route path="/protocols/new" element={<ProtocolEditor />} />
            <Route path="/protocols/import" element={<CtgovImport />} />
            <Route path="/protocols/:id" element={<ProtocolDetail />} />
            <Route path="/protocols/:id/edit" element={<ProtocolEditor />} />
            <Route path="/protocols/:id/schedule" element={<SchedulePreview />} />
            <Route path="*" element={<NotFound />} />
          </Routes>
        </ErrorBoundary>
      </main>
      {session.locked && <LockScreen />}
    </>
  );
}

// With hash routing, "#main" would be read as a route; move focus by hand instead.
function skipToMain(event: React.MouseEvent) {
  event.preventDefault();
  document.getElementById('main')?.focus();
}

/** Electron's application menu sends routes (e.g. Ctrl+1 → Worklists). */
function MenuNavigation() {
  const navigate = useNavigate();
  useEffect(() => bridge()?.onNavigate((route) => void navigate(route)), [navigate]);
  return null;
}

function NotFound() {
  return (
    <Page title="Page not found">
      <p>
        There is nothing at this address. <Link to="/worklists">Go to the worklists</Link>.
      </p>
    </Page>
  );
}
