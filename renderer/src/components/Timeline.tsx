import type { VisitView } from '../../../core/participants';
import { formatCalendarDate } from '../dates';

const DAY_MS = 86_400_000;
const toDay = (iso: string) => Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / DAY_MS;

/**
 * The schedule as a picture: each visit a mark on one line (filled when done, hollow when
 * planned, crossed when missed or cancelled), its window as a bar, and where it was first
 * projected as a faint tick when it has moved. The table below carries the same facts in words.
 */
export function Timeline({ visits }: { visits: readonly VisitView[] }) {
  if (visits.length === 0) return null;
  const days = visits.flatMap((v) => [toDay(v.windowStart), toDay(v.windowEnd), toDay(v.projectedDate), toDay(v.actualDate ?? v.plannedDate)]);
  const min = Math.min(...days);
  const max = Math.max(...days, min + 1);
  const width = 1000;
  const pad = 24;
  const x = (iso: string) => pad + ((toDay(iso) - min) / (max - min)) * (width - 2 * pad);
  const first = visits[0]!;
  const last = visits[visits.length - 1]!;
  return (
    <figure className="timeline">
      <svg viewBox={`0 0 ${width} 70`} role="img" aria-label={`Timeline of ${visits.length} visits from ${formatCalendarDate(first.plannedDate)} to ${formatCalendarDate(last.plannedDate)}`}>
        <line x1={pad} x2={width - pad} y1={35} y2={35} className="tl-axis" />
        {visits.map((v) => {
          const at = v.actualDate ?? v.plannedDate;
          return (
            <g key={v.id}>
              <title>{`${v.label}: ${v.status}${v.actualDate ? ` ${v.actualDate}` : ` planned ${v.plannedDate}`}`}</title>
              {v.windowStart !== v.windowEnd && <rect x={x(v.windowStart)} y={29} width={Math.max(2, x(v.windowEnd) - x(v.windowStart))} height={12} className="tl-window" />}
              {v.projectedDate !== v.plannedDate && <line x1={x(v.projectedDate)} x2={x(v.projectedDate)} y1={22} y2={48} className="tl-projected" />}
              {v.status === 'missed' || v.status === 'cancelled' ? (
                <path d={`M${x(at) - 5},30 l10,10 m0,-10 l-10,10`} className="tl-missed" />
              ) : (
                <circle cx={x(at)} cy={35} r={v.kind === 'dose' ? 6 : 5} className={v.status === 'done' ? (v.outOfWindow ? 'tl-done tl-oow' : 'tl-done') : 'tl-planned'} />
              )}
            </g>
          );
        })}
        <text x={pad} y={64} className="tl-label">
          {formatCalendarDate(first.plannedDate)}
        </text>
        <text x={width - pad} y={64} textAnchor="end" className="tl-label">
          {formatCalendarDate(last.plannedDate)}
        </text>
      </svg>
      <figcaption className="sub">Filled: done (ringed when out of window). Hollow: planned. Cross: missed or cancelled. Bars: windows. Ticks: first projected dates.</figcaption>
    </figure>
  );
}
