// Builds the renderer (Vite) and the Electron main and preload bundles (esbuild).
import * as esbuild from 'esbuild';
import { build } from 'vite';

await build({ configFile: 'vite.config.ts', logLevel: 'warn' });

const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node22', sourcemap: true, logLevel: 'warning' };
await esbuild.build({ ...common, entryPoints: ['electron/main.ts'], outfile: 'dist/electron/main.cjs', external: ['electron', 'better-sqlite3'] });
// The preload runs sandboxed: one file, nothing required but 'electron'.
await esbuild.build({ ...common, entryPoints: ['electron/preload.ts'], outfile: 'dist/electron/preload.cjs', external: ['electron'] });
console.log('Built dist/renderer and dist/electron.');
