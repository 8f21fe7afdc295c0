// Protocol commands beyond list and show: export, diff, import (a protocol JSON file or a
// ClinicalTrials.gov study record) and move (participants to another version).
import fs from 'node:fs';
import path from 'node:path';
import type { MovePreview, Output } from '../core/api.js';
import type { CtgovDraft } from '../core/ctgov.js';
import { formatTiming, formatWindow } from '../core/format.js';
import { diffProtocols, formatChange, type ProtocolChange } from '../core/protocol-diff.js';
import { findParticipant } from '../db/participants.js';
import { apiCaller, whoIs, type Fail } from './api-call.js';
import type { AppBackend } from '../db/app.js';

export interface ProtocolFlags {
  readonly json: boolean;
  readonly 'new-version': boolean;
  readonly note?: string | undefined;
  readonly effective?: string | undefined;
  readonly 'from-ctgov'?: string | undefined;
  readonly id?: string | undefined;
  readonly 'dry-run': boolean;
  readonly version?: string | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly participant?: string | undefined;
  readonly by?: string | undefined;
  readonly reason?: string | undefined;
}


export function protocolCommands(b: AppBackend, sub: string | undefined, args: readonly string[], f: ProtocolFlags, fail: Fail): number {
  const call = apiCaller(b, fail);
  const version = (flag: string, value: string | undefined): number | undefined => {
    if (value === undefined) return undefined;
    if (!/^[1-9]\d*$/.test(value)) return fail(`${flag} must be a version number (1, 2, …), not "${value}".`);
    return Number(value);
  };
  const readJson = (file: string): unknown => {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      return fail(`Cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (e) {
      return fail(`${file} is not valid JSON: ${(e as Error).message}`);
    }
  };
  const by = whoIs(f.by);

  switch (sub) {
    case 'export': {
      if (args.length !== 1) return fail('protocol export needs one protocol id or NCT ID, e.g. "protocol export ucmsc-sepsis".');
      const { protocol } = call('protocolVersion', { id: args[0]!, version: version('--version', f.version) });
      process.stdout.write(`${JSON.stringify(protocol, null, 2)}\n`);
      return 0;
    }
    case 'diff': {
      if (args.length < 1 || args.length > 2) return fail('protocol diff needs a protocol id (two versions of it) or two references: "protocol diff ucmsc-covid19", "protocol diff ucmsc-covid19@1 amended.json".');
      // A reference is a JSON file, "id@version", or "id" (its current version).
      const resolve = (ref: string, fallbackVersion?: number): { label: string; document: unknown } => {
        if (ref.toLowerCase().endsWith('.json') || fs.existsSync(ref)) return { label: path.basename(ref), document: readJson(ref) };
        const m = ref.match(/^(.+)@(\d+)$/);
        const id = m ? m[1]! : ref;
        const r = call('protocolVersion', { id, version: m ? Number(m[2]) : fallbackVersion });
        return { label: `${r.protocol.id}@${r.version}`, document: r.protocol };
      };
      let left: { label: string; document: unknown };
      let right: { label: string; document: unknown };
      if (args.length === 1) {
        const current = call('getProtocol', { id: args[0]! }).summary.version;
        const to = version('--to', f.to) ?? current;
        const from = version('--from', f.from) ?? to - 1;
        if (from < 1) return fail(`${args[0]} has only version ${current}; there is nothing to compare it with. Use --from and --to, or name two references.`);
        left = resolve(args[0]!, from);
        right = resolve(args[0]!, to);
      } else {
        left = resolve(args[0]!);
        right = resolve(args[1]!);
      }
      const changes: ProtocolChange[] = diffProtocols(left.document, right.document);
      if (f.json) console.log(JSON.stringify({ from: left.label, to: right.label, changes }, null, 2));
      else {
        console.log(`--- ${left.label}\n+++ ${right.label}`);
        console.log(changes.length ? changes.map(formatChange).join('\n') : '(no differences)');
      }
      return changes.length ? 1 : 0;
    }
    case 'import': {
      const ctgov = f['from-ctgov'];
      if (ctgov !== undefined) {
        if (args.length) return fail('protocol import --from-ctgov takes the record file after the flag, and nothing else.');
        const draft = call('draftFromCtgov', { record: readJson(ctgov), fileName: path.basename(ctgov) }) as CtgovDraft;
        const protocol = f.id ? { ...draft.protocol, id: f.id } : draft.protocol;
        if (f.json && f['dry-run']) {
          console.log(JSON.stringify({ ...draft, protocol }, null, 2));
          return 0;
        }
        printDraft(draft);
        if (f['dry-run']) {
          console.log('Dry run: nothing was written.');
          return 0;
        }
        const r = call('importProtocol', { document: protocol, asNewVersion: f['new-version'], by, note: f.note ?? `Imported from ${path.basename(ctgov)}`, ...(f.effective ? { effectiveDate: f.effective } : {}) });
        console.log(`Protocol ${r.id}: ${outcome(r)}`);
        return 0;
      }
      if (args.length !== 1) return fail('protocol import needs one file, e.g. "protocol import trial.json" (or --from-ctgov record.json).');
      const r = call('importProtocol', { document: readJson(args[0]!), asNewVersion: f['new-version'], by, ...(f.note ? { note: f.note } : {}), ...(f.effective ? { effectiveDate: f.effective } : {}) });
      console.log(`Protocol ${r.id}: ${outcome(r)}`);
      return 0;
    }
    case 'move': {
      if (args.length !== 1) return fail('protocol move needs one protocol id, e.g. "protocol move ucmsc-covid19 --to 2".');
      const detail = call('getProtocol', { id: args[0]! });
      const to = version('--to', f.to) ?? detail.summary.version;
      const participant = f.participant;
      const participantIds = participant ? [b.conn.read((db) => findParticipant(db, detail.summary.id, participant))] : undefined;
      const input = { protocolId: detail.summary.id, toVersion: to, ...(participantIds ? { participantIds } : {}) };
      const previews: readonly MovePreview[] = f['dry-run'] ? call('previewMove', input) : call('moveParticipants', { ...input, by, ...(f.reason ? { reason: f.reason } : {}) });
      if (f.json) console.log(JSON.stringify(previews, null, 2));
      else {
        for (const p of previews) {
          console.log(`${p.studyId}: version ${p.fromVersion} → ${p.toVersion}${p.blocked ? ` (cannot move: ${p.blocked})` : ''}${p.kept ? `; ${p.kept} recorded visit${p.kept === 1 ? '' : 's'} kept as they are` : ''}`);
          for (const c of p.changes) console.log(`  ${c.change.padEnd(8)} ${c.key.padEnd(14)} ${c.before ?? '-'} → ${c.after ?? '-'}${c.detail ? `  (${c.detail})` : ''}`);
        }
        if (previews.length === 0) console.log(`No participant of ${detail.summary.id} is on a version before ${to}.`);
        if (f['dry-run']) console.log('Dry run: nothing was written.');
      }
      return 0;
    }
    default:
      return fail(`Unknown protocol command "${sub ?? ''}". Use list, show, export, diff, import or move.`);
  }
}

function outcome(r: Output<'importProtocol'>): string {
  return { created: 'imported as version 1', 'new-version': `imported as version ${r.version}`, unchanged: `unchanged (version ${r.version} is identical)` }[r.outcome];
}

/** Each proposal beside the text it was read from. */
function printDraft(d: CtgovDraft): void {
  const p = d.protocol;
  console.log(`${p.identifiers.nctId}: ${p.title}`);
  console.log(`Protocol id: ${p.id}; ${p.arms.length} arm${p.arms.length === 1 ? '' : 's'}; ${p.eligibility.inclusion.length} inclusion and ${p.eligibility.exclusion.length} exclusion criteria`);
  for (const s of d.dosing) {
    const series = s.series;
    console.log(`\nArm ${s.armKey}: "${s.text}"`);
    if (series) console.log(`  dosing: ${series.count ?? '?'} × ${series.label.toLowerCase()}${series.interval ? `, every ${series.interval.value} ${series.interval.unit}` : ''}${series.route ? `, ${series.route.toLowerCase()}` : ''}`);
    if (s.note) console.log(`  ${s.note}`);
  }
  for (const pr of d.proposals) {
    console.log(`\nTime frame "${pr.text}" (${pr.outcomes.length} outcome${pr.outcomes.length === 1 ? '' : 's'})`);
    for (const v of pr.visits) console.log(`  + ${v.key.padEnd(12)} ${v.label}: ${formatTiming(v.anchor, v.offset)} (${formatWindow(v.window)})`);
    if (pr.note) console.log(`  ${pr.note}`);
  }
  for (const w of d.warnings) console.log(`warning: ${w}`);
  console.log('');
}
