// Builds the renderer (Vite), the Electron main and preload bundles and the CLI bundle (esbuild).
import * as esbuild from 'esbuild';
import { build } from 'vite';

await build({ configFile: 'vite.config.ts', logLevel: 'warn' });

const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node22', sourcemap: true, logLevel: 'warning' };
await esbuild.build({ ...common, entryPoints: ['electron/main.ts'], outfile: 'dist/electron/main.cjs', external: ['electron', 'better-sqlite3'] });
// The preload runs sandboxed: one file, nothing required but 'electron'.
await esbuild.build({ ...common, entryPoints: ['electron/preload.ts'], outfile: 'dist/electron/preload.cjs', external: ['electron'] });
// The command line (and browser mode's server) as one file, so that it starts without compiling
// TypeScript first (the benchmark's app start runs it).
await esbuild.build({
  ...common,
  format: 'esm',
  entryPoints: ['cli/main.ts'],
  outfile: 'dist/cli/main.mjs',
  external: ['better-sqlite3', 'playwright-core', 'electron'],
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
});
console.log('Built dist/renderer, dist/electron and dist/cli.');
