// The desktop app's audit keys, sealed with the keychain (electron/keys.ts), with a stand-in for
// Electron's safeStorage: what lies on disk is not the key, a key the command line made is still
// found, and without a keychain the plain key files are used as the command line uses them.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileKeys, newSiteId } from '../db/keys.js';
import { sealedKeys, type Sealer } from '../electron/keys.js';
import { tempDir } from './helpers/db.js';

/** A keychain of this computer: AES-256-GCM with a secret the files never hold. */
function keychain(secret = crypto.randomBytes(32), available = true): Sealer {
  return {
    available: async () => available,
    seal: async (text) => {
      const iv = crypto.randomBytes(12);
      const c = crypto.createCipheriv('aes-256-gcm', secret, iv);
      const body = Buffer.concat([c.update(text, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]);
    },
    open: async (sealed) => {
      const d = crypto.createDecipheriv('aes-256-gcm', secret, sealed.subarray(0, 12));
      d.setAuthTag(sealed.subarray(12, 28));
      return Buffer.concat([d.update(sealed.subarray(28)), d.final()]).toString('utf8');
    },
  };
}

describe('the desktop app’s sealed audit keys', () => {
  it('a new site’s key is sealed: the file on disk does not hold it, and only this keychain opens it', async () => {
    const dir = path.join(tempDir(), 'keys');
    const chain = keychain();
    const keys = await sealedKeys(dir, chain);
    const site = newSiteId();
    const key = await keys.create(site);
    expect(fs.readdirSync(dir)).toEqual([`${site}.sealed`]);
    const onDisk = fs.readFileSync(path.join(dir, `${site}.sealed`));
    expect(onDisk.includes(key)).toBe(false);
    expect(onDisk.toString('latin1').includes(key.toString('base64'))).toBe(false);
    expect(fs.statSync(path.join(dir, `${site}.sealed`)).mode & 0o777).toBe(0o600);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(await (await sealedKeys(dir, chain)).load(site)).toEqual(key);
    // Another computer's (or user's) keychain cannot open it.
    expect(await (await sealedKeys(dir, keychain())).load(site)).toBeNull();
    expect(keys.where).toMatch(/sealed with this computer's keychain/);
  });

  it('a key the command line made (a plain key file) is found by the app; a key is never made twice', async () => {
    const dir = path.join(tempDir(), 'keys');
    const site = newSiteId();
    const plain = fileKeys(dir).create(site);
    const keys = await sealedKeys(dir, keychain());
    expect(await keys.load(site)).toEqual(plain);
    const other = newSiteId();
    await keys.create(other);
    await expect(keys.create(other)).rejects.toThrow();
  });

  it('without a keychain (Linux with no secret service) the keys are plain files only this user reads, as the command line keeps them', async () => {
    const dir = path.join(tempDir(), 'keys');
    const keys = await sealedKeys(dir, keychain(undefined, false));
    const site = newSiteId();
    const key = await keys.create(site);
    expect(fs.readdirSync(dir)).toEqual([`${site}.key`]);
    expect(fileKeys(dir).load(site)).toEqual(key);
    expect(keys.where).toBe(dir);
  });
});
