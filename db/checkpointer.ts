// The write-ahead log's checkpoint on a thread of its own. SQLite copies the log into the file
// when a commit leaves more than 1,000 pages in it, on the committing thread: after an import of
// a large site (280,000 visits, a log of hundreds of megabytes) that copy took 0.6-1.0 s, which
// the import waited for although its rows were already safe in the log. A write that expects a
// large log (deferCheckpoint) turns that copy off for itself; once it has committed, the
// connection hands the copy to this thread, with a connection of its own, and returns. Readers
// and later writes go on meanwhile: a PASSIVE checkpoint waits for no one, and one that cannot
// finish leaves the rest to the next (SQLite's own, at a later commit, or the close).
//
// The connection closes this thread before itself (close() waits for it, a checkpoint under way
// included), so that its own close is the last and folds in whatever is left of the log.
import nodeModule from 'node:module';
import { Worker } from 'node:worker_threads';
import type { WritableDB } from './types.js';

/** SQLite's own threshold for its automatic checkpoint, in pages: put back after a deferred write. */
export const AUTO_CHECKPOINT_PAGES = 1000;

/** How long a close waits for a checkpoint under way (a log of gigabytes on a slow disk). */
const CLOSE_WAIT_MS = 60_000;

/**
 * Marks the write under way as one whose commit leaves a large log: its connection checkpoints
 * on its own thread after the commit, instead of the commit doing it (see the top of this file).
 */
export function deferCheckpoint(db: WritableDB): void {
  db.pragma('wal_autocheckpoint = 0');
  deferred.add(db);
}

/** The connections whose write under way deferred its checkpoint (asking SQLite after every write cost each write a statement). */
const deferred = new WeakSet<WritableDB>();

// The thread's program: plain CommonJS, so that it runs the same from source, from the built
// bundles and in the desktop app. Its shared state: [0] a checkpoint asked for or under way,
// [1] closed, [2] checkpoints done.
const PROGRAM = `
const { parentPort, workerData } = require('node:worker_threads');
const state = new Int32Array(workerData.state);
// However the thread ends, nobody is left waiting on it.
process.on('exit', () => {
  Atomics.store(state, 0, 0);
  Atomics.notify(state, 0);
  Atomics.store(state, 1, 1);
  Atomics.notify(state, 1);
});
let db = null;
try {
  const Database = require(workerData.driver);
  db = new Database(workerData.file, workerData.nativeBinding ? { nativeBinding: workerData.nativeBinding } : {});
  db.pragma('synchronous = FULL');
} catch {}
parentPort.on('message', (m) => {
  if (m === 'checkpoint') {
    try {
      if (db) db.pragma('wal_checkpoint(PASSIVE)');
    } catch {}
    Atomics.add(state, 2, 1);
    Atomics.store(state, 0, 0);
    Atomics.notify(state, 0);
  } else if (m === 'close') {
    try {
      if (db) db.close();
    } catch {}
    Atomics.store(state, 1, 1);
    Atomics.notify(state, 1);
    parentPort.close();
  }
});
`;

/** Where the SQLite driver is, for the thread to load the same one. */
function driverPath(): string {
  // The built bundles (CommonJS, or ESM with a require of their own) have require; TypeScript run
  // from source (ESM) has import.meta.
  return typeof require === 'function' ? require.resolve('better-sqlite3') : nodeModule.createRequire(import.meta.url).resolve('better-sqlite3');
}

export class Checkpointer {
  private worker: Worker | null = null;
  private readonly state = new Int32Array(new SharedArrayBuffer(12));
  private closed = false;

  constructor(
    private readonly file: string,
    private readonly nativeBinding: string | undefined,
  ) {}

  /** Called after every commit: a write that deferred its checkpoint has it started here. */
  afterCommit(db: WritableDB): void {
    if (!deferred.has(db) || db.inTransaction) return;
    deferred.delete(db);
    db.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
    this.start(db);
  }

  /** How many checkpoints the thread has finished (the tests and the bench read it). */
  get done(): number {
    return Atomics.load(this.state, 2);
  }

  /** Waits (blocking) until no checkpoint is asked for or under way. */
  settle(timeoutMs = CLOSE_WAIT_MS): void {
    if (this.worker) Atomics.wait(this.state, 0, 1, timeoutMs);
  }

  private start(db: WritableDB): void {
    if (this.closed) return;
    // One asked for or under way copies this write's frames too (they are committed).
    if (Atomics.compareExchange(this.state, 0, 0, 1) !== 0) return;
    try {
      if (!this.worker) {
        this.worker = new Worker(PROGRAM, { eval: true, workerData: { file: this.file, driver: driverPath(), nativeBinding: this.nativeBinding, state: this.state.buffer } });
        // The thread never keeps the process alive, and its errors are its own: the log is then
        // folded in by SQLite's own checkpoint at a later commit, or at the close.
        this.worker.unref();
        this.worker.on('error', () => this.fallBack(db));
      }
      this.worker.postMessage('checkpoint');
    } catch {
      this.fallBack(db);
    }
  }

  private fallBack(db: WritableDB): void {
    Atomics.store(this.state, 0, 0);
    Atomics.notify(this.state, 0);
    this.worker = null;
    if (db.open) {
      try {
        db.pragma('wal_checkpoint(PASSIVE)');
      } catch {
        // The next commit's automatic checkpoint, or the close, folds the log in.
      }
    }
  }

  /** Closes the thread's connection, waiting for a checkpoint under way; the caller's close comes after. */
  close(): void {
    this.closed = true;
    const worker = this.worker;
    this.worker = null;
    if (!worker) return;
    worker.postMessage('close');
    Atomics.wait(this.state, 1, 0, CLOSE_WAIT_MS);
    void worker.terminate();
  }
}
