// A lean package: the installer carries what the packaged app loads and nothing else. The
// runtime dependencies are better-sqlite3 alone (everything else is bundled into dist/), the
// Electron bundles reach nothing outside themselves but Electron, Node and better-sqlite3, and
// electron-builder packs only dist/electron, dist/renderer, the seeds and package.json.
import { execFileSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from './helpers/db.js';

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; bin: Record<string, string> };
const builder = parse(fs.readFileSync(path.join(ROOT, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;

/** What a bundle imports from outside itself, as esbuild builds it for packaging (scripts/build.mjs). */
async function externals(entry: string, format: 'cjs' | 'esm'): Promise<string[]> {
  const r = await esbuild.build({ entryPoints: [path.join(ROOT, entry)], bundle: true, platform: 'node', format, write: false, metafile: true, external: ['electron', 'better-sqlite3'], logLevel: 'silent' });
  const out = new Set<string>();
  for (const input of Object.values(r.metafile.inputs)) for (const i of input.imports) if (i.external) out.add(i.path);
  return [...out].sort();
}

describe('the package', () => {
  it('has better-sqlite3 as its only runtime dependency; the CLI command runs built JavaScript', () => {
    expect(Object.keys(pkg.dependencies)).toEqual(['better-sqlite3']);
    expect(pkg.bin).toEqual({ trialcoord: 'bin/trialcoord.mjs' });
    const bin = fs.readFileSync(path.join(ROOT, pkg.bin.trialcoord!), 'utf8');
    expect(bin).toContain("new URL('../dist/cli/main.mjs', import.meta.url)");
    expect(bin).not.toMatch(/tsx/);
  });

  it('the production dependency tree is better-sqlite3 and what it needs: no tsx, no playwright, no test tools', () => {
    const tree = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: ROOT, encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map((p) => path.relative(ROOT, p))
      .filter(Boolean);
    expect(tree.length).toBeGreaterThan(1);
    for (const banned of ['tsx', 'esbuild', 'playwright', 'playwright-core', 'vitest', 'electron', 'typescript', 'react']) expect(tree.map((p) => path.basename(p))).not.toContain(banned);
    expect(tree).toContain('node_modules/better-sqlite3');
  });

  it.each([
    ['electron/main.ts', 'cjs'],
    ['electron/backend.ts', 'cjs'],
    ['db/backend/worker.ts', 'cjs'],
    ['electron/preload.ts', 'cjs'],
  ] as const)('%s, bundled, needs nothing outside it but Electron, Node and better-sqlite3', async (entry, format) => {
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    const outside = (await externals(entry, format)).filter((m) => !builtins.has(m) && m !== 'electron' && m !== 'better-sqlite3');
    expect(outside).toEqual([]);
  });

  it('electron-builder packs only dist/electron, dist/renderer, the seeds and package.json, without source maps', () => {
    expect(builder.files).toEqual(['dist/electron/**/*', 'dist/renderer/**/*', 'seeds/**/*', 'package.json', '!**/*.map']);
  });

  it('sets Electron’s fuses at packaging', () => {
    expect(builder.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
    });
  });
});
