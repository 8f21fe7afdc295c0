// `trialcoord protocol …`: list, show, export, diff, import (a protocol JSON file or a
// ClinicalTrials.gov study record) and move (participants to another version).
import fs from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander-v14';
import type { MovePreview, Output } from '../core/api.js';
import type { CtgovDraft } from '../core/ctgov.js';
import { formatAge, formatDose, formatSeries, formatTiming, formatWindow, humanize } from '../core/format.js';
import { allocationRatio } from '../core/protocol.js';
import type { Protocol } from '../core/protocol.js';
import { diffProtocols, type ProtocolChange } from '../core/protocol-diff.js';
import { describeChange } from '../core/protocol-diff-words.js';
import { fail, type Cli } from './context.js';
import { common, type Run } from './command.js';
import { table } from './table.js';

const versionNumber = (flag: string, value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  if (!/^[1-9]\d*$/.test(value)) return fail(`${flag} must be a version number (1, 2, …), not "${value}".`);
  return Number(value);
};

export function readJson(file: string): unknown {
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
}

/** An old flag name kept so that scripts keep working; it says once, on standard error, what replaced it. */
function deprecated(flag: string, instead: string): Option {
  return new Option(`${flag} <n>`, `old name of ${instead}`).hideHelp().argParser((v: string) => {
    process.stderr.write(`note: ${flag} is now ${instead}\n`);
    return v;
  });
}

export function registerProtocolCommands(root: Command, run: Run): void {
  const protocol = root.command('protocol').description('stored protocols: list, show, import, export, diff, move');

  common(protocol.command('list').description('list stored protocols').option('--json', 'an array of protocol summaries'), false).action(
    run<{ json?: boolean }>((cli, o) => {
      const list = cli.read('listProtocols', {});
      if (o.json) console.log(JSON.stringify(list, null, 2));
      else table(['ID', 'NCT', 'PHASE', 'ARMS', 'TITLE'], list.map((p) => [p.id, p.nctId ?? '-', p.phases.map(humanize).join(', ') || '-', String(p.armCount), p.title]));
      return 0;
    }),
  );

  common(protocol.command('show').argument('<id>', 'protocol id or NCT id').description('one protocol in words').option('--json', 'the protocol document'), false).action(
    run<{ json?: boolean }>((cli, o, [id]) => showProtocol(cli, id!, o.json ?? false)),
  );

  common(
    protocol
      .command('export')
      .argument('<id>', 'protocol id or NCT id')
      .description('the protocol document as JSON on standard output')
      .option('--version <n>', 'a version other than the current one'),
    false,
  ).action(
    run<{ version?: string }>((cli, o, [id]) => {
      const { protocol: p } = cli.read('protocolVersion', { id: id!, version: versionNumber('--version', o.version) });
      process.stdout.write(`${JSON.stringify(p, null, 2)}\n`);
      return 0;
    }),
  );

  common(
    protocol
      .command('diff')
      .argument('<ref>', 'protocol id, id@N or a .json file')
      .argument('[other]', 'a second reference')
      .description('differences between two versions or references (exit 0 identical, 1 different)')
      .option('--from-version <n>', 'the earlier version (default: the one before --to-version)')
      .option('--to-version <n>', 'the later version (default: the current one)')
      .addOption(deprecated('--from', '--from-version'))
      .addOption(deprecated('--to', '--to-version'))
      .option('--json', '{from, to, changes}'),
    false,
  ).action(run<{ fromVersion?: string; toVersion?: string; from?: string; to?: string; json?: boolean }>((cli, o, args) => diff(cli, args, o)));

  common(
    protocol
      .command('import')
      .argument('[file]', 'a protocol JSON file')
      .description('validate and store a protocol (or draft one from a registry record with --from-ctgov)')
      .option('--from-ctgov <record>', 'a ClinicalTrials.gov API v2 study record')
      .option('--id <slug>', 'the protocol id for a registry draft')
      .option('--dry-run', 'show what would be stored; write nothing')
      .option('--json', 'with --dry-run: the draft as JSON')
      .option('--new-version', 'store a changed file as the next version (an amendment)')
      .option('--note <text>', 'the amendment note')
      .option('--effective <date>', 'the day the version takes effect (default: at once)'),
    true,
  ).action(run<ImportFlags>((cli, o, args) => importCommand(cli, o, args)));

  common(
    protocol
      .command('move')
      .argument('<id>', 'protocol id')
      .description('move participants to a newer version (default: the current one)')
      .option('--to-version <n>', 'the version to move to')
      .addOption(deprecated('--to', '--to-version'))
      .option('--participant <study id>', 'one participant only')
      .option('--dry-run', 'show which future visits change; write nothing')
      .option('--reason <text>', 'why, for the record')
      .option('--json', 'one preview per participant'),
    true,
  ).action(run<{ toVersion?: string; to?: string; participant?: string; dryRun?: boolean; reason?: string; json?: boolean }>((cli, o, [id]) => move(cli, id!, o)));
}

