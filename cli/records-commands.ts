// Records commands: audit verify|receipt|export, backup, restore.
import fs from 'node:fs';
import type { Command } from 'commander-v14';
import { toCsv } from '../core/csv.js';
import { auditSentence } from '../core/audit-words.js';
import { auditEntries } from '../db/audit-views.js';
import { anchorOfBackup, anchorOfMark, auditAnchor, verifyAgainst, verifyAudit, verifyRecords, type AuditAnchor } from '../db/audit-verify.js';
import { restoreBackup } from '../db/restore.js';
import { mayRestore } from '../db/restore-auth.js';
import { participantByStudyId } from '../db/rows.js';
import { common, type Run } from './command.js';
import { fail, whoIs } from './context.js';
import { readPassphrase } from './passphrase.js';
import { trialOf, trialOption } from './participant-commands.js';

export const AUDIT_COLUMNS = ['id', 'at', 'by', 'method', 'reason', 'entity', 'entity_id', 'action', 'participant_id', 'changes', 'description'] as const;

/** An anchor from a receipt file, or from a backup's own head. */
function anchorFrom(file: string): AuditAnchor {
  const mark = fs.existsSync(file) ? null : anchorOfMark(file);
  if (mark) return mark;
  let text: Buffer;
  try {
    text = fs.readFileSync(file);
  } catch (e) {
    return fail(`Cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  if (text.subarray(0, 16).toString('latin1').startsWith('SQLite format 3')) {
    try {
      return anchorOfBackup(file);
    } catch {
      return fail(`${file} is not a Trial Coordinator backup.`);
    }
  }
  try {
    const r = JSON.parse(text.toString('utf8')) as Partial<AuditAnchor> & { kind?: string };
    if (r.kind !== 'trial-coordinator-audit-receipt' || typeof r.rows !== 'number' || typeof r.lastHash !== 'string') throw new Error('not a receipt');
    return { siteId: r.siteId ?? '', rows: r.rows, lastHash: r.lastHash, at: r.at ?? '' };
  } catch {
    return fail(`${file} is neither an audit receipt nor a backup.`);
  }
}

export function registerRecordsCommands(root: Command, run: Run): void {
  const audit = root.command('audit').description('the audit trail: verify, receipt, export');
  common(
    audit
      .command('verify')
      .description("walk the audit trail's keyed chain to its sealed head, and check every record against its trail (exit 3 if either fails)")
      .option('--against <receipt, backup or mark>', 'also prove the trail still extends what a receipt, a backup or a printed mark (ROWS:HASH, from a calendar’s footer) recorded'),
    false,
  ).action(
    run<{ against?: string }>((cli, o) => {
      const anchor = o.against ? anchorFrom(o.against) : null;
      const { chain, records, extends: ext } = cli.backend.conn.read((db) => ({
        chain: verifyAudit(db),
        records: verifyRecords(db),
        extends: anchor ? verifyAgainst(db, anchor) : ({ ok: true } as const),
      }));
      let broken = false;
      if (chain.ok) console.log(`Audit trail intact: ${chain.rows} rows.`);
      else {
        broken = true;
        console.log(chain.firstBadId === 0 ? `Audit trail not verified: ${chain.problem}` : `Audit trail broken at row ${chain.firstBadId}: ${chain.problem}`);
      }
      for (const r of records) console.log(`Record changed without the app: ${r.problem}`);
      if (records.length) broken = true;
      if (anchor) {
        if (ext.ok) console.log(`The trail extends the anchor of ${anchor.at || 'that file'} (${anchor.rows} rows).`);
        else {
          broken = true;
          console.log(`The trail does not extend the anchor: ${ext.problem}`);
        }
      }
      return broken ? 3 : 0;
    }),
  );
  common(audit.command('receipt').description('the head of the audit trail, to keep outside the database (a monitor or sponsor keeps it)').option('--out <file>'), false).action(
    run<{ out?: string }>((cli, o) => {
      const anchor = cli.backend.conn.read((db) => {
        const v = verifyAudit(db);
        if (!v.ok) return fail(v.firstBadId === 0 ? v.problem : `The audit trail is broken at row ${v.firstBadId}: ${v.problem}; no receipt was written.`);
        return auditAnchor(db);
      });
      const text = `${JSON.stringify({ kind: 'trial-coordinator-audit-receipt', ...anchor, database: cli.dbFile, takenAt: new Date().toISOString() }, null, 2)}\n`;
      if (o.out) fs.writeFileSync(o.out, text, { mode: 0o600 });
      else process.stdout.write(text);
      return 0;
    }),
  );
  common(trialOption(audit.command('export').description('the audit trail as CSV').option('--participant <study id>').option('--out <file>').option('--bom', 'start with a byte-order mark (Excel)'), false), false).action(
    run<{ trial?: string; protocol?: string; participant?: string; out?: string; bom?: boolean }>((cli, o) => {
      const trial = trialOf(o);
      if (o.participant && !trial) fail('--participant needs --trial');
      cli.assertReadable();
      const csv = cli.backend.conn.read((db) => {
        const pid = o.participant ? participantByStudyId(db, o.participant, trial) : null;
        // An imported participant's row is followed by a line for each visit it lists (the same row id, who, when and why).
        const rows = auditEntries(db, pid, false).flatMap((e) =>
          [e, ...(e.records ?? []).map((r) => ({ ...e, ...r, records: undefined }))].map((x) => [x.id, x.at, x.by, x.method, x.reason, x.entity, x.entityId, x.action, x.participantId, JSON.stringify(x.changes), auditSentence(x, { date: (d) => d })]),
        );
        return toCsv(AUDIT_COLUMNS, rows, { bom: o.bom ?? false });
      });
      if (o.out) fs.writeFileSync(o.out, csv, { mode: 0o600 });
      else process.stdout.write(csv);
      return 0;
    }),
  );

  common(root.command('backup').description('copy the database (a whole, consistent copy) to the backups folder or --out').option('--out <file>'), true).action(
    run<{ out?: string }>(async (cli, o) => {
      const { file } = cli.call('backupNow', o.out ? { out: o.out } : {}, await cli.signIn());
      console.log(`Backed up to ${file}`);
      return 0;
    }),
  );

  common(root.command('restore').argument('<file>', 'a backup').description('replace the database with a checked backup; the current one is kept aside'), true).action(
    run(async (cli, _o, [file]) => {
      // An administrator, in the database being replaced; or, where a damaged one cannot be
      // read, in the backup. Neither file is opened for writing, and nothing is migrated.
      const initials = whoIs(cli.by);
      const passphrase = await readPassphrase(`Passphrase for ${initials}: `, 'TRIALCOORD_PASSPHRASE');
      const auth = mayRestore(cli.dbFile, file!, initials, passphrase);
      if (!auth.ok) return fail(auth.message);
      if (auth.note) console.error(auth.note);
      const { keptAside } = restoreBackup(file!, cli.dbFile);
      console.log(`Restored ${cli.dbFile} from ${file}.${keptAside ? ` The previous database was kept as ${keptAside}.` : ''}`);
      return 0;
    }),
  );
}
