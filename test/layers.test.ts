// The house keeps its shape: the layer rules (.dependency-cruiser.cjs) hold on the tree and catch a
// break, SQL lives in db/ only, and no file grows past 400 lines.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from './helpers/db.js';

const depcruise = (cwd: string, ...dirs: string[]) =>
  spawnSync(process.execPath, [path.join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'), ...dirs, '--config', path.join(ROOT, '.dependency-cruiser.cjs'), '--output-type', 'err'], {
    cwd,
    encoding: 'utf8',
  });

function files(dirs: readonly string[], ext: RegExp): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (ext.test(e.name)) out.push(p);
    }
  };
  for (const d of dirs) walk(path.join(ROOT, d));
  return out;
}

describe('layers', () => {
  it('the tree keeps the rules: core pure, the renderer on core only, db below its transports, no circles', () => {
    const r = depcruise(ROOT, 'core', 'db', 'cli', 'electron', 'renderer');
    expect(r.stdout + r.stderr).toMatch(/no dependency violations found/);
    expect(r.status).toBe(0);
  });

  it('the rules catch a break: core importing node:fs, the renderer importing db/, a circle in db/', () => {
    const dir = tempDir();
    const write = (file: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    };
    write('tsconfig.json', '{"compilerOptions":{"module":"ESNext","moduleResolution":"Bundler"}}');
    write('core/dates.ts', "import fs from 'node:fs';\nexport const x = fs;\n");
    write('db/a.ts', "import { b } from './b.js';\nexport const a = b;\n");
    write('db/b.ts', "import { a } from './a.js';\nexport const b = a;\n");
    write('renderer/page.tsx', "import { a } from '../db/a.js';\nexport const p = a;\n");
    const r = depcruise(dir, 'core', 'db', 'renderer');
    const out = r.stdout + r.stderr;
    expect(r.status).not.toBe(0);
    expect(out).toMatch(/core-no-node: core\/dates\.ts → node:fs|core-no-node: core\/dates\.ts → fs/);
    expect(out).toMatch(/renderer-only-core: renderer\/page\.tsx → db\/a\.ts/);
    expect(out).toMatch(/no-circular: db\/a\.ts/);
  });

  it('SQL is written in db/ only', () => {
    const sql = /(['"`])\s*(SELECT\s[\s\S]*\sFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+(TABLE|INDEX|TRIGGER)|PRAGMA\s)/i;
    const offenders = files(['core', 'cli', 'electron', 'renderer', 'scripts'], /\.(ts|tsx|mjs)$/).filter((f) => sql.test(fs.readFileSync(f, 'utf8')) || /\.pragma\(|\.prepare\(/.test(fs.readFileSync(f, 'utf8')));
    expect(offenders.map((f) => path.relative(ROOT, f))).toEqual([]);
  });

  it('no file of ours is over 400 lines', () => {
    const long = files(['core', 'db', 'cli', 'electron', 'renderer', 'scripts', 'test', 'e2e'], /\.(ts|tsx|mjs|cjs|css)$/)
      .map((f) => [path.relative(ROOT, f), fs.readFileSync(f, 'utf8').split('\n').length] as const)
      .filter(([, n]) => n > 400);
    expect(long).toEqual([]);
  });
});