function showProtocol(cli: Cli, id: string, json: boolean): number {
  const { protocol: p, summary } = cli.read('getProtocol', { id });
  if (json) {
    console.log(JSON.stringify(p, null, 2));
    return 0;
  }
  const out: string[] = [];
  const line = (label: string, value: string | null | undefined) => out.push(`${label.padEnd(18)}${value ?? 'not stated'}`);
  out.push(p.title, '');
  line('ID', `${p.id} (version ${summary.version})`);
  line('NCT number', p.identifiers.nctId);
  line('Sponsor', p.sponsor);
  line('Phase', p.phases.map(humanize).join(', ') || null);
  line('Status', p.status && humanize(p.status));
  line('Conditions', p.conditions.join('; '));
  line('Allocation', p.design.allocation && humanize(p.design.allocation));
  line('Masking', p.design.masking && humanize(p.design.masking));
  line('Enrollment', p.enrollment.target === null ? null : String(p.enrollment.target));
  const ratio = allocationRatio(p.arms);
  if (ratio && p.arms.length > 1) line('Allocation ratio', ratio.join(':'));
  line('Ages', [formatAge(p.eligibility.minimumAge) ?? '?', formatAge(p.eligibility.maximumAge) ?? '?'].join(' to '));
  if (p.events?.length) out.push('', 'Events', ...p.events.map((e) => `  ${e.key}: ${e.label}${e.description ? `, ${e.description}` : ''}`));
  out.push('', 'Arms');
  for (const arm of p.arms) {
    out.push(`  ${arm.key}: ${arm.label} [${humanize(arm.type)}], target ${arm.targetSize ?? 'not stated'}`);
    for (const s of arm.dosing) out.push(`    ${s.label}: ${formatSeries(s)}; ${formatDose(s.dose)}`);
    for (const v of arm.visits) out.push(`    ${v.label}: ${formatTiming(v.anchor, v.offset, p.events)} (${formatWindow(v.window)})`);
  }
  out.push('', `Inclusion (${p.eligibility.inclusion.length})`, ...p.eligibility.inclusion.map((c) => `  - ${c.text}`));
  out.push('', `Exclusion (${p.eligibility.exclusion.length})`, ...p.eligibility.exclusion.map((c) => `  - ${c.group ? `${c.group}: ` : ''}${c.text}`));
  if (p.notStated.length) out.push('', 'Not stated in the source document', ...p.notStated.map((n) => `  - ${n.note}`));
  console.log(out.join('\n'));
  return 0;
}

function diff(cli: Cli, args: string[], o: { fromVersion?: string; toVersion?: string; from?: string; to?: string; json?: boolean }): number {
  // A reference is a JSON file, "id@version", or "id" (its current version).
  const resolve = (ref: string, fallbackVersion?: number): { label: string; document: unknown } => {
    if (ref.toLowerCase().endsWith('.json') || fs.existsSync(ref)) return { label: path.basename(ref), document: readJson(ref) };
    const m = ref.match(/^(.+)@(\d+)$/);
    const r = cli.read('protocolVersion', { id: m ? m[1]! : ref, version: m ? Number(m[2]) : fallbackVersion });
    return { label: `${r.protocol.id}@${r.version}`, document: r.protocol };
  };
  let left: { label: string; document: unknown };
  let right: { label: string; document: unknown };
  if (args.length === 1) {
    const current = cli.read('getProtocol', { id: args[0]! }).summary.version;
    const to = versionNumber('--to-version', o.toVersion ?? o.to) ?? current;
    const from = versionNumber('--from-version', o.fromVersion ?? o.from) ?? to - 1;
    if (from < 1) return fail(`${args[0]} has only version ${current}; there is nothing to compare it with. Use --from-version and --to-version, or name two references.`);
    left = resolve(args[0]!, from);
    right = resolve(args[0]!, to);
  } else {
    left = resolve(args[0]!);
    right = resolve(args[1]!);
  }
  const changes: ProtocolChange[] = diffProtocols(left.document, right.document);
  if (o.json) console.log(JSON.stringify({ from: left.label, to: right.label, changes }, null, 2));
  else {
    console.log(`--- ${left.label}\n+++ ${right.label}`);
    // One line per change, in words (--json gives the paths and values, for scripts).
    console.log(changes.length ? changes.map((c) => describeChange(c, left.document as Protocol, right.document as Protocol)).filter((l, i, all) => all.indexOf(l) === i).join('\n') : '(no differences)');
  }
  return changes.length ? 1 : 0;
}

