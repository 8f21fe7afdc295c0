import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/db.js';

// The start-up checks read the whole file while a coordinator signs in and the first worklist is
// drawn: on two cores they took turns with both. The checker's thread lowers its own priority
// (Linux: a thread is a task of its own), so that the window's work goes first.
describe('a background thread at the lowest priority', () => {
  it('lowers its own thread only, not the process the window’s work runs in', async () => {
    const tsxApi = pathToFileURL(path.join(ROOT, 'node_modules', 'tsx', 'dist', 'esm', 'api', 'index.mjs')).href;
    const helper = pathToFileURL(path.join(ROOT, 'db', 'backend', 'priority.ts')).href;
    const code = `
      const { parentPort } = require('node:worker_threads');
      const fs = require('node:fs'), os = require('node:os');
      import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(helper)}); }).then((h) => {
        const lowered = h.lowerThreadPriority();
        const tid = process.platform === 'linux' ? Number(fs.readlinkSync('/proc/thread-self').split('/').pop()) : null;
        parentPort.postMessage({ lowered, thread: tid === null ? null : os.getPriority(tid), process: os.getPriority(process.pid) });
      });`;
    const before = os.getPriority(process.pid);
    const seen = await new Promise<{ lowered: boolean; thread: number | null; process: number }>((resolve, reject) => {
      const w = new Worker(code, { eval: true });
      w.once('message', (m) => void w.terminate().then(() => resolve(m)));
      w.once('error', reject);
    });
    expect(seen.process).toBe(before);
    expect(os.getPriority(process.pid)).toBe(before);
    if (process.platform === 'linux') {
      expect(seen.lowered).toBe(true);
      expect(seen.thread).toBe(os.constants.priority.PRIORITY_LOW);
    } else expect(seen.lowered).toBe(false);
  });
});
