// Builds the renderer (Vite), the Electron main, preload and backend bundles, and the CLI with its
// backend worker (esbuild). Everything the app runs is built JavaScript: nothing is compiled at run time.
import * as esbuild from 'esbuild';
import { build } from 'vite';

await build({ configFile: 'vite.config.ts', logLevel: 'warn' });

const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning' };
// import.meta.url as the bundle's own address, for code that finds files beside it (db/checkpointer.ts).
const cjs = {
  ...common,
  format: 'cjs',
  external: ['electron', 'better-sqlite3'],
  define: { 'import.meta.url': 'importMetaUrl' },
  banner: { js: "const importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
};
await esbuild.build({ ...cjs, entryPoints: ['electron/main.ts'], outfile: 'dist/electron/main.cjs' });
// The backend utility process and its worker threads (db/backend/worker.ts): SQL off the window's thread.
await esbuild.build({ ...cjs, entryPoints: ['electron/backend.ts'], outfile: 'dist/electron/backend.cjs' });
await esbuild.build({ ...cjs, entryPoints: ['db/backend/worker.ts'], outfile: 'dist/electron/backend-worker.cjs' });
// The participant import's planner thread, beside each bundle that imports (db/import-planner.ts).
await esbuild.build({ ...cjs, entryPoints: ['db/import-planner-worker.ts'], outfile: 'dist/electron/import-planner-worker.cjs' });
// The preload runs sandboxed: one file, nothing required but 'electron'.
await esbuild.build({ ...common, format: 'cjs', entryPoints: ['electron/preload.ts'], outfile: 'dist/electron/preload.cjs', external: ['electron'] });
// The command line (and browser mode's server), and browser mode's backend worker.
const esm = {
  ...common,
  format: 'esm',
  external: ['better-sqlite3'],
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
};
await esbuild.build({ ...esm, entryPoints: ['cli/main.ts'], outfile: 'dist/cli/main.mjs' });
await esbuild.build({ ...esm, entryPoints: ['db/backend/worker.ts'], outfile: 'dist/cli/backend-worker.mjs' });
await esbuild.build({ ...esm, entryPoints: ['db/import-planner-worker.ts'], outfile: 'dist/cli/import-planner-worker.mjs' });
console.log('Built dist/renderer, dist/electron and dist/cli.');
