import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { isAppUrl, rendererFile } from '../electron/security.js';
import { menuTemplate } from '../electron/menu.js';
import { ROOT } from './helpers/db.js';

/** The literal webPreferences and the calls made in electron/main.ts, read with the TypeScript parser. */
function mainSource() {
  const text = fs.readFileSync(path.join(ROOT, 'electron/main.ts'), 'utf8');
  const file = ts.createSourceFile('main.ts', text, ts.ScriptTarget.Latest, true);
  const prefs: Record<string, string> = {};
  const calls: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isPropertyAssignment(node) && node.name.getText() === 'webPreferences' && ts.isObjectLiteralExpression(node.initializer))
      for (const p of node.initializer.properties) if (ts.isPropertyAssignment(p)) prefs[p.name.getText()] = p.initializer.getText();
    if (ts.isCallExpression(node)) calls.push(node.expression.getText());
    ts.forEachChild(node, visit);
  };
  visit(file);
  return { prefs, calls, text };
}

describe('Electron hardening', () => {
  it('sets every renderer setting DESIGN.md requires (read from electron/main.ts)', () => {
    const { prefs } = mainSource();
    expect(prefs).toMatchObject({
      contextIsolation: 'true',
      sandbox: 'true',
      nodeIntegration: 'false',
      nodeIntegrationInWorker: 'false',
      nodeIntegrationInSubFrames: 'false',
      webSecurity: 'true',
      allowRunningInsecureContent: 'false',
      webviewTag: 'false',
      devTools: '!app.isPackaged',
    });
  });

  it('refuses new windows, navigation, webviews and permission requests; checks the IPC sender; one instance', () => {
    const { calls, text } = mainSource();
    expect(calls).toEqual(expect.arrayContaining(['win.webContents.setWindowOpenHandler', 'contents.setWindowOpenHandler', 'app.requestSingleInstanceLock']));
    expect(calls).toEqual(
      expect.arrayContaining(['session.defaultSession.setPermissionRequestHandler', 'session.defaultSession.setPermissionCheckHandler', 'session.defaultSession.setDevicePermissionHandler']),
    );
    expect(text).toMatch(/setWindowOpenHandler\(\(\) => \(\{ action: 'deny' \}\)\)/);
    expect(text).toMatch(/on\('will-navigate', \(event, url\) => \{\s*if \(!isAppUrl\(url\)\) event\.preventDefault\(\);/);
    expect(text).toMatch(/setPermissionRequestHandler\(\(_wc, _permission, callback\) => callback\(false\)\)/);
    expect(text).toMatch(/setDevicePermissionHandler\(\(\) => false\)/);
    for (const device of ['select-hid-device', 'select-serial-port', 'select-usb-device']) expect(text).toContain(`session.defaultSession.on('${device}'`);
    // IPC only from the main frame of our own window, showing our own page.
    expect(text).toMatch(/event\.sender !== mainWindow\.webContents \|\| !frame \|\| frame !== mainWindow\.webContents\.mainFrame \|\| !isAppUrl\(frame\.url\)/);
    // The page comes from app://, not file://; no environment variable picks the native module of a packaged app.
    expect(text).toMatch(/loadURL\(rendererUrl\)/);
    expect(text).not.toMatch(/loadFile\(/);
    expect(text).toMatch(/nativeBinding: app\.isPackaged \? undefined : process\.env\.TRIALCOORD_NATIVE_BINDING/);
    const preload = fs.readFileSync(path.join(ROOT, 'electron/preload.ts'), 'utf8');
    expect(preload.match(/exposeInMainWorld/g)).toHaveLength(1);
  });

  it('accepts only the bundled page, served from app://, as the app; app:// reaches only the renderer folder', () => {
    expect(isAppUrl('app://renderer/index.html#/protocols/x')).toBe(true);
    expect(isAppUrl('file:///opt/tc/resources/app.asar/dist/renderer/index.html')).toBe(false);
    expect(isAppUrl('file:///etc/passwd')).toBe(false);
    expect(isAppUrl('app://other/index.html')).toBe(false);
    expect(isAppUrl('https://example.org/index.html')).toBe(false);
    expect(isAppUrl('not a url')).toBe(false);
    expect(rendererFile('app://renderer/assets/index.js', '/opt/tc/dist/renderer')).toBe('/opt/tc/dist/renderer/assets/index.js');
    expect(rendererFile('app://renderer/', '/opt/tc/dist/renderer')).toBe('/opt/tc/dist/renderer/index.html');
    // Dot segments are resolved by the URL itself, so they stay inside the folder; escapes that survive it are refused.
    for (const dots of ['app://renderer/../../etc/passwd', 'app://renderer/%2e%2e/%2e%2e/etc/passwd']) expect(rendererFile(dots, '/opt/tc/dist/renderer')).toBe('/opt/tc/dist/renderer/etc/passwd');
    for (const bad of ['app://renderer/..%2f..%2fetc/passwd', 'app://renderer/%c0', 'app://other/index.html', 'file:///etc/passwd'])
      expect(rendererFile(bad, '/opt/tc/dist/renderer'), bad).toBeNull();
  });

  it('has a menu with the usual accelerators; reload and the developer tools only in development', () => {
    const menu = (developer: boolean) => JSON.stringify(menuTemplate({ isMac: false, appName: 'Trial Coordinator', developer, go: () => {}, backUpNow: () => {}, restore: () => {}, print: () => {}, saveAsPdf: () => {} }));
    const roles = menu(true);
    for (const role of ['quit', 'undo', 'copy', 'paste', 'reload', 'toggleDevTools', 'zoomIn', 'togglefullscreen']) expect(roles).toContain(`"${role}"`);
    expect(menu(false)).not.toMatch(/"reload"|"toggleDevTools"|"forceReload"/);
    expect(roles).toContain('CmdOrCtrl+1');
    expect(roles).toContain('Back Up Now');
    expect(roles).toContain('Restore…');
    expect(roles).toContain('Save as PDF…');
  });
});
