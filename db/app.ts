import { verifyAudit, type AuditVerification } from './audit.js';
import { openDatabase, type Connection, type OpenOptions } from './connection.js';
import { importSeedsOnFirstStart } from './seeds.js';
import { clockAt, createHandlers, type ServiceContext } from './service.js';
import { recountVisits } from './worklists.js';
import type { Handlers } from '../core/api.js';

export interface AppBackend {
  readonly conn: Connection;
  readonly handlers: Handlers;
  readonly seeded: number;
  /** The audit trail's check at start: null when intact, else what is wrong. */
  readonly auditProblem: string | null;
}

/**
 * Opens (and migrates) the database, imports the seeds on first start, and builds the API handlers.
 *
 * At app start the database is checked: on the first start of each day in full (integrity_check,
 * foreign_key_check and the whole audit chain: seconds on a large site), on later starts that day
 * the audit rows written since the last check, from the last verified row, whose hash must not
 * have changed. `trialcoord audit verify` always walks the whole chain.
 */
export function openBackend(options: {
  dbFile: string;
  seedsDir: string;
  mode: ServiceContext['mode'];
  appVersion: string;
  open?: OpenOptions;
  /** Today's date on this machine (tests set it). */
  today?: string;
}): AppBackend {
  const appStart = options.mode !== 'cli';
  const today = options.today ?? clockAt(new Date()).today;
  const conn = openDatabase(options.dbFile, { ...options.open, checkIntegrity: appStart ? { unlessCheckedOn: today } : false });
  try {
    const seeded = importSeedsOnFirstStart(conn, options.seedsDir);
    let audit: AuditVerification | null = null;
    if (appStart) {
      const checks = conn.read((db) => Object.fromEntries((db.prepare('SELECT key, value FROM app_checks').all() as { key: string; value: string }[]).map((r) => [r.key, r.value])));
      const full = checks.full_check_on !== today;
      const from = !full && checks.audit_verified_id ? { id: Number(checks.audit_verified_id), hash: checks.audit_verified_hash ?? '' } : undefined;
      audit = conn.read((db) => verifyAudit(db, from));
      if (audit.ok) {
        conn.write({ by: 'system', method: 'startupCheck', at: new Date().toISOString() }, (db) => {
          const last = db.prepare('SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1').get() as { id: number; hash: string } | undefined;
          const set = db.prepare('INSERT INTO app_checks (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
          if (full) {
            set.run('full_check_on', today);
            // Derived totals are recounted from the visits once a day, whatever wrote the file.
            recountVisits(db);
          }
          if (last) {
            set.run('audit_verified_id', String(last.id));
            set.run('audit_verified_hash', last.hash);
          }
        });
      }
    }
    return {
      conn,
      handlers: createHandlers({ conn, mode: options.mode, appVersion: options.appVersion }),
      seeded,
      auditProblem: audit && !audit.ok ? `Audit trail broken at row ${audit.firstBadId}: ${audit.problem}` : null,
    };
  } catch (error) {
    conn.close();
    throw error;
  }
}
