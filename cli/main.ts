#!/usr/bin/env node
// trialcoord: the command line. Commands, flags and output shapes here are a product interface
// that scripts depend on; README.md documents them and test/cli.test.ts pins them.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { ApiResult, Input, Method, Output } from '../core/api.js';
import { formatAge, formatDose, formatSeries, formatTiming, formatWindow, humanize } from '../core/format.js';
import { allocationRatio } from '../core/protocol.js';
import { openBackend, type AppBackend } from '../db/app.js';
import { DatabaseDamagedError, DatabaseFromFutureError } from '../db/errors.js';
import { resolveDatabaseFile } from '../db/paths.js';
import { dispatch, scheduleOrExplain } from '../db/service.js';
import { AppError } from '../db/errors.js';
import type { Schedule } from '../core/schedule.js';
import { computeSchedule, parseActuals, protocolFromFile, renderSchedule, validateScheduleArgs, type ScheduleArgs } from './schedule-command.js';
import { openInBrowser } from './open-browser.js';
import { startServer } from './server.js';
import { participantCommands } from './participant-commands.js';
import { auditExport, auditVerify, backupCommand, restoreCommand } from './records-commands.js';
import { dailyBackup } from '../db/backup.js';
import { exportCommand } from './export-command.js';
import { printCalendar } from './print-command.js';
import { protocolCommands } from './protocol-commands.js';
import { whoIs } from './api-call.js';

// The project folder: one up from cli/ when run from source, two up from dist/cli/ when bundled.
const ROOT = ((dir) => (path.basename(path.dirname(dir)) === 'dist' ? path.resolve(dir, '..', '..') : path.resolve(dir, '..')))(path.dirname(fileURLToPath(import.meta.url)));
const SEEDS_DIR = path.join(ROOT, 'seeds');
const RENDERER_DIR = process.env.TRIALCOORD_RENDERER_DIR ?? path.join(ROOT, 'dist', 'renderer');

/** A problem with what the user asked for: printed as one line, exit code 2. */
class UsageError extends Error {}

const USAGE = `Usage: trialcoord [--db FILE] <command>

Commands:
  protocol list [--json]                    List stored protocols
  protocol show <id|NCT id> [--json]        Show one protocol (--json: the protocol document)
  protocol import <file.json> [--new-version] [--note TEXT] [--effective D]
                                            Validate and store a protocol; nothing is written if invalid
  protocol import --from-ctgov <record.json> [--id SLUG] [--dry-run [--json]] [--new-version] [--note TEXT]
                                            Draft a protocol from a ClinicalTrials.gov API v2 study record,
                                            printing each proposed visit beside the time frame it came from
  protocol export <id|NCT id> [--version N] The protocol document as JSON on standard output
  protocol diff <id> [--from N] [--to N] [--json]
  protocol diff <ref> <ref> [--json]        Differences between versions (ref: id, id@N or file.json);
                                            exit 0 when identical, 1 when they differ
  protocol move <id> [--to N] [--participant <study id>] [--dry-run] [--reason TEXT] [--json]
                                            Move participants to a newer version (default: the current one);
                                            --dry-run shows which future visits change
  schedule --protocol <file or id> --arm <key> --start <YYYY-MM-DD>
           [--actual <visit key>=<YYYY-MM-DD> ...] [--missed <visit key> ...] [--format json|csv]
                                            A participant-free schedule; --start is Study Day 1 (the first dose)
  participants import <file.csv> --protocol <id>
                                            Import enrolled participants (study_id,initials,arm,day1,weight_kg[,actual:<visit>...])
  participants list [--protocol <id>] [--json]
  enroll --protocol <id> --study-id <id> --initials AB --sex female|male|other|unknown (--age N | --birth-date D)
         [--weight KG] --consent D --day1 D [--arm KEY] [--stratum S] --confirm-eligibility [--json]
  visit done|missed|reschedule --protocol <id> --participant <study id> --visit <key>
         [--date D] [--reason TEXT] [--lot LOT --time HH:MM [--weight KG]] [--json]
  audit verify                              Check the audit trail's hash chain (exit 3 if broken)
  audit export [--protocol <id> --participant <study id>] [--out FILE] [--bom]
                                            The audit trail as CSV
  export visits|participants|doses [--format csv|ics] [--trial <id>] [--participant <study id>]
         [--from D --to D] [--out FILE] [--bom]
                                            CSV (or iCalendar for visits) to standard output or FILE
  print calendar --participant <study id> [--trial <id>] --out FILE.pdf [--paper a4|letter]
                                            The participant's printable calendar as PDF (needs Chromium or Chrome)
  settings [set site_name|backup_keep <value>]
                                            Show or change settings (the site name is printed on calendars)
  backup [--out FILE]                       Copy the database (online backup) to the backups folder or FILE
  restore <file>                            Replace the database with a checked backup; the current one is kept aside
  serve [--port N] [--open]                 Browser mode on 127.0.0.1 (prints the URL with its token)

Options:
  --db FILE   Database file (default: $TRIALCOORD_DB, else the app's data folder)
  --by NAME   Who is doing this, for the record (default: $TRIALCOORD_USER, else the login name)
  --help      Show this help`;

