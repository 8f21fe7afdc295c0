// Records commands: audit verify|export, backup, restore.
import fs from 'node:fs';
import type { Command } from 'commander-v14';
import { toCsv } from '../core/csv.js';
import { auditEntries } from '../db/audit-views.js';
import { verifyAudit } from '../db/audit.js';
import { restoreBackup } from '../db/backup.js';
import { participantByStudyId } from '../db/rows.js';
import { common, type Run } from './command.js';
import { fail } from './context.js';
import { trialOf, trialOption } from './participant-commands.js';

export const AUDIT_COLUMNS = ['id', 'at', 'by', 'method', 'reason', 'entity', 'entity_id', 'action', 'participant_id', 'changes'] as const;

export function registerRecordsCommands(root: Command, run: Run): void {
  const audit = root.command('audit').description('the audit trail: verify, export');
  common(audit.command('verify').description("walk the audit trail's hash chain (exit 3 if broken)"), false).action(
    run((cli) => {
      const r = cli.backend.conn.read((db) => verifyAudit(db));
      if (r.ok) {
        console.log(`Audit trail intact: ${r.rows} rows.`);
        return 0;
      }
      console.log(`Audit trail broken at row ${r.firstBadId}: ${r.problem}`);
      return 3;
    }),
  );
  common(trialOption(audit.command('export').description('the audit trail as CSV').option('--participant <study id>').option('--out <file>').option('--bom', 'start with a byte-order mark (Excel)'), false), false).action(
    run<{ trial?: string; protocol?: string; participant?: string; out?: string; bom?: boolean }>((cli, o) => {
      const trial = trialOf(o);
      if (o.participant && !trial) fail('--participant needs --trial');
      const csv = cli.backend.conn.read((db) => {
        const pid = o.participant ? participantByStudyId(db, o.participant, trial) : null;
        const rows = auditEntries(db, pid, false).map((e) => [e.id, e.at, e.by, e.method, e.reason, e.entity, e.entityId, e.action, e.participantId, JSON.stringify(e.changes)]);
        return toCsv(AUDIT_COLUMNS, rows, { bom: o.bom ?? false });
      });
      if (o.out) fs.writeFileSync(o.out, csv, { mode: 0o600 });
      else process.stdout.write(csv);
      return 0;
    }),
  );

  common(root.command('backup').description('copy the database (online backup) to the backups folder or --out').option('--out <file>'), true).action(
    run<{ out?: string }>(async (cli, o) => {
      const { file } = cli.call('backupNow', o.out ? { out: o.out } : {}, await cli.signIn());
      console.log(`Backed up to ${file}`);
      return 0;
    }),
  );

  common(root.command('restore').argument('<file>', 'a backup').description('replace the database with a checked backup; the current one is kept aside'), true).action(
    run(async (cli, _o, [file]) => {
      cli.requireRole(await cli.signIn(), 'admin');
      cli.close();
      const { keptAside } = restoreBackup(file!, cli.dbFile);
      console.log(`Restored ${cli.dbFile} from ${file}.${keptAside ? ` The previous database was kept as ${keptAside}.` : ''}`);
      return 0;
    }),
  );
}
