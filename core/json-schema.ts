import { z } from 'zod';
import { ProtocolSchema } from './protocol.js';

/** JSON Schema (draft 2020-12) of the protocol format, for editors and other tools. */
export function protocolJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(ProtocolSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
}
