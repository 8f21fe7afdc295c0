import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const PRODUCT_NAME = 'Trial Coordinator';
export const DB_FILE_NAME = 'trial-coordinator.sqlite';
export const DB_ENV = 'TRIALCOORD_DB';

/** An environment variable that is set and not blank (the XDG rule: an empty value means the default). */
const setting = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v);

/** The folder Electron calls `userData` for this app, computed the same way outside Electron. */
export function defaultUserDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const home = os.homedir();
  if (platform === 'win32') return path.join(setting(env.APPDATA) ?? path.join(home, 'AppData', 'Roaming'), PRODUCT_NAME);
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', PRODUCT_NAME);
  return path.join(setting(env.XDG_CONFIG_HOME) ?? path.join(home, '.config'), PRODUCT_NAME);
}

/** `--db FILE` wins, then the TRIALCOORD_DB variable, then the user's data folder. */
export function resolveDatabaseFile(flag: string | undefined, userDataDir: string = defaultUserDataDir(), env: NodeJS.ProcessEnv = process.env): string {
  if (flag) return path.resolve(flag);
  const fromEnv = setting(env[DB_ENV]);
  if (fromEnv) return path.resolve(fromEnv);
  // The app's own data folder is this user's alone (a folder named elsewhere is left as it is).
  fs.mkdirSync(userDataDir, { recursive: true, mode: 0o700 });
  fs.chmodSync(userDataDir, 0o700);
  return path.join(userDataDir, DB_FILE_NAME);
}
