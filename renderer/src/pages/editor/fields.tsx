// Form fields bound to a path in the protocol draft. Each shows its validation message (from the
// protocol format, in plain words) once it has been left or a save was attempted.
import { createContext, useContext, useId, useState, type ReactNode } from 'react';
import type { Draft } from '../../../../core/protocol-form';

export type Path = readonly (string | number)[];

export interface EditorState {
  readonly draft: Draft;
  set(path: Path, value: unknown): void;
  error(path: Path): string | undefined;
  touch(path: Path): void;
}

export const EditorContext = createContext<EditorState | null>(null);

export function useEditor(): EditorState {
  const ctx = useContext(EditorContext);
  if (!ctx) throw new Error('useEditor outside the protocol editor');
  return ctx;
}

export function getIn(obj: unknown, path: Path): unknown {
  let node = obj;
  for (const seg of path) node = node === null || node === undefined ? undefined : (node as Record<string | number, unknown>)[seg];
  return node;
}

export function setIn<T>(obj: T, path: Path, value: unknown): T {
  if (path.length === 0) return value as T;
  const [head, ...rest] = path;
  const container = (Array.isArray(obj) ? [...obj] : { ...(obj as object) }) as Record<string | number, unknown>;
  container[head!] = setIn(container[head!], rest, value);
  return container as T;
}

function Shell(props: { label: string; hint?: string | undefined; path: Path; children: (id: string, describedBy: string | undefined, invalid: boolean) => ReactNode; wide?: boolean }) {
  const { error } = useEditor();
  const id = useId();
  const message = error(props.path);
  const hintId = props.hint ? `${id}-hint` : undefined;
  const errorId = message ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${props.wide ? ' field-wide' : ''}${message ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{props.label}</label>
      {props.children(id, describedBy, message !== undefined)}
      {props.hint && (
        <span className="hint" id={hintId}>
          {props.hint}
        </span>
      )}
      {message && (
        <span className="field-error" id={errorId}>
          {message}
        </span>
      )}
    </div>
  );
}

export function TextField(props: { path: Path; label: string; hint?: string; nullable?: boolean; optional?: boolean; multiline?: boolean; disabled?: boolean; wide?: boolean; onBlur?: () => void }) {
  const { draft, set, touch } = useEditor();
  const value = getIn(draft, props.path);
  const change = (v: string) => set(props.path, v.trim() === '' && props.nullable ? null : v.trim() === '' && props.optional ? undefined : v);
  const blur = () => {
    touch(props.path);
    props.onBlur?.();
  };
  return (
    <Shell label={props.label} hint={props.hint} path={props.path} wide={props.wide ?? props.multiline ?? false}>
      {(id, describedBy, invalid) =>
        props.multiline ? (
          <textarea id={id} rows={3} value={typeof value === 'string' ? value : ''} onChange={(e) => change(e.target.value)} onBlur={blur} aria-describedby={describedBy} aria-invalid={invalid} disabled={props.disabled} />
        ) : (
          <input id={id} type="text" value={typeof value === 'string' ? value : ''} onChange={(e) => change(e.target.value)} onBlur={blur} aria-describedby={describedBy} aria-invalid={invalid} disabled={props.disabled} />
        )
      }
    </Shell>
  );
}

/** A number; empty is null (the format then says whether null is allowed). */
export function NumberField(props: { path: Path; label: string; hint?: string; min?: number; value?: number | null; onValue?: (v: number | null) => void }) {
  const { draft, set, touch } = useEditor();
  const value = props.value !== undefined ? props.value : getIn(draft, props.path);
  return (
    <Shell label={props.label} hint={props.hint} path={props.path}>
      {(id, describedBy, invalid) => (
        <input
          id={id}
          type="number"
          inputMode="numeric"
          className="input-number"
          min={props.min}
          value={typeof value === 'number' && Number.isFinite(value) ? value : ''}
          onChange={(e) => {
            const v = e.target.value === '' ? null : Number(e.target.value);
            if (props.onValue) props.onValue(v);
            else set(props.path, v);
          }}
          onBlur={() => touch(props.path)}
          aria-describedby={describedBy}
          aria-invalid={invalid}
        />
      )}
    </Shell>
  );
}

