// Runs electronegativity on the Electron code and the renderer's HTML; fails on any finding
// that electron/electronegativity-justified.json does not justify (issue + file, with a reason).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-eneg-'));
for (const f of fs.readdirSync('electron').filter((f) => f.endsWith('.ts'))) fs.copyFileSync(path.join('electron', f), path.join(stage, f));
fs.copyFileSync('renderer/index.html', path.join(stage, 'index.html'));
// SARIF, not CSV: the tool writes its CSV header and rows with two writes that race, and a
// run now and then leaves a garbled file.
const out = path.join(stage, 'findings.sarif');
const electronVersion = JSON.parse(fs.readFileSync('node_modules/electron/package.json', 'utf8')).version;
const r = spawnSync('node_modules/.bin/electronegativity', ['-i', stage, '-o', out, '-r', '-e', electronVersion, '-v', 'false'], { encoding: 'utf8' });
if (r.status !== 0 || !fs.existsSync(out)) {
  console.error(`electronegativity did not run (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  process.exit(1);
}
const findings = JSON.parse(fs.readFileSync(out, 'utf8')).runs[0].results.map((r) => {
  const at = r.locations?.[0]?.physicalLocation;
  return { issue: r.ruleId, level: r.level, filename: at?.artifactLocation?.uri ?? '', location: `${at?.region?.startLine ?? '?'}:${(at?.region?.startColumn ?? 1) - 1}`, description: r.message?.text ?? '' };
});
const justified = JSON.parse(fs.readFileSync('electron/electronegativity-justified.json', 'utf8'));
const open = findings.filter((f) => !justified.some((j) => j.issue === f.issue && j.file === path.basename(f.filename) && j.reason?.length > 20));
for (const f of findings) console.log(`${open.includes(f) ? 'FINDING ' : 'justified'} ${f.issue} ${f.level} ${path.basename(f.filename)}:${f.location} ${f.description}`);
fs.rmSync(stage, { recursive: true, force: true });
if (open.length) {
  console.error(`${open.length} electronegativity finding(s) not justified in electron/electronegativity-justified.json`);
  process.exit(1);
}
console.log(`electronegativity: ${findings.length} finding(s), all justified.`);