function main(argv: string[]): Promise<number> | number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      db: { type: 'string' },
      json: { type: 'boolean', default: false },
      'new-version': { type: 'boolean', default: false },
      note: { type: 'string' },
      port: { type: 'string' },
      open: { type: 'boolean', default: false },
      protocol: { type: 'string' },
      arm: { type: 'string' },
      start: { type: 'string' },
      actual: { type: 'string', multiple: true, default: [] },
      missed: { type: 'string', multiple: true, default: [] },
      format: { type: 'string' },
      by: { type: 'string' },
      'study-id': { type: 'string' },
      initials: { type: 'string' },
      sex: { type: 'string' },
      age: { type: 'string' },
      'birth-date': { type: 'string' },
      weight: { type: 'string' },
      consent: { type: 'string' },
      day1: { type: 'string' },
      stratum: { type: 'string' },
      'confirm-eligibility': { type: 'boolean', default: false },
      participant: { type: 'string' },
      visit: { type: 'string' },
      date: { type: 'string' },
      reason: { type: 'string' },
      lot: { type: 'string' },
      time: { type: 'string' },
      out: { type: 'string' },
      bom: { type: 'boolean', default: false },
      trial: { type: 'string' },
      paper: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      effective: { type: 'string' },
      'from-ctgov': { type: 'string' },
      id: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      version: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, sub, ...rest] = positionals;
  if (values.help || command === undefined || command === 'help') {
    console.log(USAGE);
    return command === undefined && !values.help ? 2 : 0;
  }
  const dbFile = resolveDatabaseFile(values.db);
  const backend = () => openBackend({ dbFile, seedsDir: SEEDS_DIR, mode: command === 'serve' ? 'browser' : 'cli', appVersion: appVersion() });

  if (command === 'serve') return serve(backend(), values.port, values.open);
  if (command === 'schedule') {
    if (sub !== undefined) throw new UsageError(`schedule takes options only, not "${sub}"`);
    return schedule(backend, { protocol: values.protocol, arm: values.arm, start: values.start, actual: values.actual, missed: values.missed, format: values.format });
  }
  const failWith = (message: string): never => {
    throw new UsageError(message);
  };
  if (command === 'restore') return restoreCommand(sub, dbFile, failWith);
  if (command === 'print') {
    if (sub !== 'calendar') throw new UsageError('Use "print calendar --participant <study id> --out file.pdf".');
    const b = backend();
    return printCalendar(b, { participant: values.participant, trial: values.trial, out: values.out, paper: values.paper }, RENDERER_DIR, failWith).finally(() => b.conn.close());
  }
  if (command === 'settings') {
    const b = backend();
    try {
      if (sub === 'set') {
        const [key, value] = rest;
        call(b, 'setSetting', { key: key as 'site_name', value: value ?? '', by: whoIs(values.by) });
        console.log(`${key} set to ${value}`);
        return 0;
      }
      const info = call(b, 'appInfo', {});
      console.log(`site_name: ${info.siteName ?? '(not set)'}`);
      return 0;
    } finally {
      b.conn.close();
    }
  }
  if (command === 'export') {
    const b = backend();
    try {
      return exportCommand(b.conn, sub, { format: values.format, trial: values.trial, participant: values.participant, from: values.from, to: values.to, out: values.out, bom: values.bom }, failWith);
    } finally {
      b.conn.close();
    }
  }
  if (command === 'backup' || command === 'audit') {
    const b = backend();
    const run = async () => {
      try {
        if (command === 'backup') return await backupCommand(b.conn, values.out);
        if (sub === 'verify') return auditVerify(b.conn);
        if (sub === 'export') return auditExport(b.conn, { protocol: values.protocol, participant: values.participant, out: values.out, bom: values.bom }, failWith);
        return failWith(`Unknown audit command "${sub ?? ''}". Use verify or export.`);
      } finally {
        b.conn.close();
      }
    };
    return run();
  }
  if (command === 'participants' || command === 'enroll' || command === 'visit') {
    const b = backend();
    try {
      return participantCommands(b, command, positionals.slice(1), values, (message, details) => {
        const err = new UsageError(message) as UsageError & { details?: readonly string[] };
        err.details = details ?? [];
        throw err;
      });
    } finally {
      b.conn.close();
    }
  }
  if (command !== 'protocol') throw new UsageError(`Unknown command "${command}". Run "trialcoord --help".`);

  const b = backend();
  try {
    switch (sub) {
      case 'list':
        return protocolList(b, values.json);
      case 'show':
        if (rest.length !== 1) throw new UsageError('protocol show needs one protocol id, e.g. "protocol show ucmsc-sepsis".');
        return protocolShow(b, rest[0]!, values.json);
      default:
        return protocolCommands(b, sub, rest, values, (message, details) => {
          const err = new UsageError(message) as UsageError & { details?: readonly string[] };
          err.details = details ?? [];
          throw err;
        });
    }
  } finally {
    b.conn.close();
  }
}

