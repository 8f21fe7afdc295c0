// CSV per RFC 4180 (CRLF, quotes doubled), with text cells that begin with =, +, -, @, tab or
// CR prefixed by ' so that spreadsheets do not run them as formulas. Numbers stay numbers.
import { stringify } from 'csv-stringify/sync';

export type Cell = string | number | boolean | null;

/** The one set of CSV rules, for every CSV the app writes. */
export const CSV_OPTIONS = {
  escape_formulas: true,
  record_delimiter: '\r\n',
  // A bare LF or CR inside a cell is quoted too, or a spreadsheet would break the row there.
  quoted_match: /[\r\n]/,
  cast: { boolean: (b: boolean) => (b ? 'true' : 'false') },
} as const;

export function toCsv(header: readonly string[], rows: readonly (readonly Cell[])[], options: { bom?: boolean } = {}): string {
  return stringify([header as Cell[], ...(rows as Cell[][])], { ...CSV_OPTIONS, bom: options.bom ?? false });
}

/**
 * One CSV line (with its CRLF) by the same rules as CSV_OPTIONS, written out by hand: exports of
 * hundreds of thousands of rows spend most of their time here. test/csv.test.ts checks it
 * against csv-stringify on generated cells.
 */
export function csvLine(cells: readonly Cell[]): string {
  return csvCells(cells, 0, cells.length) + '\r\n';
}

/** Cells `from` to `to` (not included) of a row, joined as in a CSV line, without its CRLF. */
export function csvCells(cells: readonly Cell[], from: number, to: number): string {
  let line = '';
  for (let i = from; i < to; i++) {
    if (i > from) line += ',';
    const v = cells[i];
    if (v === null || v === undefined) continue;
    if (typeof v === 'number') line += String(v);
    else if (typeof v === 'boolean') line += v ? 'true' : 'false';
    else if (v !== '') line += csvText(v);
  }
  return line;
}

const NEEDS_QUOTES = /[",\r\n]/;

function csvText(value: string): string {
  let v = value;
  switch (v.charCodeAt(0)) {
    case 0x3d: // =
    case 0x2b: // +
    case 0x2d: // -
    case 0x40: // @
    case 0x09: // tab
    case 0x0d: // CR
    case 0xff1d: // the full-width forms of = + - @, which some spreadsheets read as the ASCII ones
    case 0xff0b:
    case 0xff0d:
    case 0xff20:
      v = `'${v}`;
  }
  return NEEDS_QUOTES.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}
