// Which URLs are our app, and how app:// maps to the built renderer's files.
import path from 'node:path';

/** Our page's origin: a standard, secure custom scheme (not file://). */
export const APP_ORIGIN = 'app://renderer';

/** The same policy as browser mode's server (cli/server.ts) and renderer/index.html. */
export const CSP = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

/** True only for our own page; anything else (navigation, frames, remote content, file://) is refused. */
export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'app:' && u.host === 'renderer' && (u.pathname === '/' || u.pathname === '/index.html');
  } catch {
    return false;
  }
}

/** The file an app:// URL names inside the renderer folder; null for anything outside it or malformed. */
export function rendererFile(url: string, rendererDir: string): string | null {
  try {
    const u = new URL(url);
    if (u.protocol !== 'app:' || u.host !== 'renderer') return null;
    const root = path.resolve(rendererDir);
    const file = path.resolve(root, '.' + decodeURIComponent(u.pathname === '/' ? '/index.html' : u.pathname));
    return file.startsWith(root + path.sep) ? file : null;
  } catch {
    return null;
  }
}
