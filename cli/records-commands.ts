// Records commands: audit verify|export, backup, restore.
import fs from 'node:fs';
import { toCsv } from '../core/csv.js';
import { verifyAudit } from '../db/audit.js';
import { backupNow, restoreBackup } from '../db/backup.js';
import type { Connection } from '../db/connection.js';
import { auditEntries, findParticipant } from '../db/participants.js';

export const AUDIT_COLUMNS = ['id', 'at', 'by', 'method', 'reason', 'entity', 'entity_id', 'action', 'participant_id', 'changes'] as const;

type Fail = (message: string) => never;

/** Exit code 3: the audit trail does not verify. */
export function auditVerify(conn: Connection): number {
  const r = conn.read(verifyAudit);
  if (r.ok) {
    console.log(`Audit trail intact: ${r.rows} rows.`);
    return 0;
  }
  console.log(`Audit trail broken at row ${r.firstBadId}: ${r.problem}`);
  return 3;
}

export function auditExport(conn: Connection, f: { protocol?: string | undefined; participant?: string | undefined; out?: string | undefined; bom: boolean }, fail: Fail): number {
  if (f.participant && !f.protocol) fail('--participant needs --protocol');
  const csv = conn.read((db) => {
    const pid = f.participant ? findParticipant(db, f.protocol!, f.participant) : null;
    const rows = auditEntries(db, pid).map((e) => [e.id, e.at, e.by, e.method, e.reason, e.entity, e.entityId, e.action, e.participantId, JSON.stringify(e.changes)]);
    return toCsv(AUDIT_COLUMNS, rows, { bom: f.bom });
  });
  if (f.out) fs.writeFileSync(f.out, csv);
  else process.stdout.write(csv);
  return 0;
}

export async function backupCommand(conn: Connection, out: string | undefined): Promise<number> {
  const file = await backupNow(conn, out ? { out } : {});
  console.log(`Backed up to ${file}`);
  return 0;
}

export function restoreCommand(file: string | undefined, dbFile: string, fail: Fail): number {
  if (!file) fail('restore needs a backup file, e.g. "restore backups/trial-coordinator-….sqlite"');
  const { keptAside } = restoreBackup(file!, dbFile);
  console.log(`Restored ${dbFile} from ${file}.${keptAside ? ` The previous database was kept as ${keptAside}.` : ''}`);
  return 0;
}
