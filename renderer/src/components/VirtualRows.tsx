// Long tables (10,000 participants, a worklist's every row) render only the rows in view, plus
// a margin, inside a scrolling box; spacer rows keep the scroll bar true. Rows have one fixed
// height (cells do not wrap), so where each row sits is known without measuring. Tabbing
// through the links scrolls the next rows into view, and they are rendered before focus gets
// there; the table tells assistive technology how many rows it has in all.
import { useLayoutEffect, useRef, useState, type ReactNode } from 'react';

const OVERSCAN = 10;

export function useRowWindow(count: number, rowHeight: number) {
  const ref = useRef<HTMLDivElement>(null);
  // The first paint has about a screenful (70vh of 44 px rows); the layout effect then sets the range, with its margin, exactly.
  const [range, setRange] = useState({ start: 0, end: Math.min(count, 20) });
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const update = () => {
      const start = Math.max(0, Math.floor(el.scrollTop / rowHeight) - OVERSCAN);
      const end = Math.min(count, Math.ceil((el.scrollTop + el.clientHeight) / rowHeight) + OVERSCAN);
      setRange((r) => (r.start === start && r.end === end ? r : { start, end }));
    };
    update();
    el.addEventListener('scroll', update, { passive: true });
    window.addEventListener('resize', update);
    return () => {
      el.removeEventListener('scroll', update);
      window.removeEventListener('resize', update);
    };
  }, [count, rowHeight]);
  // Until the effect has run for a new count (a filter just shrank the list), keep within it.
  const end = Math.min(range.end, count);
  return { ref, start: Math.min(range.start, end), end };
}

/**
 * A table whose body shows only the rows in view. `row(i)` renders row i as a <tr> (with
 * aria-rowindex i + 2: the header is row 1).
 */
export function VirtualTable(props: { label: string; count: number; rowHeight: number; head: ReactNode; row: (index: number) => ReactNode; className?: string }) {
  const { ref, start, end } = useRowWindow(props.count, props.rowHeight);
  const rows: ReactNode[] = [];
  for (let i = start; i < end; i++) rows.push(props.row(i));
  return (
    <div className="virtual-scroll" ref={ref} tabIndex={0} role="region" aria-label={`${props.label} (scrolls)`}>
      <table className={`table virtual-table ${props.className ?? ''}`} aria-rowcount={props.count + 1} aria-label={props.label}>
        <thead>{props.head}</thead>
        <tbody>
          {start > 0 && <tr aria-hidden="true" className="spacer" style={{ height: start * props.rowHeight }} />}
          {rows}
          {end < props.count && <tr aria-hidden="true" className="spacer" style={{ height: (props.count - end) * props.rowHeight }} />}
        </tbody>
      </table>
    </div>
  );
}

/** A table's header row, one column heading per name; in a virtual table it is row 1 (`rowIndex`). */
export function HeadRow(props: { columns: readonly string[]; rowIndex?: number | undefined }) {
  return (
    <tr aria-rowindex={props.rowIndex}>
      {props.columns.map((c) => (
        <th scope="col" key={c}>
          {c}
        </th>
      ))}
    </tr>
  );
}
