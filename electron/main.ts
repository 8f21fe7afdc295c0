// Electron main process: window, menu, printing, native dialogs, one instance, hardening, and the
// relay to the backend utility process (electron/backend.ts), which runs the SQL. Thin on
// purpose: the app's behaviour lives in core/ and db/, shared with browser mode and the CLI.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, Menu, net, protocol, safeStorage, session, utilityProcess, type UtilityProcess } from 'electron';
import type { HostKeys } from '../db/backend/host.js';
import { defaultKeyDir } from '../db/keys.js';
import { resolveDatabaseFile } from '../db/paths.js';
import type { FromBackend, ToBackend } from './backend-messages.js';
import { sealedKeys } from './keys.js';
import { menuTemplate } from './menu.js';
import { APP_ORIGIN, CSP, isAppUrl, rendererFile } from './security.js';

const appRoot = path.resolve(__dirname, '..', '..');
const rendererDir = path.join(appRoot, 'dist', 'renderer');
const seedsDir = path.join(appRoot, 'seeds');
const rendererUrl = `${APP_ORIGIN}/index.html`;

// Our page is served from app://renderer, a standard, secure scheme: not file://, so that no
// other file on disk is reachable from it, and with the same CSP as browser mode.
protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

let backend: UtilityProcess | null = null;
let mainWindow: BrowserWindow | null = null;
let windowSession = '';
let nextId = 1;
const pending = new Map<number, (m: FromBackend) => void>();

function dbFlag(argv: readonly string[]): string | undefined {
  const i = argv.indexOf('--db');
  return i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith('--db='))?.slice('--db='.length);
}

function ask(m: ToBackend & { id: number }): Promise<FromBackend> {
  return new Promise((resolve) => {
    pending.set(m.id, resolve);
    backend?.postMessage(m);
  });
}

/** Calls the API for the person signed in on the window's session, through the backend. */
async function callApi(method: string, input: unknown) {
  const reply = await ask({ type: 'call', id: nextId++, session: windowSession, method, input });
  return reply.type === 'result' ? reply.result : { ok: false as const, error: { code: 'internal' as const, message: 'The backend did not answer.', details: [] } };
}

/** The backend asks for a site's key; the keychain is here. */
async function answerKey(keys: HostKeys, m: Extract<FromBackend, { type: 'key' }>): Promise<void> {
  try {
    const key = m.op === 'load' ? await keys.load(m.siteId) : await keys.create(m.siteId);
    backend?.postMessage({ type: 'key-answer', id: m.id, key: key ? key.toString('base64') : null, error: null } satisfies ToBackend);
  } catch (e) {
    backend?.postMessage({ type: 'key-answer', id: m.id, key: null, error: e instanceof Error ? e.message : String(e) } satisfies ToBackend);
  }
}

async function startBackendProcess(dbFile: string): Promise<void> {
  // Each site's audit key, sealed with this computer's keychain (electron/keys.ts).
  const keys = await sealedKeys(defaultKeyDir(), {
    available: async () => (await safeStorage.isAsyncEncryptionAvailable()) && (process.platform !== 'linux' || safeStorage.getSelectedStorageBackend() !== 'basic_text'),
    seal: (text) => safeStorage.encryptStringAsync(text),
    open: async (sealed) => (await safeStorage.decryptStringAsync(sealed)).result,
  });
  backend = utilityProcess.fork(path.join(__dirname, 'backend.cjs'), [], { serviceName: 'Trial Coordinator backend' });
  return new Promise((resolve, reject) => {
    backend!.on('message', (m: FromBackend) => {
      if (m.type === 'key') void answerKey(keys, m);
      else if (m.type === 'ready') resolve();
      else if (m.type === 'fatal') reject(new Error(m.message));
      else if (m.type === 'checked' && !m.ok) dialog.showErrorBox('The database check found a problem', `${m.problem ?? 'unknown'}\n\nNothing will be written. Restore a backup (File → Restore…) and keep this file for inspection.`);
      else if ('id' in m) {
        pending.get(m.id)?.(m);
        pending.delete(m.id);
      }
    });
    backend!.once('exit', (code) => {
      if (code !== 0) reject(new Error(`The backend stopped (exit ${code}).`));
    });
    backend!.postMessage({
      type: 'start',
      config: {
        dbFile,
        seedsDir,
        appVersion: app.getVersion(),
        workerScript: path.join(__dirname, 'backend-worker.cjs'),
        keysWhere: keys.where,
        // Development only: a packaged app loads the native module it was built with, whatever the environment says.
        nativeBinding: app.isPackaged ? undefined : process.env.TRIALCOORD_NATIVE_BINDING,
      },
    } satisfies ToBackend);
  });
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 860,
    minWidth: 800,
    minHeight: 560,
    title: 'Trial Coordinator',
    show: false,
    // Written out here, not built elsewhere, so that electronegativity (npm test) can read them;
    // test/electron-security.test.ts asserts each one from this source.
    webPreferences: {
      preload: path.join(__dirname, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      disableBlinkFeatures: 'Auxclick',
      spellcheck: false,
      devTools: !app.isPackaged,
    },
  });
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.webContents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  win.webContents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());
  win.once('ready-to-show', () => win.show());
  void win.loadURL(rendererUrl);
  return win;
}

