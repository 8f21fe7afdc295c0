// The difference between two protocol versions in a coordinator's words: "Week 48 visit: window
// ± 7 days → ± 14 days", "Arm A: Week 12 visit added", "Title: "…" → "…"". Each change of
// core/protocol-diff.ts is named by the things it touches (the arm, the visit, the criterion, as
// the documents label them) and its values written as the protocol page writes them.
import { formatAnchor, formatDose, formatOffset, formatWindow, humanize } from './format.js';
import type { Anchor, Dose, Offset, Protocol, Window } from './protocol.js';
import { diffProtocols, type ProtocolChange } from './protocol-diff.js';

const FIELD_WORDS: Record<string, string> = {
  title: 'title',
  titleStated: 'title as stated',
  acronym: 'acronym',
  label: 'name',
  name: 'name',
  description: 'description',
  kind: 'kind',
  type: 'type',
  anchor: 'timed from',
  offset: 'timing',
  window: 'window',
  procedures: 'procedures',
  repeat: 'repeats',
  count: 'number of doses',
  interval: 'interval',
  dose: 'dose',
  route: 'route',
  interventions: 'interventions',
  targetSize: 'target size',
  text: 'wording',
  group: 'group',
  masking: 'masking',
  allocation: 'allocation',
  primaryPurpose: 'primary purpose',
  interventionModel: 'intervention model',
  target: 'enrollment target',
  phases: 'phases',
  status: 'recruitment status',
  conditions: 'conditions',
  sex: 'sex',
  minimumAge: 'minimum age',
  maximumAge: 'maximum age',
  healthyVolunteers: 'healthy volunteers',
  measure: 'measure',
  timeFrame: 'time frame',
  nctId: 'registry number',
  other: 'other identifiers',
  notStated: 'what the document leaves open',
  firstDoseIs: 'Day 1 counting',
  effectiveDate: 'in effect from',
};

const SECTION_WORDS: Record<string, string> = {
  design: 'Design',
  enrollment: 'Enrollment',
  eligibility: 'Eligibility',
  identifiers: 'Identifiers',
  studyDay: 'Study days',
};

type Token = { readonly name: string; readonly key: string | null };

/** "arms[arm-a].visits[week-12].offset.value" → name/key tokens. */
function tokens(path: string): Token[] {
  const out: Token[] = [];
  for (const m of path.replace(/ \(order\)$/, '').matchAll(/([A-Za-z$][\w$]*)(?:\[([^\]]+)\])?/g)) out.push({ name: m[1]!, key: m[2] ?? null });
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The item a token names in a document (a keyed list item, or a field). */
function step(at: unknown, t: Token): unknown {
  if (!isObject(at)) return undefined;
  const v = at[t.name];
  if (t.key === null) return v;
  return Array.isArray(v) ? v.find((x) => isObject(x) && x.key === t.key) : undefined;
}

const quote = (s: string, max = 80) => `“${s.length > max ? `${s.slice(0, max - 1)}…` : s}”`;

/** What a keyed item is called: its label, name or text, as the document gives it. */
function itemName(list: string, item: unknown, key: string): string {
  const o = isObject(item) ? item : {};
  const label = typeof o.label === 'string' ? o.label : typeof o.name === 'string' ? o.name : null;
  switch (list) {
    case 'arms':
      return label && /^arm\b/i.test(label) ? label : `Arm ${label ?? key}`;
    case 'visits':
      return `${label ?? key} visit`.replace(/ visit visit$/i, ' visit');
    case 'dosing':
      return label ?? `Dosing series ${key}`;
    case 'inclusion':
      return `Inclusion criterion ${typeof o.text === 'string' ? quote(o.text, 60) : key}`;
    case 'exclusion':
      return `Exclusion criterion ${typeof o.text === 'string' ? quote(o.text, 60) : key}`;
    case 'interventions':
      return `Intervention ${label ?? key}`;
    case 'outcomes':
      return `Outcome ${typeof o.measure === 'string' ? quote(o.measure, 60) : key}`;
    default:
      return label ?? key;
  }
}

