// The difference between two protocol documents, as a list a person can read: each change has a
// path that names list items by their key ("arms[arm-a].visits[week-12].offset.value") rather
// than by position, so that inserting a visit shows as one addition, not a shift of every
// visit after it.

export interface ProtocolChange {
  readonly op: 'added' | 'removed' | 'changed';
  readonly path: string;
  readonly before?: unknown;
  readonly after?: unknown;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Items identified by `key` (arms, visits, series, criteria, interventions) are matched by it. */
function keyed(list: unknown[]): Map<string, unknown> | null {
  if (list.length === 0 || !list.every((x) => isObject(x) && typeof x.key === 'string')) return null;
  const map = new Map<string, unknown>();
  for (const x of list as { key: string }[]) {
    if (map.has(x.key)) return null;
    map.set(x.key, x);
  }
  return map;
}

function walk(a: unknown, b: unknown, path: string, out: ProtocolChange[]): void {
  if (Array.isArray(a) && Array.isArray(b)) {
    const ka = keyed(a);
    const kb = keyed(b);
    if ((ka || a.length === 0) && (kb || b.length === 0) && (ka || kb)) {
      const ma = ka ?? new Map<string, unknown>();
      const mb = kb ?? new Map<string, unknown>();
      for (const [k, v] of ma) {
        if (mb.has(k)) walk(v, mb.get(k), `${path}[${k}]`, out);
        else out.push({ op: 'removed', path: `${path}[${k}]`, before: v });
      }
      for (const [k, v] of mb) if (!ma.has(k)) out.push({ op: 'added', path: `${path}[${k}]`, after: v });
      const orderA = [...ma.keys()].filter((k) => mb.has(k));
      const orderB = [...mb.keys()].filter((k) => ma.has(k));
      if (orderA.join('\u0000') !== orderB.join('\u0000')) out.push({ op: 'changed', path: `${path} (order)`, before: orderA, after: orderB });
      return;
    }
    // Plain lists (procedures, conditions, phases): compare as a whole.
    if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ op: 'changed', path, before: a, after: b });
    return;
  }
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const k of keys) {
      if (k === '$schema') continue;
      const p = path ? `${path}.${k}` : k;
      if (!(k in a) || a[k] === undefined) {
        if (b[k] !== undefined) out.push({ op: 'added', path: p, after: b[k] });
      } else if (!(k in b) || b[k] === undefined) out.push({ op: 'removed', path: p, before: a[k] });
      else walk(a[k], b[k], p, out);
    }
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ op: 'changed', path, before: a, after: b });
}

/** Every difference from `before` to `after`, in document order. */
export function diffProtocols(before: unknown, after: unknown): ProtocolChange[] {
  const out: ProtocolChange[] = [];
  walk(before as Json, after as Json, '', out);
  return out;
}

const show = (v: unknown): string => {
  if (v === null) return 'none';
  if (typeof v === 'string') return JSON.stringify(v);
  if (isObject(v) && typeof v.label === 'string') return JSON.stringify(v.label);
  if (isObject(v) && typeof v.text === 'string') return JSON.stringify(v.text);
  if (isObject(v) && typeof v.name === 'string') return JSON.stringify(v.name);
  if (isObject(v) && 'value' in v && 'unit' in v && Object.keys(v).length === 2) return `${String(v.value)} ${String(v.unit)}`;
  return JSON.stringify(v);
};

/** One line per change: "+ path: value", "- path: value", "~ path: before → after". */
export function formatChange(c: ProtocolChange): string {
  if (c.op === 'added') return `+ ${c.path}: ${show(c.after)}`;
  if (c.op === 'removed') return `- ${c.path}: ${show(c.before)}`;
  return `~ ${c.path}: ${show(c.before)} → ${show(c.after)}`;
}
