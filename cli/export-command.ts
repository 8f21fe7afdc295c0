// `trialcoord export visits|participants|doses --format csv|ics ...`: to standard output, or
// streamed to --out in chunks.
import fs from 'node:fs';
import { isIsoDate } from '../core/dates.js';
import type { Connection } from '../db/connection.js';
import { EXPORT_KINDS, visitsIcs, writeCsv, type ExportKind } from '../db/exports.js';

export interface ExportFlags {
  readonly format?: string | undefined;
  readonly trial?: string | undefined;
  readonly participant?: string | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly out?: string | undefined;
  readonly bom: boolean;
}

export function exportCommand(conn: Connection, kind: string | undefined, f: ExportFlags, fail: (m: string) => never): number {
  if (!EXPORT_KINDS.includes(kind as ExportKind)) fail(`export needs what to export: ${EXPORT_KINDS.join(', ')}`);
  const format = f.format ?? 'csv';
  if (format !== 'csv' && format !== 'ics') fail(`--format must be csv or ics, not "${format}"`);
  if (format === 'ics' && kind !== 'visits') fail('iCalendar export is for visits only');
  for (const [flag, v] of [['from', f.from], ['to', f.to]] as const) if (v !== undefined && !isIsoDate(v)) fail(`--${flag} must be a date in the form YYYY-MM-DD, not "${v}"`);
  if (f.from && f.to && f.from > f.to) fail(`--from ${f.from} is after --to ${f.to}`);
  const filter = { protocolId: f.trial, studyId: f.participant, from: f.from, to: f.to };
  // Written to a temporary name first, so a failed export never leaves a half file behind.
  const target = f.out;
  const tmp = target ? `${target}.partial-${process.pid}` : null;
  const fd = tmp ? fs.openSync(tmp, 'w') : 1;
  try {
    const rows = conn.read((db) => {
      if (format === 'ics') {
        const text = visitsIcs(db, filter, `Trial Coordinator${f.trial ? `: ${f.trial}` : ''}${f.participant ? ` ${f.participant}` : ''}`);
        fs.writeSync(fd, text);
        return text.split('BEGIN:VEVENT').length - 1;
      }
      return writeCsv(db, kind as ExportKind, filter, (chunk) => void fs.writeSync(fd, chunk), { bom: f.bom });
    });
    if (tmp && target) {
      fs.closeSync(fd);
      fs.renameSync(tmp, target);
      console.error(`Exported ${rows} ${format === 'ics' ? 'events' : 'rows'} to ${target}`);
    }
    return 0;
  } catch (e) {
    if (tmp) {
      fs.closeSync(fd);
      fs.rmSync(tmp, { force: true });
    }
    throw e;
  }
}
