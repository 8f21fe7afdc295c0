// The database's checks: SQLite's integrity and foreign keys, the audit trail's chain, and the
// derived totals. The app runs them on every start, in the background (a checker worker), and
// keeps the outcome beside the database file (not in it: a damaged file is never written), so
// that no write, backup or export happens from a file whose last check failed.
import fs from 'node:fs';
import { verifyAudit, verifyRecords } from './audit-verify.js';
import type { Connection } from './connection.js';
import { fileProblems } from './integrity.js';
import { recountVisits } from './visit-counts.js';

export interface CheckOutcome {
  readonly at: string;
  readonly ok: boolean;
  /** What is wrong, in words; empty when the checks passed. */
  readonly problems: readonly string[];
  /** What was checked, when they passed ("integrity, foreign keys, 12,345 audit rows"). */
  readonly summary: string;
}

export const CHECK_STEPS = ['integrity', 'audit trail', 'records against the trail'] as const;

/** Runs every check, reporting each step as it starts. Writes nothing but the derived totals, and only when the file is sound. */
export function runChecks(conn: Connection, step: (name: (typeof CHECK_STEPS)[number]) => void = () => {}): CheckOutcome {
  const at = () => new Date().toISOString();
  const failed = (problems: string[]): CheckOutcome => ({ at: at(), ok: false, problems, summary: '' });
  try {
    step('integrity');
    const file = conn.read((db) => fileProblems(db));
    if (file.length) return failed(file.map((p) => `The database file is damaged: ${p}`));
    step('audit trail');
    const audit = conn.read((db) => verifyAudit(db));
    if (!audit.ok) return failed([audit.firstBadId === 0 ? audit.problem : `The audit trail is broken at row ${audit.firstBadId}: ${audit.problem}`]);
    step('records against the trail');
    const records = conn.read((db) => verifyRecords(db));
    if (records.length) return failed(records.map((r) => `A record was changed without the app: ${r.problem}`));
    // Derived totals are recounted from the visits, whatever wrote the file.
    conn.bookkeep((db) => recountVisits(db));
    return { at: at(), ok: true, problems: [], summary: `file intact, audit trail intact (${audit.rows.toLocaleString('en')} rows), every record as its trail says` };
  } catch (e) {
    // A page SQLite cannot read at all stops its own check (and any read that reaches it) with an
    // error rather than a finding: it is damage all the same.
    if (isDamage(e)) return failed(['The database file is damaged: part of it cannot be read.']);
    return failed([`The database could not be checked: ${e instanceof Error ? e.message : String(e)}`]);
  }
}

/** SQLite's errors for a file whose pages are not what it wrote (SQLITE_CORRUPT and its extended codes, SQLITE_NOTADB). */
function isDamage(e: unknown): boolean {
  const code = e instanceof Error && 'code' in e && typeof e.code === 'string' ? e.code : '';
  return code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' || code.startsWith('SQLITE_CORRUPT_');
}

/** Where the last check's outcome is kept: beside the database, readable by this user only. */
export function checkFile(dbFile: string): string {
  return `${dbFile}.checks.json`;
}

export function lastCheck(dbFile: string): CheckOutcome | null {
  try {
    const o = JSON.parse(fs.readFileSync(checkFile(dbFile), 'utf8')) as CheckOutcome;
    return typeof o.ok === 'boolean' ? o : null;
  } catch {
    return null;
  }
}

export function recordCheck(dbFile: string, outcome: CheckOutcome): void {
  const file = checkFile(dbFile);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(outcome), { mode: 0o600 });
  fs.renameSync(tmp, file);
}
