#!/usr/bin/env node
// The `trialcoord` command: the built CLI (npm run build makes dist/cli/main.mjs). From a
// checkout without a build, `npm run cli -- …` runs the TypeScript source instead.
import fs from 'node:fs';

const built = new URL('../dist/cli/main.mjs', import.meta.url);
if (!fs.existsSync(built)) {
  console.error('error: Trial Coordinator is not built yet: run "npm run build" (or use "npm run cli -- …" from a checkout).');
  process.exit(2);
}
await import(built.href);
