// Every test run keeps its sites' audit keys in a folder of its own, never the user's.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

process.env.TRIALCOORD_KEY_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), 'trialcoord-keys-'));
