import { formatDateRange } from '../dates';
import { NotStated } from './ui';

/** A visit's window: its dates and, where the protocol words it, the words ("within 24 h"). */
export function WindowCell({ visit: v }: { visit: { windowStart: string; windowEnd: string; windowStated: boolean; windowText: string | null } }) {
  if (!v.windowStated) return <NotStated what="Window" />;
  return (
    <>
      {formatDateRange(v.windowStart, v.windowEnd)}
      {v.windowText && <div className="sub">{v.windowText}</div>}
    </>
  );
}
