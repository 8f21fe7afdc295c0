// A background thread's priority. The start-up checks read the whole file (seconds at a large
// site) while a coordinator signs in and the first worklist is drawn; on two cores they took
// turns with the passphrase check and the window. On Linux each thread is a task of its own,
// with its own nice value, so the checker lowers its own thread to the lowest priority: it runs
// whenever a core is free and steps aside when the window's work needs it. (Other systems set
// priorities per process only: there the checks keep the normal one.)
import fs from 'node:fs';
import os from 'node:os';

/** Lowers the calling thread to the lowest priority; whether it could. */
export function lowerThreadPriority(): boolean {
  if (process.platform !== 'linux') return false;
  try {
    // /proc/thread-self links to <pid>/task/<thread id>.
    const tid = Number(fs.readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0 || tid === process.pid) return false;
    os.setPriority(tid, os.constants.priority.PRIORITY_LOW);
    return true;
  } catch {
    return false;
  }
}
