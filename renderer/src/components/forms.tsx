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

/** Runs an action, keeps its error to show, and tells whether it is running. */
export function useAction() {
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async <T,>(fn: () => Promise<T>): Promise<T | undefined> => {
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

/** A modal dialog (native <dialog>: focus is trapped and Escape closes it). */
export function Dialog(props: { title: string; open: boolean; onClose: () => void; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (props.open && !d.open) d.showModal();
    if (!props.open && d.open) d.close();
  }, [props.open]);
  return (
    <dialog ref={ref} aria-labelledby={titleId} onClose={props.onClose} className="dialog">
      <h2 id={titleId}>{props.title}</h2>
      {props.open && props.children}
    </dialog>
  );
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
export function DialogActions(props: { error: ApiError | null; busy: boolean; confirm: string; danger?: boolean; onCancel: () => void }) {
  return (
    <>
      <ActionError error={props.error} />
      <div className="form-actions">
        <button type="submit" className={props.danger ? 'button button-danger' : 'button'} disabled={props.busy}>
          {props.confirm}
        </button>
        <button type="button" className="button button-secondary" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </>
  );
}
