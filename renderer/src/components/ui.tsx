// The app's small component set. One type scale and one spacing scale (styles.css); every
// screen is built from these so that the whole app looks like one thing.
import { useEffect, useRef, type ReactNode } from 'react';
import { useLocation, useNavigationType } from 'react-router';
import type { ApiError } from '../api';

export function Page(props: { title: string; eyebrow?: ReactNode; actions?: ReactNode; children: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const location = useLocation();
  const navigationType = useNavigationType();
  // After a navigation (a link, back or forward), focus moves to the new page's heading so that
  // keyboard and screen-reader users know where they are. On the first load and on redirects it
  // stays at the top, where the skip link comes first.
  const moved = navigationType === 'PUSH' || (navigationType === 'POP' && location.key !== 'default');
  useEffect(() => {
    if (moved) heading.current?.focus();
  }, [moved, location.key, props.title]);
  return (
    <>
      <header className="page-header">
        {props.eyebrow && <div className="eyebrow">{props.eyebrow}</div>}
        <div className="page-title-row">
          <h1 ref={heading} tabIndex={-1}>
            {props.title}
          </h1>
          {props.actions}
        </div>
      </header>
      {props.children}
    </>
  );
}

const COUNT = new Intl.NumberFormat();
/** A count as the reader's locale writes it (10,000). */
export const formatCount = (n: number): string => COUNT.format(n);

export function Section(props: { id: string; title: string; count?: number; children: ReactNode }) {
  return (
    <section className="section" id={`section-${props.id}`} aria-labelledby={`${props.id}-heading`}>
      <h2 id={`${props.id}-heading`}>
        {props.title}
        {props.count !== undefined && <span className="count"> ({formatCount(props.count)})</span>}
      </h2>
      {props.children}
    </section>
  );
}

export function Badge(props: { tone?: 'neutral' | 'accent' | 'warning' | 'success'; children: ReactNode }) {
  return <span className={`badge badge-${props.tone ?? 'neutral'}`}>{props.children}</span>;
}

export function NotStated(props: { what?: string }) {
  return <span className="not-stated">{props.what ? `${props.what} not stated` : 'Not stated'}</span>;
}

/** A value, or a visible "Not stated" where the protocol leaves it open. */
export function Value(props: { children: ReactNode | null | undefined }) {
  return props.children === null || props.children === undefined || props.children === '' ? <NotStated /> : <>{props.children}</>;
}

export function Facts(props: { items: [label: string, value: ReactNode][] }) {
  return (
    <dl className="facts">
      {props.items.map(([label, value]) => (
        <div key={label} className="fact">
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function Loading(props: { what: string }) {
  return (
    <p className="muted" role="status">
      Loading {props.what}…
    </p>
  );
}

export function ErrorNotice(props: { error: ApiError; title?: string }) {
  return (
    <div className="notice notice-error" role="alert">
      <strong>{props.title ?? 'Something went wrong'}</strong>
      <p>{props.error.message}</p>
      {props.error.details.length > 1 && (
        <ul>
          {props.error.details.map((d) => (
            <li key={d}>{d}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

/**
 * A long title shortened in its middle, for rows of one fixed height: the trials' titles often
 * share their first words and differ at the end ("… Treatment in Sepsis", "… Liver Cirrhosis").
 */
export function shortTitle(title: string, max = 60): string {
  if (title.length <= max) return title;
  const head = Math.ceil((max - 1) * 0.4);
  const tail = max - 1 - head;
  return `${title.slice(0, head).trimEnd()}…${title.slice(title.length - tail).trimStart()}`;
}
