import { installedElectron } from '../scripts/electron-runtime.mjs';

// Said once per run, not once per worker.
export default function globalSetup(): void {
  if (!installedElectron()) console.log('Electron e2e skipped: the Electron runtime binary is not installed on this machine.');
}
