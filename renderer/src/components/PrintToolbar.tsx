// The bar above a printable page (not printed): the way back, the paper size, and Print.
import type { ReactNode } from 'react';

export function PrintToolbar(props: { back: ReactNode; paper: string; onPaper: (paper: string) => void }) {
  return (
    <div className="print-toolbar no-print">
      {props.back}
      <label>
        Paper{' '}
        <select value={props.paper} onChange={(e) => props.onPaper(e.target.value)}>
          <option value="a4">A4</option>
          <option value="letter">US Letter</option>
        </select>
      </label>
      <button type="button" className="button" onClick={() => window.print()}>
        Print…
      </button>
    </div>
  );
}
