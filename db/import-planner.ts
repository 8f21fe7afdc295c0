// The participant import's schedules, planned on the second core while the writer writes. A large
// site's file is thousands of participants, each re-planned through its actual dates (about a
// sixth of the import's time, on the writer's thread). A planner thread takes participants in
// order and hands each one's visits back as the JSON of their values, which the writer reads in
// a half to two thirds of the time planning takes (an object graph sent as it is cost nearly as
// much to read as to plan: 166 against 196 µs for 82 visits). The writer never waits for the thread to start: each participant is planned by
// whichever of the two claims it first (a shared counter), the writer in order, the thread in
// batches ahead of it. Both plan with the same function, so the visits are the same either way;
// a thread that cannot start, or ends, leaves the rest to the writer.
//
// The thread also lists each visit as the participant's audit row holds it, and escapes that
// listing as the row's hash reads it (listingOf): text, which crosses threads as it is. The writer
// then only puts the ids it gets from its inserts in front of each visit's listing; for a
// participant it planned itself it lists and escapes as before (db/bulk-import.ts).
import nodeModule from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import fs from 'node:fs';
import path from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { replayActuals, scheduleArmFor, type SiteAndEvents } from '../core/participant-schedule.js';
import type { Protocol } from '../core/protocol.js';
import { ScheduleError } from '../core/schedule.js';
import { newVisitValues, type NewVisitValues } from './visits.js';

/** The visit columns in the order the planner lists each visit's values. */
export const PLANNED_COLUMNS = [
  'participant_id', 'key', 'position', 'label', 'kind', 'series', 'dose_number', 'planned_date', 'projected_date', 'window_start', 'window_end',
  'window_text', 'window_stated', 'study_day', 'anchor', 'procedures', 'status', 'actual_date', 'out_of_window', 'rescheduled_date', 'reason',
  'notes', 'updated_by', 'updated_at', 'settled_seq', 'done_by', 'procedures_done', 'moved_from', 'moved_because', 'closed_day',
] as const satisfies readonly (keyof NewVisitValues)[];
// Every column of a new visit is listed (a column added to visits fails to compile here until it is).
const listsEvery: Exclude<keyof NewVisitValues, (typeof PLANNED_COLUMNS)[number]> extends never ? true : false = true;
void listsEvery;

/** A participant's visits as the planner hands them over: each visit's values in PLANNED_COLUMNS' order. */
export type PlannedRows = readonly (readonly (string | number | null)[])[];

/** One participant of the file, as the import checked it. */
export interface PlanRow {
  readonly line: number;
  readonly armKey: string | null;
  readonly day1: string;
  readonly actual: readonly (readonly [key: string, date: string])[];
}

/** What planning needs beyond each participant: the same for all of them. */
export interface PlanJob {
  readonly protocol: Protocol;
  readonly blinded: boolean;
  readonly site: SiteAndEvents;
  readonly initial: { readonly by: string; readonly reason: string };
  readonly now: string;
  readonly rows: readonly PlanRow[];
}

/** A participant that cannot be planned: the import stops there, with the engine's words. */
export class PlanError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

/** Plans one participant: their schedule replayed through their actual dates, each visit's values listed. */
export function planParticipant(job: PlanJob, r: PlanRow): PlannedRows {
  const { protocol } = job;
  const armKey = (r.armKey ?? scheduleArmFor(protocol, null))!;
  let visits;
  try {
    ({ schedule: { visits } } = replayActuals(protocol, armKey, r.day1, r.actual, job.site));
  } catch (e) {
    if (e instanceof ScheduleError) throw new PlanError(r.line, e.message);
    throw e;
  }
  // The visits done before the import were settled in date order: that is the order a correction replays.
  const settledSeq = new Map([...r.actual].sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0)).map(([key], i) => [key, i + 1]));
  const initial = { ...job.initial, settledSeq };
  return visits.map((v, position) => {
    const values = newVisitValues(protocol, armKey, job.blinded, 0, v, position, initial, job.now);
    return PLANNED_COLUMNS.map((c) => values[c]);
  });
}

