// CSV per RFC 4180 (CRLF, quotes doubled), with text cells that begin with =, +, -, @, tab or
// CR prefixed by ' so that spreadsheets do not run them as formulas. Numbers stay numbers.
import { stringify } from 'csv-stringify/sync';

export type Cell = string | number | boolean | null;

export function toCsv(header: readonly string[], rows: readonly (readonly Cell[])[], options: { bom?: boolean } = {}): string {
  return stringify([header as Cell[], ...(rows as Cell[][])], {
    escape_formulas: true,
    record_delimiter: '\r\n',
    bom: options.bom ?? false,
    cast: { boolean: (b) => (b ? 'true' : 'false') },
  });
}
