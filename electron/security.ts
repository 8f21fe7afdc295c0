/** True only for our own bundled page; anything else (navigation, frames, remote content) is refused. */
export function isAppUrl(url: string, appIndexUrl: string): boolean {
  try {
    const u = new URL(url);
    const app = new URL(appIndexUrl);
    return u.protocol === 'file:' && u.pathname === app.pathname;
  } catch {
    return false;
  }
}
