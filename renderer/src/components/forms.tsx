import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { ApiError } from '../api';
import { ErrorNotice } from './ui';

export function Field(props: { label: string; hint?: string; children: (id: string, describedBy: string | undefined) => ReactNode }) {
  const id = useId();
  const hintId = props.hint ? `${id}-hint` : undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      {props.children(id, hintId)}
      {props.hint && (
        <span className="hint" id={hintId}>
          {props.hint}
        </span>
      )}
    </div>
  );
}

/**
 * A calendar date field: years from 0001 to 9999 only, so that a stray digit in the year part
 * (20250) is an unfinished date the form refuses, never a date the app cannot write.
 */
export function DateInput(props: { id: string; value: string; onChange: (value: string) => void; required?: boolean; min?: string; max?: string; describedBy?: string | undefined }) {
  return (
    <input
      id={props.id}
      type="date"
      value={props.value}
      min={props.min ?? '0001-01-01'}
      max={props.max ?? '9999-12-31'}
      required={props.required}
      aria-describedby={props.describedBy}
      onChange={(e) => props.onChange(e.target.value)}
    />
  );
}

/** Date, time and number fields the person started but did not finish (or outside their range), in words. */
export function unfinishedFields(form: HTMLFormElement | null): string[] {
  if (!form) return [];
  const what = { date: 'not a whole date (day, month and year within 0001 to 9999)', time: 'not a whole time', number: 'not a number within its range' } as const;
  return [...form.querySelectorAll<HTMLInputElement>('input[type="date"], input[type="time"], input[type="number"]')]
    .filter((i) => i.validity.badInput || i.validity.rangeOverflow || i.validity.rangeUnderflow)
    .map((i) => `${(i.labels?.[0]?.textContent ?? 'A field').trim()}: ${what[i.type as keyof typeof what] ?? 'not finished'}; finish it or clear it.`);
}

/** Runs an action, keeps its error to show, and tells whether it is running. */
export function useAction() {
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async <T,>(fn: () => Promise<T>, form?: HTMLFormElement | null): Promise<T | undefined> => {
    // A half-typed date reads as empty to the page: say so instead of dropping it unseen.
    const unfinished = unfinishedFields(form ?? null);
    if (unfinished.length) {
      setError(new ApiError({ code: 'invalid_input', message: unfinished[0]!, details: unfinished }));
      return undefined;
    }
    // A required field left empty: named in words, and the cursor put in it.
    const empty = form ? [...form.querySelectorAll<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>('[required]')].filter((f) => !f.disabled && f.value.trim() === '') : [];
    if (empty.length) {
      const details = empty.map((f) => `${(f.labels?.[0]?.textContent ?? 'A field').trim()}: this is needed.`);
      setError(new ApiError({ code: 'invalid_input', message: details[0]!, details }));
      empty[0]!.focus();
      return undefined;
    }
    setBusy(true);
    setError(null);
    try {
      return await fn();
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError({ code: 'internal', message: String(e) }));
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, run, clear: () => setError(null) };
}

export function ActionError(props: { error: ApiError | null; title?: string }) {
  return props.error ? <ErrorNotice error={props.error} title={props.title ?? 'Not saved'} /> : null;
}

/**
 * A modal dialog (native <dialog>: focus is trapped and Escape closes it). When it closes, focus
 * goes back to what opened it or, where that is gone (the row changed: a Done button became a
 * Correct button), to the first control of the row or section it was in.
 */
export function Dialog(props: { title: string; open: boolean; onClose: () => void; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  const opener = useRef<{ element: HTMLElement | null; near: string[] } | null>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (props.open && !d.open) {
      opener.current = openerOf(document.activeElement);
      d.showModal();
    }
    if (!props.open && d.open) d.close();
    if (!props.open && opener.current) {
      const was = opener.current;
      opener.current = null;
      window.setTimeout(() => returnFocus(was), 0);
    }
  }, [props.open]);
  // Closed by going away (the list it was opened from changed): focus goes back all the same.
  useEffect(
    () => () => {
      const was = opener.current;
      if (was) window.setTimeout(() => returnFocus(was), 0);
    },
    [],
  );
  return (
    <dialog ref={ref} aria-labelledby={titleId} onClose={props.onClose} className="dialog">
      <h2 id={titleId}>{props.title}</h2>
      {props.open && props.children}
    </dialog>
  );
}

/** What opened a dialog, and the ids of the places around it (row, section, page), nearest first. */
function openerOf(active: Element | null): { element: HTMLElement | null; near: string[] } {
  const element = active instanceof HTMLElement ? active : null;
  const near: string[] = [];
  for (let at = element?.parentElement ?? null; at; at = at.parentElement) if (at.id) near.push(at.id);
  return { element, near };
}

/** A select's options: an optional first choice with no value, then one per item. */
export function Options(props: { blank?: string; items: readonly { readonly value: string; readonly label: string }[] }) {
  return (
    <>
      {props.blank !== undefined && <option value="">{props.blank}</option>}
      {props.items.map((i) => (
        <option key={i.value} value={i.value}>
          {i.label}
        </option>
      ))}
    </>
  );
}

/** A dialog form's error, then its confirm and cancel buttons. */
export function DialogActions(props: { error: ApiError | null; busy: boolean; confirm: string; danger?: boolean; onCancel: () => void; dismiss?: string }) {
  return (
    <>
      <ActionError error={props.error} />
      <div className="form-actions">
        <button type="submit" className={props.danger ? 'button button-danger' : 'button'} disabled={props.busy}>
          {props.confirm}
        </button>
        <button type="button" className="button button-secondary" onClick={props.onCancel}>
          {props.dismiss ?? 'Cancel'}
        </button>
      </div>
    </>
  );
}

function returnFocus({ element, near }: { element: HTMLElement | null; near: string[] }): void {
  if (element?.isConnected && !element.hasAttribute('disabled')) return element.focus();
  for (const id of near) {
    const place = document.getElementById(id);
    if (!place) continue;
    const control = place.querySelector<HTMLElement>('button:not([disabled]), a[href], input, select, textarea');
    if (control) return control.focus();
    if (!place.hasAttribute('tabindex')) place.setAttribute('tabindex', '-1');
    return place.focus();
  }
}