function call<M extends Method>(b: AppBackend, method: M, input: Input<M>): Output<M> {
  const result = dispatch(b.handlers, method, input) as ApiResult<Output<M>>;
  if (!result.ok) {
    const err = new UsageError(result.error.message);
    (err as UsageError & { details?: readonly string[] }).details = result.error.details;
    throw err;
  }
  return result.value;
}

function schedule(backend: () => AppBackend, args: ScheduleArgs): number {
  const fail = (message: string): never => {
    throw new UsageError(message);
  };
  const { protocol, arm, start, format } = validateScheduleArgs(args, fail);
  const actual = parseActuals(args.actual, fail);
  const fromFile = protocolFromFile(protocol, fail);
  let result: Schedule;
  if (fromFile) {
    result = scheduleOrExplainCli(() => computeSchedule({ protocol: fromFile, armKey: arm, start, actual, missed: args.missed }));
  } else {
    const b = backend();
    try {
      result = call(b, 'previewSchedule', { protocolId: protocol, armKey: arm, start, actual, missed: [...args.missed] });
    } finally {
      b.conn.close();
    }
  }
  process.stdout.write(renderSchedule(result, format));
  return 0;
}

function scheduleOrExplainCli<T>(fn: () => T): T {
  try {
    return scheduleOrExplain(fn);
  } catch (e) {
    if (e instanceof AppError) throw new UsageError(e.message);
    throw e;
  }
}

