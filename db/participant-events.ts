// Events recorded for a participant (the date of surgery, of a transplant): the visits that count
// from one are placed when it is recorded, and re-planned when it is corrected.
import type { ParsedInput } from '../core/api.js';
import { AppError } from './errors.js';
import { participantRow, protocolFor, type Clock } from './rows.js';
import { statements } from './statements.js';
import type { WritableDB } from './types.js';
import { replan, resettle } from './visits.js';

const stmts = statements((db) => ({
  get: db.prepare('SELECT id, event_date FROM participant_events WHERE participant_id = ? AND event_key = ?'),
  insert: db.prepare('INSERT INTO participant_events (participant_id, event_key, event_date, recorded_by, recorded_at, reason) VALUES (?, ?, ?, ?, ?, ?)'),
  update: db.prepare('UPDATE participant_events SET event_date = ?, recorded_by = ?, recorded_at = ?, reason = ? WHERE id = ?'),
}));

/** Records (or corrects, with a reason) the date of one of the protocol's events for an enrolled participant. */
export function recordEvent(db: WritableDB, input: ParsedInput<'recordEvent'>, by: string, clock: Clock): void {
  const p = participantRow(db, input.participantId);
  if (p.status !== 'enrolled') throw new AppError('conflict', `${p.study_id} is ${p.status === 'withdrawn' ? 'withdrawn' : 'not enrolled'}: events can no longer be recorded.`);
  const protocol = protocolFor(db, p);
  const events = protocol.events ?? [];
  const event = events.find((e) => e.key === input.eventKey);
  if (!event)
    throw new AppError(
      'invalid_input',
      events.length === 0 ? `${protocol.title} has no events to record.` : `This protocol has no event “${input.eventKey}”. Its events: ${events.map((e) => `${e.label} (${e.key})`).join(', ')}.`,
    );
  if (p.consent_date && input.date < p.consent_date) throw new AppError('invalid_input', `The ${event.label.toLowerCase()} date ${input.date} is before consent (${p.consent_date}).`);
  const existing = stmts(db).get.get(p.id, event.key) as { id: number; event_date: string } | undefined;
  if (!existing) {
    stmts(db).insert.run(p.id, event.key, input.date, by, clock.now, input.reason ?? null);
    replan(db, p.id, clock);
    return;
  }
  if (existing.event_date === input.date) throw new AppError('conflict', `The ${event.label.toLowerCase()} date is already ${input.date}: nothing to correct.`);
  if (!input.reason) throw new AppError('invalid_input', `The ${event.label.toLowerCase()} date was recorded as ${existing.event_date}: give a reason for the correction.`);
  stmts(db).update.run(input.date, by, clock.now, input.reason, existing.id);
  // A correction: what was settled re-plans as if the corrected date had been recorded first.
  resettle(db, p.id, clock);
}
