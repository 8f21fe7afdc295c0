import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { isAppUrl } from '../electron/security.js';
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
    });
  });

  it('refuses new windows, navigation, webviews and permission requests; checks the IPC sender; one instance', () => {
    const { calls, text } = mainSource();
    expect(calls).toEqual(expect.arrayContaining(['win.webContents.setWindowOpenHandler', 'contents.setWindowOpenHandler', 'app.requestSingleInstanceLock']));
    expect(calls).toEqual(expect.arrayContaining(['session.defaultSession.setPermissionRequestHandler', 'session.defaultSession.setPermissionCheckHandler']));
    expect(text).toMatch(/setWindowOpenHandler\(\(\) => \(\{ action: 'deny' \}\)\)/);
    expect(text).toMatch(/on\('will-navigate', \(event, url\) => \{\s*if \(!isAppUrl\(url, rendererUrl\)\) event\.preventDefault\(\);/);
    expect(text).toMatch(/setPermissionRequestHandler\(\(_wc, _permission, callback\) => callback\(false\)\)/);
    expect(text).toMatch(/if \(!isAppUrl\(frameUrl, rendererUrl\) \|\| event\.sender !== mainWindow\?\.webContents\)/);
    const preload = fs.readFileSync(path.join(ROOT, 'electron/preload.ts'), 'utf8');
    expect(preload.match(/exposeInMainWorld/g)).toHaveLength(1);
  });

  it('accepts only the bundled page as the app', () => {
    const app = 'file:///opt/tc/resources/app.asar/dist/renderer/index.html';
    expect(isAppUrl(`${app}#/protocols/x`, app)).toBe(true);
    expect(isAppUrl('file:///etc/passwd', app)).toBe(false);
    expect(isAppUrl('https://example.org/dist/renderer/index.html', app)).toBe(false);
    expect(isAppUrl('not a url', app)).toBe(false);
  });

  it('has a menu with the usual accelerators', () => {
    const template = menuTemplate({ isMac: false, appName: 'Trial Coordinator', go: () => {}, backUpNow: () => {}, restore: () => {}, print: () => {}, saveAsPdf: () => {} });
    const roles = JSON.stringify(template);
    for (const role of ['quit', 'undo', 'copy', 'paste', 'reload', 'zoomIn', 'togglefullscreen']) expect(roles).toContain(`"${role}"`);
    expect(roles).toContain('CmdOrCtrl+1');
    expect(roles).toContain('Back Up Now');
    expect(roles).toContain('Restore…');
    expect(roles).toContain('Save as PDF…');
  });
});
