// Writes seeds/protocol.schema.json from the zod definition. `npm run schema` after changing
// core/protocol.ts; a test fails while the committed file is stale.
import fs from 'node:fs';
import { protocolJsonSchema } from '../core/json-schema.js';

fs.writeFileSync('seeds/protocol.schema.json', JSON.stringify(protocolJsonSchema(), null, 2) + '\n');
console.log('Wrote seeds/protocol.schema.json');
