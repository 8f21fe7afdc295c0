// Crash safety: a writer killed with SIGKILL at random points never leaves a damaged file, and
// every write it acknowledged is there afterwards.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyAudit } from '../db/audit-verify.js';
import { openDatabase } from '../db/connection.js';
import { ROOT, tempDir } from './helpers/db.js';

const WRITES = 2000;
const KILLS = 20;

function runAndKill(file: string, from: number, killAfterMs: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    // Node itself with tsx's loader, not the tsx command: that runs the script in a child process
    // of its own, which a SIGKILL to the command would leave running.
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/helpers/crash-writer.ts'), file, String(from), String(WRITES)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acked: number[] = [];
    let buffer = '';
    let started = false;
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdout.on('data', (c: Buffer) => {
      buffer += c.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const l of lines) if (l.startsWith('ack ')) acked.push(Number(l.slice(4)));
      // The clock starts at the first acknowledged write, so kills land among the writes.
      if (!started && acked.length > 0) {
        started = true;
        setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      }
    });
    child.on('exit', (code, signal) => (signal === 'SIGKILL' || code === 0 ? resolve(acked) : reject(new Error(`writer failed (${code}): ${stderr}`))));
  });
}

describe('crash safety', () => {
  it(`${KILLS} SIGKILLs during ${WRITES} acknowledged writes: integrity ok and every acknowledged write present`, async () => {
    const file = path.join(tempDir(), 'crash.sqlite');
    openDatabase(file).close();
    let kills = 0;
    for (let round = 0; round < KILLS; round++) {
      const acked = await runAndKill(file, round * WRITES, 5 + Math.floor(Math.random() * 400));
      if (acked.length < WRITES) kills++;
      const conn = openDatabase(file, { checkIntegrity: true });
      conn.read((db) => {
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        const present = new Set((db.prepare("SELECT key FROM app_meta WHERE key LIKE 'crash-%'").all() as { key: string }[]).map((r) => r.key));
        const missing = acked.filter((i) => !present.has(`crash-${i}`));
        expect(missing, `round ${round}`).toEqual([]);
        const v = verifyAudit(db);
        expect(v, JSON.stringify(v)).toMatchObject({ ok: true });
      });
      conn.close();
    }
    // Most rounds must really have been cut short, or the test proves nothing.
    expect(kills).toBeGreaterThanOrEqual(KILLS - 2);
  }, 240_000);
});
