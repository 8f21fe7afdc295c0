// npm start: the desktop app where Electron can run; browser mode where it cannot.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { findOrFetchElectron } from './electron-runtime.mjs';

const run = (cmd, args, opts = {}) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

run(process.execPath, ['scripts/build.mjs']);
const electron = findOrFetchElectron();
const passThrough = process.argv.slice(2);

if (electron.bin) {
  const env = { ...process.env, TRIALCOORD_NATIVE_BINDING: await electronNativeBinding(electron.bin) };
  const child = spawn(electron.bin, ['.', ...passThrough], { stdio: 'inherit', env });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log(`Electron cannot start: ${electron.reason}; opening browser mode instead.`);
  // The built CLI (scripts/build.mjs above), as the desktop app runs built code too.
  const child = spawn(process.execPath, ['dist/cli/main.mjs', ...passThrough, 'serve', '--open'], { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code) => process.exit(code ?? 0));
}

/**
 * better-sqlite3 in node_modules is built for Node (the CLI and tests use it). Electron needs a
 * build for its own ABI, so we build a second copy under .electron-native/ and point the main
 * process at it; packaging (electron-builder) rebuilds the real one instead.
 */
async function electronNativeBinding(electronBin) {
  const version = spawnSync(electronBin, ['--version'], { encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } }).stdout.trim().replace(/^v/, '');
  const dir = path.resolve('.electron-native', version);
  const binding = path.join(dir, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
  if (fs.existsSync(binding)) return binding;
  fs.mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  fs.cpSync(path.resolve('node_modules', 'better-sqlite3'), path.join(dir, 'node_modules', 'better-sqlite3'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'electron-native', private: true, dependencies: { 'better-sqlite3': '*' } }));
  const { rebuild } = await import('@electron/rebuild');
  console.log(`Building better-sqlite3 for Electron ${version}…`);
  await rebuild({ buildPath: dir, electronVersion: version, onlyModules: ['better-sqlite3'], force: true });
  return binding;
}
