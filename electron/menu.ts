import type { MenuItemConstructorOptions } from 'electron';

/** The application menu: the usual roles and accelerators, plus the app's own places. */
export function menuTemplate(opts: {
  isMac: boolean;
  appName: string;
  /** Development only: reload and the developer tools. A packaged app has neither. */
  developer: boolean;
  go: (route: string) => void;
  backUpNow: () => void;
  restore: () => void;
  print: () => void;
  saveAsPdf: () => void;
}): MenuItemConstructorOptions[] {
  const { isMac, appName, go } = opts;
  return [
    ...(isMac
      ? [{ label: appName, submenu: [{ role: 'about' }, { type: 'separator' }, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' }, { role: 'quit' }] } as MenuItemConstructorOptions]
      : []),
    {
      label: '&File',
      submenu: [
        { label: 'Print…', accelerator: 'CmdOrCtrl+P', click: opts.print },
        { label: 'Save as PDF…', accelerator: 'CmdOrCtrl+Shift+P', click: opts.saveAsPdf },
        { type: 'separator' },
        { label: 'Back Up Now', accelerator: 'CmdOrCtrl+Shift+B', click: opts.backUpNow },
        { label: 'Restore…', click: opts.restore },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    {
      label: '&Edit',
      submenu: [{ role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }],
    },
    {
      label: '&View',
      submenu: [
        { label: 'Worklists', accelerator: 'CmdOrCtrl+1', click: () => go('/worklists') },
        { label: 'Calendar', accelerator: 'CmdOrCtrl+5', click: () => go('/calendar') },
        { label: 'Participants', accelerator: 'CmdOrCtrl+2', click: () => go('/participants') },
        { label: 'Protocols', accelerator: 'CmdOrCtrl+3', click: () => go('/protocols') },
        { label: 'Exports', accelerator: 'CmdOrCtrl+4', click: () => go('/exports') },
        { type: 'separator' },
        ...(opts.developer ? ([{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }] as MenuItemConstructorOptions[]) : []),
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { label: '&Window', submenu: [{ role: 'minimize' }, ...(isMac ? [{ role: 'zoom' } as MenuItemConstructorOptions] : [{ role: 'close' } as MenuItemConstructorOptions])] },
    { role: 'help', submenu: [{ role: 'about' as const, label: `About ${appName}` }] },
  ];
}