export function SelectField(props: { path: Path; label: string; hint?: string; options: readonly (readonly [value: string, label: string])[]; blank?: string; value?: string; onValue?: (v: string | null) => void }) {
  const { draft, set, touch } = useEditor();
  const value = props.value ?? getIn(draft, props.path);
  return (
    <Shell label={props.label} hint={props.hint} path={props.path}>
      {(id, describedBy, invalid) => (
        <select
          id={id}
          value={value === null || value === undefined ? '' : String(value)}
          onChange={(e) => {
            const v = e.target.value === '' ? null : e.target.value;
            if (props.onValue) props.onValue(v);
            else set(props.path, v);
          }}
          onBlur={() => touch(props.path)}
          aria-describedby={describedBy}
          aria-invalid={invalid}
        >
          {props.blank !== undefined && <option value="">{props.blank}</option>}
          {props.options.map(([v, l]) => (
            <option key={v} value={v}>
              {l}
            </option>
          ))}
        </select>
      )}
    </Shell>
  );
}

/** A list of short texts: one per line, or separated by commas. Empty entries are dropped. */
export function ListField(props: { path: Path; label: string; hint?: string; separator: 'line' | 'comma' }) {
  const { draft, set, touch } = useEditor();
  const list = (getIn(draft, props.path) as string[] | undefined) ?? [];
  const joiner = props.separator === 'line' ? '\n' : ', ';
  const [raw, setRaw] = useState(list.join(joiner));
  const change = (text: string) => {
    setRaw(text);
    set(
      props.path,
      text
        .split(props.separator === 'line' ? /\n/ : /[,\n]/)
        .map((s) => s.trim())
        .filter(Boolean),
    );
  };
  return (
    <Shell label={props.label} hint={props.hint} path={props.path} wide={props.separator === 'line'}>
      {(id, describedBy, invalid) =>
        props.separator === 'line' ? (
          <textarea id={id} rows={3} value={raw} onChange={(e) => change(e.target.value)} onBlur={() => touch(props.path)} aria-describedby={describedBy} aria-invalid={invalid} />
        ) : (
          <input id={id} type="text" value={raw} onChange={(e) => change(e.target.value)} onBlur={() => touch(props.path)} aria-describedby={describedBy} aria-invalid={invalid} />
        )
      }
    </Shell>
  );
}

/** Which of the given keys are in the list at `path`: one checkbox per choice. */
export function CheckboxGroup(props: { path: Path; legend: string; choices: readonly (readonly [value: string, label: string])[]; empty: string }) {
  const { draft, set, error } = useEditor();
  const selected = (getIn(draft, props.path) as string[] | undefined) ?? [];
  const message = error(props.path);
  const id = useId();
  return (
    <fieldset className="checks" aria-describedby={message ? `${id}-error` : undefined}>
      <legend>{props.legend}</legend>
      {props.choices.length === 0 && <p className="muted">{props.empty}</p>}
      {props.choices.map(([value, label]) => (
        <label key={value} className="check">
          <input
            type="checkbox"
            checked={selected.includes(value)}
            onChange={(e) => set(props.path, e.target.checked ? [...selected, value] : selected.filter((s) => s !== value))}
          />
          {label}
        </label>
      ))}
      {message && (
        <span className="field-error" id={`${id}-error`}>
          {message}
        </span>
      )}
    </fieldset>
  );
}

export function CheckboxField(props: { path: Path; label: string }) {
  const { draft, set } = useEditor();
  return (
    <label className="check">
      <input type="checkbox" checked={getIn(draft, props.path) === true} onChange={(e) => set(props.path, e.target.checked)} />
      {props.label}
    </label>
  );
}

/** A list item in its own group, with remove (and move) buttons named after it. */
export function ItemGroup(props: { legend: string; name: string; onRemove: () => void; onUp?: (() => void) | undefined; onDown?: (() => void) | undefined; children: ReactNode }) {
  return (
    <fieldset className="item-group">
      <legend>{props.legend}</legend>
      <div className="item-tools">
        {props.onUp && (
          <button type="button" className="button button-secondary button-small" onClick={props.onUp} aria-label={`Move ${props.name} up`}>
            ↑
          </button>
        )}
        {props.onDown && (
          <button type="button" className="button button-secondary button-small" onClick={props.onDown} aria-label={`Move ${props.name} down`}>
            ↓
          </button>
        )}
        <button type="button" className="button button-secondary button-small" onClick={props.onRemove} aria-label={`Remove ${props.name}`}>
          Remove
        </button>
      </div>
      <div className="item-fields">{props.children}</div>
    </fieldset>
  );
}