interface ImportFlags {
  fromCtgov?: string;
  id?: string;
  dryRun?: boolean;
  json?: boolean;
  newVersion?: boolean;
  note?: string;
  effective?: string;
}

async function importCommand(cli: Cli, o: ImportFlags, args: string[]): Promise<number> {
  const dates = o.effective ? { effectiveDate: o.effective } : {};
  if (o.fromCtgov !== undefined) {
    if (args.length) return fail('protocol import --from-ctgov takes the record file after the flag, and nothing else.');
    const draft = cli.read('draftFromCtgov', { record: readJson(o.fromCtgov), fileName: path.basename(o.fromCtgov) }) as CtgovDraft;
    const document = o.id ? { ...draft.protocol, id: o.id } : draft.protocol;
    if (o.json && o.dryRun) {
      console.log(JSON.stringify({ ...draft, protocol: document }, null, 2));
      return 0;
    }
    printDraft(draft);
    if (o.dryRun) {
      console.log('Dry run: nothing was written.');
      return 0;
    }
    const caller = await cli.signIn();
    const r = cli.call('importProtocol', { document, asNewVersion: o.newVersion ?? false, note: o.note ?? `Imported from ${path.basename(o.fromCtgov)}`, ...dates }, caller);
    console.log(`Protocol ${r.id}: ${outcome(r)}`);
    return 0;
  }
  if (args.length !== 1) return fail('protocol import needs one file, e.g. "protocol import trial.json" (or --from-ctgov record.json).');
  const document = readJson(args[0]!);
  const caller = await cli.signIn();
  const r = cli.call('importProtocol', { document, asNewVersion: o.newVersion ?? false, ...(o.note ? { note: o.note } : {}), ...dates }, caller);
  console.log(`Protocol ${r.id}: ${outcome(r)}`);
  return 0;
}

async function move(cli: Cli, id: string, o: { toVersion?: string; to?: string; participant?: string; dryRun?: boolean; reason?: string; json?: boolean }): Promise<number> {
  const detail = cli.read('getProtocol', { id });
  const to = versionNumber('--to-version', o.toVersion ?? o.to) ?? detail.summary.version;
  const participantIds = o.participant ? [participantId(cli, detail.summary.id, o.participant)] : undefined;
  const input = { protocolId: detail.summary.id, toVersion: to, ...(participantIds ? { participantIds } : {}) };
  const previews: readonly MovePreview[] = o.dryRun
    ? cli.read('previewMove', input)
    : cli.call('moveParticipants', { ...input, ...(o.reason ? { reason: o.reason } : {}) }, await cli.signIn());
  if (o.json) console.log(JSON.stringify(previews, null, 2));
  else {
    for (const p of previews) {
      console.log(`${p.studyId}: version ${p.fromVersion} → ${p.toVersion}${p.blocked ? ` (cannot move: ${p.blocked})` : ''}${p.kept ? `; ${p.kept} recorded visit${p.kept === 1 ? '' : 's'} kept as they are` : ''}`);
      for (const c of p.changes) console.log(`  ${c.change.padEnd(8)} ${c.key.padEnd(14)} ${c.before ?? '-'} → ${c.after ?? '-'}${c.detail ? `  (${c.detail})` : ''}`);
    }
    if (previews.length === 0) console.log(`No participant of ${detail.summary.id} is on a version before ${to}.`);
    if (o.dryRun) console.log('Dry run: nothing was written.');
  }
  return 0;
}

/** A participant's id from their trial and study ID, through the API. */
export function participantId(cli: Cli, protocolId: string, studyId: string): number {
  return cli.read('findParticipant', { protocolId, studyId }).participantId;
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
