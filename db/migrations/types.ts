import type { SiteKeys } from '../keys.js';
import type { WritableDB } from '../types.js';

/** What a migration may need beyond the file: the site's keys (migration 10 keys the trail). */
export interface MigrationContext {
  readonly keys: SiteKeys;
  /** The site id to give a database that has none yet (the backend host chose it and its key). */
  readonly siteId?: string | undefined;
}

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly up: (db: WritableDB, ctx: MigrationContext) => void;
}
