import { describe, expect, it } from 'vitest';
import { hardenedWebPreferences, isAppUrl } from '../electron/security.js';
import { menuTemplate } from '../electron/menu.js';

describe('Electron hardening', () => {
  it('sets every renderer setting DESIGN.md requires', () => {
    const prefs = hardenedWebPreferences('/app/preload.cjs');
    expect(prefs).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('accepts only the bundled page as the app', () => {
    const app = 'file:///opt/tc/resources/app.asar/dist/renderer/index.html';
    expect(isAppUrl(`${app}#/protocols/x`, app)).toBe(true);
    expect(isAppUrl('file:///etc/passwd', app)).toBe(false);
    expect(isAppUrl('https://example.org/dist/renderer/index.html', app)).toBe(false);
    expect(isAppUrl('not a url', app)).toBe(false);
  });

  it('has a menu with the usual accelerators', () => {
    const template = menuTemplate({ isMac: false, appName: 'Trial Coordinator', go: () => {}, backUpNow: () => {}, restore: () => {} });
    const roles = JSON.stringify(template);
    for (const role of ['quit', 'undo', 'copy', 'paste', 'reload', 'zoomIn', 'togglefullscreen']) expect(roles).toContain(`"${role}"`);
    expect(roles).toContain('CmdOrCtrl+1');
    expect(roles).toContain('Back Up Now');
    expect(roles).toContain('Restore…');
  });
});
