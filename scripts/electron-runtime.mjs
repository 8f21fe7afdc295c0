// Finds the Electron runtime binary. The electron package fetches it on first use; where that
// cannot happen (no network), we report why instead of failing with a stack trace.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const pkgDir = path.resolve('node_modules', 'electron');

/** The binary if it is already on disk; never downloads. */
export function installedElectron() {
  const pathFile = path.join(pkgDir, 'path.txt');
  if (!fs.existsSync(pathFile)) return null;
  const bin = path.join(pkgDir, 'dist', fs.readFileSync(pathFile, 'utf8').trim());
  return fs.existsSync(bin) ? bin : null;
}

/** The binary, fetching it the way the electron package does when it is missing. */
export function findOrFetchElectron() {
  const present = installedElectron();
  if (present) return { bin: present };
  const r = spawnSync(process.execPath, ['-e', "process.stdout.write(require('electron'))"], { encoding: 'utf8', timeout: 300_000 });
  const bin = r.status === 0 ? r.stdout.trim() : '';
  if (bin && fs.existsSync(bin)) return { bin };
  const cause = /fetch failed|ENOTFOUND|EAI_AGAIN|ECONNREFUSED/.test(r.stderr ?? '') ? 'the download failed (no network?)' : 'it could not be installed';
  return { bin: null, reason: `the Electron runtime is not installed and ${cause}` };
}
