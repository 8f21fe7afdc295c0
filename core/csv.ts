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
