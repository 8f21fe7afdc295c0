import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { openDatabase } from '../../db/connection.js';
import { importSeedsOnFirstStart } from '../../db/seeds.js';
import { addTestPerson, ROOT, SEEDS_DIR, TEST_PASSPHRASE } from './db.js';

/** Runs the CLI from source, as `npm run cli` does. */
export function cli(args: readonly string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), path.join(ROOT, 'cli/main.ts'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', TRIALCOORD_USER: '', TRIALCOORD_PASSPHRASE: '', ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * A database with its seeds and a person "TC" with every role, and the environment a script
 * sets to act as them: TRIALCOORD_USER and TRIALCOORD_PASSPHRASE.
 */
export function siteWithPerson(db: string, roles?: readonly string[]): Record<string, string> {
  const conn = openDatabase(db);
  try {
    importSeedsOnFirstStart(conn, SEEDS_DIR);
    addTestPerson(conn, 'TC', roles, 'Test Coordinator');
  } finally {
    conn.close();
  }
  return { TRIALCOORD_USER: 'TC', TRIALCOORD_PASSPHRASE: TEST_PASSPHRASE };
}
