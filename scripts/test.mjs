// npm test: type-check, unit tests, build, then end-to-end tests against the built app.
import { spawnSync } from 'node:child_process';

const env = { ...process.env, NO_COLOR: '1' };
delete env.FORCE_COLOR;
const bin = (name) => `node_modules/.bin/${name}`;
const steps = [
  ['Type-check (core, db, cli, renderer, tests)', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']],
  // core/ on its own, without DOM or Node types: it can use neither.
  ['Type-check (core alone, no DOM or Node)', bin('tsc'), ['-p', 'core/tsconfig.json', '--noEmit']],
  ['Type-check (electron, against electron.d.ts)', bin('tsc'), ['-p', 'electron/tsconfig.json', '--noEmit']],
  // The layers of DESIGN.md: core pure, the renderer on core only, db below its transports, no circles.
  ['Layers (dependency-cruiser)', bin('depcruise'), ['core', 'db', 'cli', 'electron', 'renderer', '--config', '.dependency-cruiser.cjs', '--output-type', 'err']],
  ['Unit tests (TZ=UTC)', bin('vitest'), ['run'], { TZ: 'UTC' }],
  // Schedule math must not depend on the time zone: run the engine's tests in zones with DST
  // (New York), a half-hour DST shift (Lord Howe), and a date-line jump (Apia).
  ...['America/New_York', 'Australia/Lord_Howe', 'Pacific/Apia'].map((TZ) => [
    `Schedule tests (TZ=${TZ})`,
    bin('vitest'),
    ['run', 'test/schedule.test.ts', 'test/dates.test.ts', 'test/closures.test.ts'],
    { TZ },
  ]),
  ['Electron security review (electronegativity)', process.execPath, ['scripts/electronegativity.mjs']],
  ['Build', process.execPath, ['scripts/build.mjs']],
  ['End-to-end tests (browser mode; Electron where installed)', bin('playwright'), ['test']],
  // The benchmark's steps on a small database: proves `npm run bench` works; its timings mean nothing.
  ['Benchmark smoke run', process.execPath, ['node_modules/tsx/dist/cli.mjs', 'scripts/bench.ts', '--smoke']],
];

// Counts from the runners' own summaries, for one closing line over every step.
const totals = { passed: 0, failed: 0, skipped: 0 };
function count(output) {
  const vitest = /Tests\s+(?:(\d+) failed \| )?(\d+) passed(?: \| (\d+) skipped)?/.exec(output);
  if (vitest) {
    totals.failed += Number(vitest[1] ?? 0);
    totals.passed += Number(vitest[2]);
    totals.skipped += Number(vitest[3] ?? 0);
    return;
  }
  for (const [, n, what] of output.matchAll(/^\s+(\d+) (passed|failed|skipped|flaky)/gm)) totals[what === 'flaky' ? 'failed' : what] += Number(n);
}

for (const [title, cmd, args, extraEnv] of steps) {
  console.log(`\n=== ${title}`);
  const started = Date.now();
  const r = spawnSync(cmd, args, { stdio: ['inherit', 'pipe', 'inherit'], env: { ...env, ...extraEnv }, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  process.stdout.write(r.stdout ?? '');
  count(r.stdout ?? '');
  if (r.status !== 0) {
    console.error(`\n${title}: failed (exit ${r.status ?? r.signal}).`);
    console.log(`tests: ${totals.passed} passed, ${Math.max(1, totals.failed)} failed`);
    process.exit(r.status || 1);
  }
  console.log(`--- ${title}: ok in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