function bindApi(): void {
  ipcMain.handle('api', (event, method: unknown, input: unknown) => {
    // Only our own page, in the main frame of our window, may call the API: never a frame, nor a page it was navigated to.
    const frame = event.senderFrame;
    if (!mainWindow || event.sender !== mainWindow.webContents || !frame || frame !== mainWindow.webContents.mainFrame || !isAppUrl(frame.url)) {
      return { ok: false, error: { code: 'unauthorized', message: 'Refused: not the app window.', details: [] } };
    }
    return callApi(typeof method === 'string' ? method : '', input);
  });
}

/** The page on screen (a participant's calendar, say) as a PDF, on the paper chosen on the page. */
async function saveAsPdf(): Promise<void> {
  if (!mainWindow) return;
  const target = await dialog.showSaveDialog(mainWindow, { title: 'Save as PDF', defaultPath: 'calendar.pdf', filters: [{ name: 'PDF', extensions: ['pdf'] }] });
  if (target.canceled || !target.filePath) return;
  try {
    const paper = /[?&]paper=letter\b/.test(mainWindow.webContents.getURL()) ? 'Letter' : 'A4';
    const pdf = await mainWindow.webContents.printToPDF({ pageSize: paper, printBackground: true });
    await fs.promises.writeFile(target.filePath, pdf, { mode: 0o600 });
  } catch (e) {
    dialog.showErrorBox('The PDF could not be saved', e instanceof Error ? e.message : String(e));
  }
}

async function backUpNow(): Promise<void> {
  const r = await callApi('backupNow', {});
  if (r.ok) await dialog.showMessageBox({ type: 'info', message: 'Backed up', detail: (r.value as { file: string }).file });
  else dialog.showErrorBox('The backup was not made', r.error.message);
}

/** Restore: pick a file; the backend checks it, swaps it in (keeping the current file aside) and starts again. */
async function restoreFromFile(dbFile: string): Promise<void> {
  const picked = await dialog.showOpenDialog({ title: 'Restore a backup', defaultPath: path.join(path.dirname(dbFile), 'backups'), filters: [{ name: 'Trial Coordinator database', extensions: ['sqlite'] }], properties: ['openFile'] });
  const file = picked.filePaths[0];
  if (picked.canceled || !file) return;
  const answer = await dialog.showMessageBox({ type: 'warning', buttons: ['Restore', 'Cancel'], defaultId: 1, cancelId: 1, message: 'Replace the current database with this backup?', detail: `${file}\n\nThe current database is kept aside, not deleted.` });
  if (answer.response !== 0) return;
  const r = await callApi('restoreBackup', { file });
  if (r.ok) await dialog.showMessageBox({ type: 'info', message: 'Restored', detail: `The previous database was kept as ${(r.value as { keptAside: string | null }).keptAside ?? '(none)'}.` });
  else dialog.showErrorBox('The backup was not restored', r.error.message);
  mainWindow?.webContents.reload();
}

function start(): void {
  // Files this process writes (PDFs, the data folder) are the user's alone.
  process.umask(0o077);
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  app.on('second-instance', () => {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    }
  });
  app.on('web-contents-created', (_e, contents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });

  void app.whenReady().then(async () => {
    session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
    session.defaultSession.setPermissionCheckHandler(() => false);
    session.defaultSession.setDevicePermissionHandler(() => false);
    session.defaultSession.on('select-hid-device', (event, _details, callback) => {
      event.preventDefault();
      callback();
    });
    session.defaultSession.on('select-serial-port', (event, _ports, _wc, callback) => {
      event.preventDefault();
      callback('');
    });
    session.defaultSession.on('select-usb-device', (event, _details, callback) => {
      event.preventDefault();
      callback();
    });
    protocol.handle('app', (request) => {
      const file = rendererFile(request.url, rendererDir);
      if (!file) return new Response('Not found', { status: 404 });
      return net.fetch(pathToFileURL(file).href).then((r) => new Response(r.body, { status: r.status, headers: { 'Content-Type': r.headers.get('Content-Type') ?? 'application/octet-stream', 'Content-Security-Policy': CSP } }));
    });
    const dbFile = resolveDatabaseFile(dbFlag(process.argv), app.getPath('userData'));
    try {
      await startBackendProcess(dbFile);
    } catch (error) {
      // Nothing has been written to a damaged or newer-version file.
      dialog.showErrorBox('Trial Coordinator cannot open its database', `${error instanceof Error ? error.message : String(error)}\n\nRestore a backup from the "backups" folder beside the database with "trialcoord restore".`);
      app.exit(1);
      return;
    }
    const reply = await ask({ type: 'new-session', id: nextId++ });
    windowSession = reply.type === 'session' ? reply.session : crypto.randomBytes(16).toString('hex');
    bindApi();
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        menuTemplate({
          isMac: process.platform === 'darwin',
          appName: app.getName(),
          developer: !app.isPackaged,
          go: (route) => mainWindow?.webContents.send('navigate', route),
          backUpNow: () => void backUpNow(),
          restore: () => void restoreFromFile(dbFile),
          print: () => mainWindow?.webContents.print({ printBackground: true }),
          saveAsPdf: () => void saveAsPdf(),
        }),
      ),
    );
    mainWindow = createWindow();
    mainWindow.on('closed', () => (mainWindow = null));
  });

  app.on('window-all-closed', () => {
    if (backend) backend.postMessage({ type: 'close' } satisfies ToBackend);
    setTimeout(() => app.quit(), 200);
  });
}

start();
