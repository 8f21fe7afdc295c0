// The renderer's only door to the app: one invoke(method, input). Runs sandboxed, so it may
// import nothing but 'electron'.
import { contextBridge, ipcRenderer } from 'electron';

contextBridge.exposeInMainWorld('trialcoord', {
  invoke: (method: string, input: unknown): Promise<unknown> => ipcRenderer.invoke('api', method, input),
  onNavigate: (listener: (route: string) => void): void => {
    ipcRenderer.on('navigate', (_event, route: unknown) => {
      if (typeof route === 'string') listener(route);
    });
  },
});