/**
 * A string as it reads back from SQLite: the driver stores a lone surrogate's three bytes, which
 * read back as three replacement characters. The import stores and lists that reading, so that
 * its rows read exactly as the table's do.
 */
export function asStoredText(v: string): string {
  return v.isWellFormed() ? v : v.replace(/\p{Cs}/gu, '\uFFFD\uFFFD\uFFFD');
}

/**
 * Each visit's values after its participant's id (PLANNED_COLUMNS' first), as the participant's
 * audit row lists them: ",v1,v2,…", text as SQLite reads it back. The writer puts the visit's
 * and the participant's ids in front once it has them (db/bulk-import.ts).
 */
export function listedVisits(rows: PlannedRows): string[] {
  return rows.map((values) => {
    const rest = values.slice(1).map((v) => (typeof v === 'string' ? asStoredText(v) : v));
    return `,${JSON.stringify(rest).slice(1, -1)}`;
  });
}

/**
 * A participant's visits listed for its audit row (listedVisits), and each listing as it stands
 * inside the JSON text the row's hash is taken over (escaped: JSON.stringify without the quotes).
 * Escaping is per character, so the writer puts the pieces together either way.
 */
export interface Listing {
  readonly visits: readonly string[];
  readonly escaped: readonly string[];
}

export function listingOf(rows: PlannedRows): Listing {
  const visits = listedVisits(rows);
  return { visits, escaped: visits.map((v) => JSON.stringify(v).slice(1, -1)) };
}

/** A participant's visits as next() gives them: their values, and their audit listing where the thread made it. */
export interface Planned {
  readonly rows: PlannedRows;
  /** listingOf(rows), made on the thread; null where the writer planned the participant itself. */
  readonly listing: Listing | null;
}

/** A file at least this long is planned with a thread's help (a thread takes tens of milliseconds to start). */
export const THREAD_FROM = 200;
/** How many participants the thread claims and hands over at a time. */
export const BATCH = 16;

// The shared counters: [0] the next participant nobody has claimed, [1] batches handed over, [2] the thread has ended.
const NEXT = 0;
const POSTED = 1;
const ENDED = 2;

/** A batch as the thread hands it over: from which participant, and each one's visits or why it cannot be planned. */
export interface PlannedBatch {
  readonly from: number;
  /** JSON: for each participant, its PlannedRows, or {"line": …, "error": …}. */
  readonly json: string;
  /** For each participant, listingOf its rows (null for one that cannot be planned): text, which crosses threads as it is. */
  readonly listings: (Listing | null)[];
}

/** The planner thread's entry, by how this code runs: the built bundles beside it, or TypeScript through tsx. */
function plannerThread(workerData: unknown, transferList: MessagePort[]): Worker | null {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    let tsx: string;
    try {
      tsx = import.meta.resolve('tsx/esm/api');
    } catch {
      // (Where import.meta.resolve is missing, as under the test runner: tsx's CommonJS side has the same register.)
      try {
        tsx = pathToFileURL(nodeModule.createRequire(here).resolve('tsx/esm/api')).href;
      } catch {
        return null;
      }
    }
    const entry = new URL('./import-planner-worker.ts', here).href;
    return new Worker(`import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`, { eval: true, workerData, transferList });
  }
  const file = path.join(path.dirname(fileURLToPath(here)), `import-planner-worker${path.extname(fileURLToPath(here))}`);
  return fs.existsSync(file) ? new Worker(file, { workerData, transferList }) : null;
}

/** Each participant's visits, in the file's order; next() is called once per participant. */
export class ImportPlanner {
  private readonly state = new Int32Array(new SharedArrayBuffer(12));
  private readonly port: MessagePort | null = null;
  private readonly worker: Worker | null = null;
  private seenPosted = 0;
  private batch: { from: number; planned: unknown[]; listings: (Listing | null)[] } | null = null;
  private index = 0;
  /** How many participants the thread planned (the tests read it). */
  fromThread = 0;

