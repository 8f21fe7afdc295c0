// Prepared statements kept per connection. Preparing is a large part of a small query's cost, and
// the hot paths (re-planning, participant pages) run the same few statements thousands of times.
//
// Each repository declares its statements once with `statements(db => ({ ... }))` and reads them
// with `stmts(db)`: they are prepared on first use on that connection, each in the mode it was
// declared with (raw, pluck), and never switched to another mode under whoever holds it.
import type Database from 'better-sqlite3';
import type { ReadableDB } from './types.js';

type Conn = Database.Database | ReadableDB;

/** A set of statements for each connection, made the first time a connection asks for it. */
export function statements<T>(make: (db: Conn) => T): (db: Conn) => T {
  const byConnection = new WeakMap<object, T>();
  return (db) => {
    let s = byConnection.get(db);
    if (s === undefined) {
      s = make(db);
      byConnection.set(db, s);
    }
    return s;
  };
}

const bySql = new WeakMap<object, Map<string, Database.Statement>>();

/**
 * A statement made from SQL that is put together per call (a worklist's filter, a calendar's
 * trial), prepared once per connection and mode: the same few shapes are asked for on every
 * page. `raw` statements give rows as arrays.
 */
export function prepared(db: Conn, sql: string, mode: 'rows' | 'raw' = 'rows'): Database.Statement {
  let cache = bySql.get(db);
  if (!cache) bySql.set(db, (cache = new Map()));
  const key = `${mode}\u0000${sql}`;
  let st = cache.get(key);
  if (!st) {
    st = (db as Database.Database).prepare(sql);
    if (mode === 'raw') st.raw();
    cache.set(key, st);
  }
  return st;
}