function protocolList(b: AppBackend, json: boolean): number {
  const list = call(b, 'listProtocols', {});
  if (json) {
    console.log(JSON.stringify(list, null, 2));
    return 0;
  }
  const rows = list.map((p) => [p.id, p.nctId ?? '-', p.phases.map(humanize).join(', ') || '-', String(p.armCount), p.title]);
  const header = ['ID', 'NCT', 'PHASE', 'ARMS', 'TITLE'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const r of [header, ...rows]) console.log(r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  '));
  return 0;
}

function protocolShow(b: AppBackend, id: string, json: boolean): number {
  const { protocol: p, summary } = call(b, 'getProtocol', { id });
  if (json) {
    console.log(JSON.stringify(p, null, 2));
    return 0;
  }
  const out: string[] = [];
  const line = (label: string, value: string | null | undefined) => out.push(`${label.padEnd(18)}${value ?? 'not stated'}`);
  out.push(p.title, '');
  line('ID', `${p.id} (version ${summary.version})`);
  line('NCT number', p.identifiers.nctId);
  line('Sponsor', p.sponsor);
  line('Phase', p.phases.map(humanize).join(', ') || null);
  line('Status', p.status && humanize(p.status));
  line('Conditions', p.conditions.join('; '));
  line('Allocation', p.design.allocation && humanize(p.design.allocation));
  line('Masking', p.design.masking && humanize(p.design.masking));
  line('Enrollment', p.enrollment.target === null ? null : String(p.enrollment.target));
  const ratio = allocationRatio(p.arms);
  if (ratio && p.arms.length > 1) line('Allocation ratio', ratio.join(':'));
  line('Ages', [formatAge(p.eligibility.minimumAge) ?? '?', formatAge(p.eligibility.maximumAge) ?? '?'].join(' to '));
  out.push('', 'Arms');
  for (const arm of p.arms) {
    out.push(`  ${arm.key}: ${arm.label} [${humanize(arm.type)}], target ${arm.targetSize ?? 'not stated'}`);
    for (const s of arm.dosing) out.push(`    ${s.label}: ${formatSeries(s)}; ${formatDose(s.dose)}`);
    for (const v of arm.visits) out.push(`    ${v.label}: ${formatTiming(v.anchor, v.offset)} (${formatWindow(v.window)})`);
  }
  out.push('', `Inclusion (${p.eligibility.inclusion.length})`, ...p.eligibility.inclusion.map((c) => `  - ${c.text}`));
  out.push('', `Exclusion (${p.eligibility.exclusion.length})`, ...p.eligibility.exclusion.map((c) => `  - ${c.group ? `${c.group}: ` : ''}${c.text}`));
  if (p.notStated.length) out.push('', 'Not stated in the source document', ...p.notStated.map((n) => `  - ${n.note}`));
  console.log(out.join('\n'));
  return 0;
}

async function serve(b: AppBackend, portFlag: string | undefined, open: boolean): Promise<number> {
  const port = portFlag === undefined ? 0 : Number(portFlag);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a number from 0 to 65535, not "${portFlag}".`);
  if (b.auditProblem) console.log(`Warning: ${b.auditProblem}. Run "trialcoord audit verify" and keep this database for inspection.`);
  const backup = await dailyBackup(b.conn);
  if (backup) console.log(`Backed up to ${backup}`);
  const server = await startServer({ handlers: b.handlers, rendererDir: RENDERER_DIR, port });
  console.log(`Trial Coordinator (browser mode) at ${server.url}`);
  console.log(`Database: ${b.conn.file}`);
  if (open) openInBrowser(server.url);
  const stop = () => {
    void server.close().then(() => {
      b.conn.close();
      process.exit(0);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return new Promise<number>(() => {});
}

function appVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

function report(error: unknown): number {
  if (error instanceof UsageError || error instanceof DatabaseFromFutureError || error instanceof DatabaseDamagedError || error instanceof AppError) {
    console.error(`error: ${error.message}`);
    const details = (error as { details?: readonly string[] }).details ?? [];
    if (details.length > 1) for (const d of details) console.error(`  ${d}`);
    return 2;
  }
  if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
    console.error(`error: ${error.message}`);
    return 2;
  }
  console.error(error);
  return 1;
}

try {
  const code = await main(process.argv.slice(2));
  process.exitCode = code;
} catch (error) {
  process.exitCode = report(error);
}
