// Inputs of the API methods for a site's closed days and participants' events (core/api.ts).
import { z } from 'zod';
import { IsoDateSchema, PlainTextSchema, ReasonSchema } from './vocabulary.js';

const Apply = z.boolean().default(false);

export const siteInputs = {
  setWorkingDays: z
    .object({ days: z.array(z.number().int().min(1).max(7)).min(1, 'choose at least one day the site is open').max(7), apply: Apply })
    .strict(),
  addHolidays: z
    .object({ holidays: z.array(z.object({ date: IsoDateSchema, label: PlainTextSchema(200) }).strict()).min(1, 'no holidays given').max(5000), apply: Apply })
    .strict(),
  removeHoliday: z.object({ date: IsoDateSchema, apply: Apply }).strict(),
  recordEvent: z
    .object({
      participantId: z.number().int().positive(),
      eventKey: z.string().trim().min(1, 'choose the event').max(60),
      date: IsoDateSchema,
      reason: ReasonSchema.optional(),
    })
    .strict(),
};
