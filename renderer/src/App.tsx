import { useEffect } from 'react';
import { HashRouter, Link, NavLink, Navigate, Route, Routes, useNavigate } from 'react-router';
import { bridge } from './api';
import { ProtocolDetail } from './pages/ProtocolDetail';
import { ProtocolList } from './pages/ProtocolList';
import { SchedulePreview } from './pages/SchedulePreview';
import { ProtocolEditor } from './pages/ProtocolEditor';
import { CtgovImport } from './pages/CtgovImport';
import { Participant } from './pages/Participant';
import { PrintCalendar } from './pages/PrintCalendar';
import { Participants } from './pages/Participants';
import { ScreenParticipant } from './pages/ScreenParticipant';
import { Worklists } from './pages/Worklists';
import { Exports } from './pages/Exports';
import { SiteCalendar } from './pages/SiteCalendar';
import { WorkingAs } from './components/WorkingAs';
import { Page } from './components/ui';

export function App() {
  return (
    <HashRouter>
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
          </ul>
        </nav>
        <WorkingAs />
      </header>
      <main id="main" tabIndex={-1}>
        <Routes>
          <Route path="/" element={<Navigate to="/worklists" replace />} />
          <Route path="/worklists" element={<Worklists />} />
          <Route path="/participants" element={<Participants />} />
          <Route path="/participants/new" element={<ScreenParticipant />} />
          <Route path="/participants/:id" element={<Participant />} />
          <Route path="/participants/:id/calendar" element={<PrintCalendar />} />
          <Route path="/protocols" element={<ProtocolList />} />
          <Route path="/exports" element={<Exports />} />
          <Route path="/calendar" element={<SiteCalendar />} />
          <Route path="/protocols/new" element={<ProtocolEditor />} />
          <Route path="/protocols/import" element={<CtgovImport />} />
          <Route path="/protocols/:id" element={<ProtocolDetail />} />
          <Route path="/protocols/:id/edit" element={<ProtocolEditor />} />
          <Route path="/protocols/:id/schedule" element={<SchedulePreview />} />
          <Route path="*" element={<NotFound />} />
        </Routes>
      </main>
    </HashRouter>
  );
}

// With hash routing, "#main" would be read as a route; move focus by hand instead.
function skipToMain(event: React.MouseEvent) {
  event.preventDefault();
  document.getElementById('main')?.focus();
}

/** Electron's application menu sends routes (e.g. Ctrl+1 → Protocols). */
function MenuNavigation() {
  const navigate = useNavigate();
  useEffect(() => bridge()?.onNavigate((route) => void navigate(route)), [navigate]);
  return null;
}

function NotFound() {
  return (
    <Page title="Page not found">
      <p>
        There is nothing at this address. <Link to="/protocols">Go to the protocols</Link>.
      </p>
    </Page>
  );
}
