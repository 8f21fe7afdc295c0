// The app's log file, beside the database: render errors from the window and unexpected errors,
// one JSON line each, readable by this user only. It is kept to about a megabyte: when it grows
// past that, the older half goes.
import fs from 'node:fs';
import path from 'node:path';

const MAX_BYTES = 1024 * 1024;

export function logFile(dbFile: string): string {
  return path.join(path.dirname(path.resolve(dbFile)), 'trial-coordinator.log');
}

export function appendLog(dbFile: string, entry: Record<string, unknown>): void {
  if (dbFile === ':memory:') return;
  const file = logFile(dbFile);
  try {
    if (fs.existsSync(file) && fs.statSync(file).size > MAX_BYTES) {
      const text = fs.readFileSync(file, 'utf8');
      fs.writeFileSync(file, text.slice(text.indexOf('\n', text.length / 2) + 1), { mode: 0o600 });
    }
    fs.appendFileSync(file, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
  } catch {
    // The log is a help, never a reason for a call to fail.
  }
}