/** A value as the protocol page writes it. */
function valueWords(field: string, v: unknown): string {
  if (v === null || v === undefined) return 'not stated';
  switch (field) {
    case 'window':
      return formatWindow(v as Window);
    case 'offset':
    case 'interval':
      return formatOffset(v as Offset);
    case 'dose':
      return formatDose(v as Dose);
    case 'anchor':
      return formatAnchor(v as Anchor);
    case 'masking':
    case 'allocation':
    case 'primaryPurpose':
    case 'interventionModel':
    case 'status':
    case 'route':
    case 'type':
    case 'sex':
      return typeof v === 'string' ? humanize(v) : String(v);
    case 'phases':
      return Array.isArray(v) ? v.map((p) => humanize(String(p))).join(', ') || 'none' : String(v);
    case 'minimumAge':
    case 'maximumAge':
      return isObject(v) ? `${String(v.value)} ${String(v.unit)}` : String(v);
    default:
      break;
  }
  if (typeof v === 'string') return quote(v);
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (Array.isArray(v)) return v.length === 0 ? 'none' : v.map((x) => (typeof x === 'string' ? x : isObject(x) && typeof x.note === 'string' ? `${String(x.field)}: ${x.note}` : isObject(x) && typeof x.label === 'string' ? x.label : JSON.stringify(x))).join('; ');
  if (isObject(v) && typeof v.label === 'string') return v.label;
  if (isObject(v) && typeof v.text === 'string') return quote(v.text);
  return 'changed';
}

/** Fields whose parts are written as one (a window's sides, an offset's value and unit). */
const WHOLE = new Set(['window', 'offset', 'interval', 'dose', 'anchor', 'repeat', 'minimumAge', 'maximumAge']);

/** One change as a sentence. */
export function describeChange(c: ProtocolChange, before: Protocol, after: Protocol): string {
  const ts = tokens(c.path);
  const subject: string[] = [];
  let atBefore: unknown = before;
  let atAfter: unknown = after;
  let i = 0;
  // Walk down the path; keyed items and sections name the subject, the rest is the field.
  for (; i < ts.length; i++) {
    const t = ts[i]!;
    if (t.key !== null) {
      atBefore = step(atBefore, t);
      atAfter = step(atAfter, t);
      subject.push(itemName(t.name, atAfter ?? atBefore, t.key));
      continue;
    }
    if (SECTION_WORDS[t.name] && i < ts.length - 1) {
      atBefore = step(atBefore, t);
      atAfter = step(atAfter, t);
      if (subject.length === 0) subject.push(SECTION_WORDS[t.name]!);
      continue;
    }
    break;
  }
  const rest = ts.slice(i);
  // A part of a whole (offset.value): write the whole, before and after.
  const wholeAt = rest.findIndex((t) => WHOLE.has(t.name));
  const fieldTokens = wholeAt >= 0 ? rest.slice(0, wholeAt + 1) : rest;
  const field = fieldTokens.at(-1)?.name ?? null;
  const resolve = (root: unknown) => fieldTokens.reduce<unknown>((at, t) => step(at, t), root);
  const who = subject.length ? subject.join(', ') : null;
  const fieldWords = field ? (FIELD_WORDS[field] ?? humanize(field).toLowerCase()) : null;
  if (c.path.endsWith(' (order)')) return `${who ?? 'Items'}: order changed`;
  if (field === null) {
    // The change is a whole keyed item.
    if (c.op === 'added') return `${who} added`;
    if (c.op === 'removed') return `${who} removed`;
    return `${who} changed`;
  }
  const was = wholeAt >= 0 ? resolve(atBefore) : c.before;
  const now = wholeAt >= 0 ? resolve(atAfter) : c.after;
  const lead = who ? `${who}: ${fieldWords}` : capitalize(fieldWords!);
  if (c.op === 'added' && wholeAt < 0) return `${lead} added: ${valueWords(field, now)}`;
  if (c.op === 'removed' && wholeAt < 0) return `${lead} removed (was ${valueWords(field, was)})`;
  return `${lead} ${valueWords(field, was)} → ${valueWords(field, now)}`;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Every difference between two versions, in words, without repeats (parts of one whole give one line). */
export function describeDifferences(before: Protocol, after: Protocol): string[] {
  const lines: string[] = [];
  for (const c of diffProtocols(before, after)) {
    const line = describeChange(c, before, after);
    if (!lines.includes(line)) lines.push(line);
  }
  return lines;
}
