// Site settings kept in app_meta (site name, date locale, backups to keep, the idle lock).
import type { SettingKey } from '../core/api.js';
import { statements } from './statements.js';
import type { ReadableDB, WritableDB } from './types.js';

const stmts = statements((db) => ({
  get: db.prepare('SELECT value FROM app_meta WHERE key = ?').pluck(),
}));

export function readSetting(db: ReadableDB, key: SettingKey): string | null {
  return (stmts(db).get.get(key) as string | undefined) ?? null;
}

export function writeSetting(db: WritableDB, key: SettingKey, value: string): void {
  db.prepare('INSERT INTO app_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
}
