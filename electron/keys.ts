// The desktop app's audit keys: each site's key sealed with the operating system's keychain
// (Electron's safeStorage: the macOS Keychain, Windows DPAPI, the Linux secret service), in a
// file <site id>.sealed in the keys folder that only this user can enter. A key the command line
// or browser mode made (a plain <site id>.key file, db/keys.ts) is still found, so a site set up
// from the command line opens in the app. Where the keychain is not available (a Linux desktop
// with no secret service: safeStorage would fall back to a fixed key), the plain key files are
// used, as the command line uses them, and the app says so in its key location.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { HostKeys } from '../db/backend/host.js';

/** What the keychain does for us: safeStorage's asynchronous calls, passed in by the main process. */
export interface Sealer {
  /** True when the keychain seals for real (not Linux's plain-text fallback). */
  available(): Promise<boolean>;
  seal(text: string): Promise<Buffer>;
  open(sealed: Buffer): Promise<string>;
}

const SITE_ID = /^[0-9a-f]{32}$/;
const KEY_BYTES = 32;

function keyFile(dir: string, siteId: string, ext: 'sealed' | 'key'): string {
  if (!SITE_ID.test(siteId)) throw new Error(`not a site id: ${siteId}`);
  return path.join(dir, `${siteId}.${ext}`);
}

function readPlain(dir: string, siteId: string): Buffer | null {
  try {
    const key = Buffer.from(fs.readFileSync(keyFile(dir, siteId, 'key'), 'utf8').trim(), 'base64');
    return key.length === KEY_BYTES ? key : null;
  } catch {
    return null;
  }
}

export async function sealedKeys(dir: string, sealer: Sealer): Promise<HostKeys> {
  const sealing = await sealer.available().catch(() => false);
  const where = sealing ? `${dir} (sealed with this computer's keychain)` : dir;
  const write = (file: string, data: string | Buffer) => {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.chmodSync(dir, 0o700);
    // 'wx': a site's key is made once and never overwritten.
    fs.writeFileSync(file, data, { mode: 0o600, flag: 'wx' });
  };
  return {
    where,
    async load(siteId) {
      const sealedFile = keyFile(dir, siteId, 'sealed');
      if (fs.existsSync(sealedFile)) {
        try {
          const key = Buffer.from((await sealer.open(fs.readFileSync(sealedFile))).trim(), 'base64');
          if (key.length === KEY_BYTES) return key;
        } catch {
          // Sealed on another computer or for another user: the keychain cannot open it.
        }
      }
      return readPlain(dir, siteId);
    },
    async create(siteId) {
      const key = crypto.randomBytes(KEY_BYTES);
      if (sealing) write(keyFile(dir, siteId, 'sealed'), await sealer.seal(key.toString('base64')));
      else write(keyFile(dir, siteId, 'key'), `${key.toString('base64')}\n`);
      return key;
    },
  };
}
