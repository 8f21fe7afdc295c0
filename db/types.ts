import type Database from 'better-sqlite3';

// Capabilities in the types: a function that takes a ReadableDB cannot be handed the handle
// that writes, and the only way to get a WritableDB is inside a transaction (db/connection.ts).
declare const readable: unique symbol;
declare const writable: unique symbol;
export type ReadableDB = Database.Database & { readonly [readable]: true };
export type WritableDB = ReadableDB & { readonly [writable]: true };
