// `trialcoord schedule`: a participant-free schedule for one arm, from a protocol file or a
// stored protocol id. JSON and CSV shapes here are a product interface (README, test/cli-schedule.test.ts).
import fs from 'node:fs';
import { toCsv } from '../core/csv.js';
import { isIsoDate } from '../core/dates.js';
import { describeIssues, ProtocolSchema, type Protocol } from '../core/protocol.js';
import { computeSchedule, ScheduleError, type Schedule, type ScheduledVisit } from '../core/schedule.js';
import { fail, type Cli } from './context.js';

export const SCHEDULE_COLUMNS = [
  'key',
  'label',
  'kind',
  'plannedDate',
  'projectedDate',
  'windowStart',
  'windowEnd',
  'studyDay',
  'anchor',
  'actualDate',
  'status',
  'outOfWindow',
  'windowText',
  'movedFrom',
  'movedBecause',
  'closedDay',
] as const satisfies readonly (keyof ScheduledVisit)[];

export interface ScheduleArgs {
  readonly protocol: string | undefined;
  readonly arm: string | undefined;
  readonly start: string | undefined;
  readonly actual: readonly string[];
  readonly missed: readonly string[];
  readonly events: readonly string[];
  readonly format: string | undefined;
}

/** Reads a protocol file; a value that is not a file is taken as a stored protocol id (null). */
export function protocolFromFile(value: string, fail: (message: string) => never): Protocol | null {
  if (!value.endsWith('.json') && !fs.existsSync(value)) return null;
  let document: unknown;
  try {
    document = JSON.parse(fs.readFileSync(value, 'utf8'));
  } catch (e) {
    return fail(`Cannot read protocol file ${value}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const parsed = ProtocolSchema.safeParse(document);
  if (!parsed.success) return fail(`Protocol file ${value} is not valid: ${describeIssues(parsed.error)[0]}`);
  return parsed.data;
}

export function parseActuals(values: readonly string[], fail: (message: string) => never, flag: 'actual' | 'event' = 'actual'): Record<string, string> {
  const actual: Record<string, string> = {};
  const what = flag === 'actual' ? 'visit' : 'event';
  for (const v of values) {
    const m = /^([^=]+)=(.*)$/.exec(v);
    if (!m) fail(`--${flag} must be <${what} key>=<YYYY-MM-DD>, not "${v}"`);
    const [, key, date] = m;
    if (key! in actual) fail(`--${flag} given twice for ${what} "${key}"`);
    if (!isIsoDate(date!)) fail(badDate(key!, date!));
    actual[key!] = date!;
  }
  return actual;
}

export function validateScheduleArgs(args: ScheduleArgs, fail: (message: string) => never): { protocol: string; arm: string; start: string; format: 'json' | 'csv' } {
  if (!args.protocol) fail('schedule needs --trial <protocol file or id>');
  if (!args.arm) fail('schedule needs --arm <arm key>');
  if (!args.start) fail('schedule needs --start <YYYY-MM-DD> (Study Day 1, the first dose)');
  if (!isIsoDate(args.start)) fail(badDate('start', args.start));
  const format = args.format ?? 'json';
  if (format !== 'json' && format !== 'csv') fail(`--format must be json or csv, not "${format}"`);
  return { protocol: args.protocol, arm: args.arm, start: args.start, format };
}

// Worded as the engine words it, so that a bad date reads the same whichever path finds it.
const badDate = (what: string, value: string) => `Bad date for ${what}: "${value}" is not a calendar date in the form YYYY-MM-DD`;

export function renderSchedule(schedule: Schedule, format: 'json' | 'csv'): string {
  const rows = schedule.visits.map((v) => Object.fromEntries(SCHEDULE_COLUMNS.map((c) => [c, v[c]])));
  if (format === 'json') return JSON.stringify({ visits: rows, open: schedule.open }, null, 2) + '\n';
  return toCsv(
    SCHEDULE_COLUMNS,
    schedule.visits.map((v) => SCHEDULE_COLUMNS.map((c) => v[c] as string | number | boolean | null)),
  );
}

/** `trialcoord schedule`: from a protocol file without the database, or from a stored protocol through the API. */
export function scheduleCommand(cli: Cli, args: ScheduleArgs): number {
  const { protocol, arm, start, format } = validateScheduleArgs(args, fail);
  const actual = parseActuals(args.actual, fail);
  const events = parseActuals(args.events, fail, 'event');
  const fromFile = protocolFromFile(protocol, fail);
  let result: Schedule;
  if (fromFile) {
    try {
      result = computeSchedule({ protocol: fromFile, armKey: arm, start, actual, missed: args.missed, events });
    } catch (e) {
      if (e instanceof ScheduleError) return fail(e.message);
      throw e;
    }
  } else result = cli.read('previewSchedule', { protocolId: protocol, armKey: arm, start, actual, missed: [...args.missed], events });
  process.stdout.write(renderSchedule(result, format));
  return 0;
}