  constructor(
    private readonly job: PlanJob,
    options: { readonly thread?: boolean } = {},
  ) {
    if (!(options.thread ?? job.rows.length >= THREAD_FROM)) return;
    const { port1, port2 } = new MessageChannel();
    try {
      this.worker = plannerThread({ job, port: port2, state: this.state.buffer }, [port2]);
    } catch {
      this.worker = null;
    }
    if (!this.worker) {
      port1.close();
      return;
    }
    this.port = port1;
    // The thread's errors are its own: the writer plans what it leaves.
    this.worker.on('error', () => {});
    this.worker.unref();
  }

  /** Whether the thread has claimed participants the writer has not reached (the tests wait for it). */
  claimedAhead(): boolean {
    return this.worker !== null && Atomics.load(this.state, NEXT) > this.index;
  }

  next(): Planned {
    const i = this.index++;
    const row = this.job.rows[i]!;
    // Unclaimed (the thread is behind, still starting, or gone): the writer plans it.
    if (Atomics.compareExchange(this.state, NEXT, i, i + 1) === i) return { rows: planParticipant(this.job, row), listing: null };
    const planned = this.fromBatch(i);
    if (planned === undefined) return { rows: planParticipant(this.job, row), listing: null };
    this.fromThread++;
    if (Array.isArray(planned.rows)) return { rows: planned.rows as PlannedRows, listing: planned.listing };
    const failed = planned.rows as { line: number; error: string };
    throw new PlanError(failed.line, failed.error);
  }

  /** Participant i from the thread's batches, waiting for it; undefined if the thread ended without it. */
  private fromBatch(i: number): { rows: unknown; listing: Listing | null } | undefined {
    for (;;) {
      const b = this.batch;
      if (b && i >= b.from && i < b.from + b.planned.length) return { rows: b.planned[i - b.from], listing: b.listings[i - b.from] ?? null };
      const m = this.port ? receiveMessageOnPort(this.port) : undefined;
      if (m) {
        const b = m.message as PlannedBatch;
        this.batch = { from: b.from, planned: JSON.parse(b.json) as unknown[], listings: b.listings };
        this.seenPosted++;
        continue;
      }
      if (!this.port || Atomics.load(this.state, ENDED) === 1) return undefined;
      Atomics.wait(this.state, POSTED, this.seenPosted, 1000);
    }
  }

  close(): void {
    // Whatever the thread has not claimed is claimed here, so it stops at its next batch.
    Atomics.store(this.state, NEXT, this.job.rows.length);
    this.port?.close();
    void this.worker?.terminate();
  }
}

/** The thread's side (db/import-planner-worker.ts): claims batches until every participant is claimed. */
export function runPlannerThread(data: { job: PlanJob; port: MessagePort; state: SharedArrayBuffer }): void {
  const state = new Int32Array(data.state);
  const ended = () => {
    Atomics.store(state, ENDED, 1);
    Atomics.notify(state, POSTED);
  };
  process.on('exit', ended);
  const { job, port } = data;
  const n = job.rows.length;
  try {
    claimBatches(job, port, state, n);
  } finally {
    port.close();
    ended();
  }
}

function claimBatches(job: PlanJob, port: MessagePort, state: Int32Array, n: number): void {
  for (;;) {
    const from = Atomics.add(state, NEXT, BATCH);
    if (from >= n) break;
    const to = Math.min(n, from + BATCH);
    const planned: unknown[] = [];
    const listings: (Listing | null)[] = [];
    for (let i = from; i < to; i++) {
      try {
        const rows = planParticipant(job, job.rows[i]!);
        planned.push(rows);
        listings.push(listingOf(rows));
      } catch (e) {
        if (!(e instanceof PlanError)) throw e;
        planned.push({ line: e.line, error: e.message });
        listings.push(null);
      }
    }
    port.postMessage({ from, json: JSON.stringify(planned), listings } satisfies PlannedBatch);
    Atomics.add(state, POSTED, 1);
    Atomics.notify(state, POSTED);
  }
}
