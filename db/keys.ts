// The site's audit key: the secret the audit chain is keyed with (HMAC-SHA-256), kept outside the
// database file so that someone holding the file alone cannot rewrite the trail and its hashes
// unseen. Each database has a site id (app_meta); its key is the file <site id>.key in the keys
// folder, readable by this user only. The desktop app may seal the key with the operating
// system's keychain instead (electron/keys.ts); both are a `SiteKeys`.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PRODUCT_NAME } from './paths.js';

export const KEY_DIR_ENV = 'TRIALCOORD_KEY_DIR';
const KEY_BYTES = 32;

export interface SiteKeys {
  /** The key of a site, or null when this computer does not hold it. */
  load(siteId: string): Buffer | null;
  /** Makes and keeps a key for a new site. */
  create(siteId: string): Buffer;
  /** Where the keys are kept, for messages. */
  readonly where: string;
}

const nonEmpty = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v);

/** The keys folder: outside the data folder the database lives in by default. */
export function defaultKeyDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const set = nonEmpty(env[KEY_DIR_ENV]);
  if (set) return path.resolve(set);
  const home = os.homedir();
  if (platform === 'win32') return path.join(nonEmpty(env.LOCALAPPDATA) ?? path.join(home, 'AppData', 'Local'), `${PRODUCT_NAME} Keys`);
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', `${PRODUCT_NAME} Keys`);
  return path.join(nonEmpty(env.XDG_STATE_HOME) ?? path.join(home, '.local', 'state'), 'trial-coordinator', 'keys');
}

const SITE_ID = /^[0-9a-f]{32}$/;

export function newSiteId(): string {
  return crypto.randomBytes(16).toString('hex');
}

/** Keys as files, one per site, in a folder only this user can enter. */
export function fileKeys(dir: string = defaultKeyDir()): SiteKeys {
  const file = (siteId: string) => {
    if (!SITE_ID.test(siteId)) throw new Error(`not a site id: ${siteId}`);
    return path.join(dir, `${siteId}.key`);
  };
  return {
    where: dir,
    load: (siteId) => {
      try {
        const key = Buffer.from(fs.readFileSync(file(siteId), 'utf8').trim(), 'base64');
        return key.length === KEY_BYTES ? key : null;
      } catch {
        return null;
      }
    },
    create: (siteId) => {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      fs.chmodSync(dir, 0o700);
      const key = crypto.randomBytes(KEY_BYTES);
      // 'wx': never overwrite a key that exists; a site's key is made once.
      fs.writeFileSync(file(siteId), `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
      return key;
    },
  };
}

/** One site's key, known already (the backend's workers are handed it by their host). */
export function fixedKey(siteId: string, key: Buffer | null, where: string): SiteKeys {
  return {
    where,
    load: (id) => (id === siteId ? key : null),
    create: (id) => {
      if (id !== siteId || key === null) throw new Error('a worker does not make keys: its host does');
      return key;
    },
  };
}

export class MissingKeyError extends Error {
  constructor(where: string) {
    super(
      `This computer does not hold the audit key of this database (looked in ${where}). Nothing was written: without the key the trail cannot be extended or checked. Put the site's key file back (from where the site keeps it safe), or restore a backup made on this computer. A database the desktop app made keeps its key sealed in this computer's keychain: make changes to it in the app.`,
    );
    this.name = 'MissingKeyError';
  }
}
