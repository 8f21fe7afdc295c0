// The site's working days and holidays. A visit planned on a closed day moves to the nearest open
// day in its window, or is flagged where the window has none. Nothing moves until the change is
// applied: each change first lists what it would move, then is applied in one transaction.
import { useRef, useState, type FormEvent } from 'react';
import type { ClosureChange, SiteDays } from '../../../../core/api';
import { readIcsHolidays } from '../../../../core/holidays-ics';
import { ApiError, invoke } from '../../api';
import { ActionError, DateInput, Dialog, DialogActions, Field, useAction } from '../../components/forms';
import { ErrorNotice, Loading, Section } from '../../components/ui';
import { formatCalendarDate, formatCalendarDateAs } from '../../dates';
import { useApi } from '../../useApi';

const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const SHORT = { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' } as const;

type Change = { what: string; run: (apply: boolean) => Promise<ClosureChange> };

export function WorkingDaysSection() {
  const [refresh, setRefresh] = useState(0);
  const days = useApi('siteDays', {}, refresh);
  return (
    <Section id="working-days" title="Working days and holidays">
      {days.state === 'loading' && <Loading what="the working days" />}
      {days.state === 'error' && <ErrorNotice error={days.error} />}
      {days.state === 'ready' && <DaysForm days={days.value} onChanged={() => setRefresh((r) => r + 1)} />}
    </Section>
  );
}

function DaysForm({ days, onChanged }: { days: SiteDays; onChanged: () => void }) {
  const [open, setOpen] = useState<readonly number[]>(days.workingDays);
  const [pending, setPending] = useState<{ change: Change; preview: ClosureChange } | null>(null);
  const [date, setDate] = useState('');
  const [label, setLabel] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const act = useAction();
  const holidayForm = useRef<HTMLFormElement>(null);
  const file = useRef<HTMLInputElement>(null);
  const same = open.length === days.workingDays.length && open.every((d) => days.workingDays.includes(d));

  const preview = async (change: Change, form?: HTMLFormElement | null) => {
    setDone(null);
    const p = await act.run(() => change.run(false), form);
    if (p) setPending({ change, preview: p });
  };
  const setDays = (next: readonly number[]) => preview({ what: 'the working days', run: (apply) => invoke('setWorkingDays', { days: [...next], apply }) });
  const addHoliday = (e: FormEvent) => {
    e.preventDefault();
    void preview({ what: `the holiday ${label.trim()}`, run: (apply) => invoke('addHolidays', { holidays: [{ date, label: label.trim() }], apply }) }, holidayForm.current);
  };
  const importFile = async (f: File) => {
    setDone(null);
    let read;
    try {
      read = readIcsHolidays(await f.text());
    } catch (e) {
      void act.run(() => Promise.reject(new ApiError({ code: 'invalid_input', message: (e as Error).message, details: [] })));
      return;
    }
    if (read.holidays.length === 0) {
      void act.run(() => Promise.reject(new ApiError({ code: 'invalid_input', message: `${f.name} has no dated events to import.`, details: [] })));
      return;
    }
    const holidays = read.holidays.map((h) => ({ date: h.date, label: h.label.slice(0, 200) }));
    await preview({ what: `${holidays.length} holiday day${holidays.length === 1 ? '' : 's'} from ${f.name}`, run: (apply) => invoke('addHolidays', { holidays, apply }) });
  };

  return (
    <>
      <p className="muted">
        Open: <strong>{days.described}</strong>. A visit planned on a closed day moves to the nearest open day inside its window (the earlier one on a tie); where the window has no open day it
        stays and is flagged for you to decide. Study days never change.
      </p>
      <fieldset className="field weekday-picker">
        <legend>Days the site is open</legend>
        {DAYS.map((name, i) => (
          <label key={name} className="check">
            <input type="checkbox" checked={open.includes(i + 1)} onChange={(e) => setOpen(e.target.checked ? [...open, i + 1].sort() : open.filter((d) => d !== i + 1))} />
            <span>{name}</span>
          </label>
        ))}
      </fieldset>
      <div className="form-actions">
        <button type="button" className="button" disabled={same || open.length === 0 || act.busy} onClick={() => void setDays(open)}>
          Review and save the working days
        </button>
        {days.workingDays.length === 7 && (
          <button type="button" className="button button-secondary" disabled={act.busy} onClick={() => (setOpen([1, 2, 3, 4, 5]), void setDays([1, 2, 3, 4, 5]))}>
            Monday to Friday
          </button>
        )}
        {done && (
          <span role="status" className="muted">
            {done}
          </span>
        )}
      </div>
      <h3 className="subhead">Holidays</h3>
      {days.holidays.length === 0 ? (
        <p className="muted">No holidays yet.</p>
      ) : (
        <ul className="plain-list holiday-list">
          {days.holidays.map((h) => (
            <li key={h.date}>
              <span className="nowrap">{formatCalendarDateAs(h.date, SHORT)}</span> {h.label}{' '}
              <button
                type="button"
                className="link-button"
                aria-label={`Remove ${h.label}, ${formatCalendarDate(h.date)}`}
                onClick={() => void preview({ what: `the removal of ${h.label}`, run: (apply) => invoke('removeHoliday', { date: h.date, apply }) })}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <form className="form inline-form" ref={holidayForm} onSubmit={addHoliday} noValidate>
        <Field label="Holiday date">{(id) => <DateInput id={id} value={date} onChange={setDate} required />}</Field>
        <Field label="Name">{(id) => <input id={id} value={label} onChange={(e) => setLabel(e.target.value)} required maxLength={200} placeholder="For example: Christmas Day" />}</Field>
        <div className="form-actions">
          <button type="submit" className="button button-secondary" disabled={act.busy}>
            Add holiday
          </button>
          <button type="button" className="button button-secondary" disabled={act.busy} onClick={() => file.current?.click()}>
            Import a holiday calendar (.ics)…
          </button>
          <input
            ref={file}
            type="file"
            accept=".ics,text/calendar"
            className="visually-hidden"
            aria-label="Holiday calendar file"
            tabIndex={-1}
            onChange={(e) => {
              const f = e.target.files?.[0];
              e.target.value = '';
              if (f) void importFile(f);
            }}
          />
        </div>
      </form>
      {!pending && <ActionError error={act.error} title="Not saved" />}
      <MovesDialog
        pending={pending}
        onClose={() => setPending(null)}
        onApplied={(r) => {
          setPending(null);
          setDate('');
          setLabel('');
          setDone(`Saved. ${movedWords(r)}`);
          onChanged();
        }}
      />
    </>
  );
}

function movedWords(r: ClosureChange): string {
  const moved = r.moves.filter((m) => m.closedDay === null).length;
  const flagged = r.moves.length - moved;
  if (r.moves.length === 0) return 'No planned visit moves.';
  return [moved ? `${moved} planned visit${moved === 1 ? '' : 's'} moved` : '', flagged ? `${flagged} left on a closed day for you to decide` : ''].filter(Boolean).join('; ') + '.';
}

function MovesDialog(props: { pending: { change: Change; preview: ClosureChange } | null; onClose: () => void; onApplied: (r: ClosureChange) => void }) {
  const act = useAction();
  const p = props.pending;
  const moves = p?.preview.moves ?? [];
  return (
    <Dialog title={p ? `Save ${p.change.what}?` : ''} open={p !== null} onClose={props.onClose}>
      {p && (
        <form
          className="form"
          onSubmit={async (e) => {
            e.preventDefault();
            const r = await act.run(() => p.change.run(true));
            if (r) props.onApplied(r);
          }}
        >
          <p>{moves.length === 0 ? 'No planned visit moves.' : `What changes for planned visits (${movedWords(p.preview).replace(/\.$/, '')}):`}</p>
          {moves.length > 0 && (
            <div className="table-wrap moves-preview">
              <table className="table compact">
                <thead>
                  <tr>
                    <th scope="col">Participant</th>
                    <th scope="col">Visit</th>
                    <th scope="col">Now</th>
                    <th scope="col">Becomes</th>
                  </tr>
                </thead>
                <tbody>
                  {moves.map((m) => (
                    <tr key={`${m.participantId}-${m.visit}`} className={m.closedDay ? 'row-warning' : undefined}>
                      <th scope="row">
                        {m.studyId} <span className="sub">{m.protocolId}</span>
                      </th>
                      <td>{m.visit}</td>
                      <td className="nowrap">{formatCalendarDateAs(m.from, SHORT)}</td>
                      <td>
                        {m.closedDay
                          ? `stays: site closed (${m.closedDay}), no open day in the window`
                          : `${formatCalendarDateAs(m.to, SHORT)}${m.because ? ` (site closed: ${m.because})` : ' (back to the protocol’s date)'}`}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <DialogActions error={act.error} busy={act.busy} confirm="Save and re-plan" danger={false} onCancel={props.onClose} />
        </form>
      )}
    </Dialog>
  );
}
