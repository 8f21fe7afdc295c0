// The backend's own work, in the title bar: the start-up checks while they run and what they
// found, and a long import under way. A failed check stays on screen: nothing can be written.
import { useEffect, useState } from 'react';
import type { BackendStatus } from '../../../core/api';
import { Link } from 'react-router';
import { invoke } from '../api';
import { useSession } from '../session';

export function StatusArea() {
  const session = useSession();
  const [status, setStatus] = useState<BackendStatus | null>(null);
  useEffect(() => {
    let live = true;
    let timer = 0;
    const poll = () =>
      void invoke('backendStatus', {}).then(
        (s) => {
          if (!live) return;
          setStatus(s);
          // While something is under way, ask again soon; afterwards, now and then.
          timer = window.setTimeout(poll, s.checks.state === 'running' || s.jobs.length ? 1000 : 30_000);
        },
        () => live && (timer = window.setTimeout(poll, 5000)),
      );
    poll();
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, []);
  if (!status) return null;
  const job = status.jobs[0];
  if (status.checks.state === 'failed')
    return (
      <div className="status-area status-problem" role="alert">
        Database problem: {status.checks.problems[0]} Nothing can be saved.{' '}
        {session.can('admin') ? <Link to="/settings#backups-heading">Restore a backup</Link> : 'An administrator can restore a backup.'}
      </div>
    );
  return (
    <div className="status-area" role="status">
      {job ? `${job.label}: ${job.done.toLocaleString()} of ${job.total.toLocaleString()}` : status.checks.state === 'running' ? 'Checking the database…' : ''}
    </div>
  );
}
