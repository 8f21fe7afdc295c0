// Electron main process: window, menu, IPC binding of the API contract, hardening. Thin on
// purpose; the app's behaviour lives in core/ and db/, shared with browser mode and the CLI.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, Menu, session } from 'electron';
import { openBackend, type AppBackend } from '../db/app.js';
import { resolveDatabaseFile } from '../db/paths.js';
import { backupNow, backupsDir, dailyBackup, restoreBackup, validateBackup } from '../db/backup.js';
import { dispatch } from '../db/service.js';
import { menuTemplate } from './menu.js';
import { isAppUrl } from './security.js';

const appRoot = path.resolve(__dirname, '..', '..');
const rendererIndex = path.join(appRoot, 'dist', 'renderer', 'index.html');
const rendererUrl = pathToFileURL(rendererIndex).href;
const seedsDir = path.join(appRoot, 'seeds');

let backend: AppBackend | null = null;
let mainWindow: BrowserWindow | null = null;

function dbFlag(argv: readonly string[]): string | undefined {
  const i = argv.indexOf('--db');
  return i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith('--db='))?.slice('--db='.length);
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
    },
  });
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.webContents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, rendererUrl)) event.preventDefault();
  });
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());
  win.once('ready-to-show', () => win.show());
  void win.loadFile(rendererIndex);
  return win;
}

function bindApi(handlers: AppBackend['handlers']): void {
  ipcMain.handle('api', (event, method: unknown, input: unknown) => {
    // Only our own page may call the API, never a frame or a page it was navigated to.
    const frameUrl = event.senderFrame?.url ?? '';
    if (!isAppUrl(frameUrl, rendererUrl) || event.sender !== mainWindow?.webContents) {
      return { ok: false, error: { code: 'unauthorized', message: 'Refused: not the app window.', details: [] } };
    }
    return dispatch(handlers, method, input);
  });
}

/** The page on screen (a participant's calendar, say) as a PDF, where the person chooses. */
async function saveAsPdf(): Promise<void> {
  if (!mainWindow) return;
  const target = await dialog.showSaveDialog(mainWindow, { title: 'Save as PDF', defaultPath: 'calendar.pdf', filters: [{ name: 'PDF', extensions: ['pdf'] }] });
  if (target.canceled || !target.filePath) return;
  try {
    const pdf = await mainWindow.webContents.printToPDF({ pageSize: 'A4', printBackground: true });
    await fs.promises.writeFile(target.filePath, pdf);
  } catch (e) {
    dialog.showErrorBox('The PDF could not be saved', e instanceof Error ? e.message : String(e));
  }
}

async function backUpNow(): Promise<void> {
  if (!backend) return;
  try {
    const file = await backupNow(backend.conn);
    await dialog.showMessageBox({ type: 'info', message: 'Backed up', detail: file });
  } catch (e) {
    dialog.showErrorBox('The backup failed', e instanceof Error ? e.message : String(e));
  }
}

/** Restore: pick a file, check it, close the database, swap the file (keeping the old one aside), restart. */
async function restoreFromFile(): Promise<void> {
  if (!backend) return;
  const picked = await dialog.showOpenDialog({ title: 'Restore a backup', defaultPath: backupsDir(backend.conn.file), filters: [{ name: 'Trial Coordinator database', extensions: ['sqlite'] }], properties: ['openFile'] });
  const file = picked.filePaths[0];
  if (picked.canceled || !file) return;
  try {
    validateBackup(file);
  } catch (e) {
    dialog.showErrorBox('This file cannot be restored', e instanceof Error ? e.message : String(e));
    return;
  }
  const answer = await dialog.showMessageBox({ type: 'warning', buttons: ['Restore and restart', 'Cancel'], defaultId: 1, cancelId: 1, message: 'Replace the current database with this backup?', detail: `${file}\n\nThe current database is kept aside, not deleted.` });
  if (answer.response !== 0) return;
  const dbFile = backend.conn.file;
  backend.conn.close();
  backend = null;
  try {
    restoreBackup(file, dbFile);
  } catch (e) {
    dialog.showErrorBox('The restore failed', e instanceof Error ? e.message : String(e));
  }
  app.relaunch();
  app.exit(0);
}

function restoreOnFailedStart(dbFile: string): void {
  const picked = dialog.showOpenDialogSync({ title: 'Restore a backup', defaultPath: backupsDir(dbFile), filters: [{ name: 'Trial Coordinator database', extensions: ['sqlite'] }], properties: ['openFile'] });
  const file = picked?.[0];
  if (!file) return;
  try {
    restoreBackup(file, dbFile);
    app.relaunch();
  } catch (e) {
    dialog.showErrorBox('The restore failed', e instanceof Error ? e.message : String(e));
  }
}

function start(): void {
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

  void app.whenReady().then(() => {
    session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
    session.defaultSession.setPermissionCheckHandler(() => false);
    try {
      backend = openBackend({
        dbFile: resolveDatabaseFile(dbFlag(process.argv), app.getPath('userData')),
        seedsDir,
        mode: 'electron',
        appVersion: app.getVersion(),
        open: process.env.TRIALCOORD_NATIVE_BINDING ? { nativeBinding: process.env.TRIALCOORD_NATIVE_BINDING } : {},
      });
    } catch (error) {
      // Nothing has been written to a damaged or newer-version file; offer to restore a backup.
      const dbFile = resolveDatabaseFile(dbFlag(process.argv), app.getPath('userData'));
      const choice = dialog.showMessageBoxSync({
        type: 'error',
        title: 'Trial Coordinator cannot open its database',
        message: 'Trial Coordinator cannot open its database',
        detail: error instanceof Error ? error.message : String(error),
        buttons: ['Restore a backup…', 'Quit'],
        defaultId: 0,
        cancelId: 1,
      });
      if (choice === 0) restoreOnFailedStart(dbFile);
      app.exit(1);
      return;
    }
    bindApi(backend.handlers);
    if (backend.auditProblem) dialog.showErrorBox('The audit trail does not verify', `${backend.auditProblem}. Keep this database for inspection.`);
    void dailyBackup(backend.conn).catch((e: unknown) => dialog.showErrorBox('The daily backup failed', String(e)));
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        menuTemplate({
          isMac: process.platform === 'darwin',
          appName: app.getName(),
          go: (route) => mainWindow?.webContents.send('navigate', route),
          backUpNow: () => void backUpNow(),
          restore: () => void restoreFromFile(),
          print: () => mainWindow?.webContents.print({ printBackground: true }),
          saveAsPdf: () => void saveAsPdf(),
        }),
      ),
    );
    mainWindow = createWindow();
    mainWindow.on('closed', () => (mainWindow = null));
  });

  app.on('window-all-closed', () => {
    backend?.conn.close();
    backend = null;
    app.quit();
  });
}

start();
