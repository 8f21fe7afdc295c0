// The audit trail in sentences, as a coordinator or a monitor reads it: "ML recorded Study
// treatment 2 of 4 as done on 24 Nov 2026 (out of window: fever)". Each row of the trail is one
// change to one record; its sentence names the person, what they did, to what, and why, and the
// fields it changed are listed in words beside it. Dates are written by the caller's formatter.
import type { AuditEntry } from './participants.js';

const FIELD_WORDS: Record<string, string> = {
  status: 'Status',
  planned_date: 'Planned date',
  projected_date: 'Projected date',
  window_start: 'Window opens',
  window_end: 'Window closes',
  window_text: 'Window wording',
  window_stated: 'Window stated',
  actual_date: 'Date done',
  out_of_window: 'Out of window',
  rescheduled_date: 'Rescheduled to',
  reason: 'Reason',
  notes: 'Notes',
  label: 'Name',
  procedures: 'Procedures',
  procedures_done: 'Procedures done',
  done_by: 'Done by',
  given_at: 'Time given',
  lot_number: 'Lot number',
  weight_kg: 'Weight (kg)',
  dose_text: 'Dose',
  total_amount: 'Total',
  total_unit: 'Total unit',
  initials: 'Initials',
  sex: 'Sex',
  birth_date: 'Date of birth',
  age_years: 'Age (years)',
  consent_date: 'Consent date',
  day1: 'Study Day 1',
  arm_key: 'Arm',
  blinded_code: 'Blinded code',
  met: 'Met',
  withdrawn_on: 'Withdrawn on',
  withdrawal_reason: 'Withdrawal reason',
  screen_fail_reason: 'Screen-failure reason',
  protocol_version: 'Protocol version',
  meaning: 'Meaning',
  signer_name: 'Signed by',
};

/** Bookkeeping columns: who and when are in the sentence already; ids and positions say nothing. */
const QUIET = new Set(['id', 'participant_id', 'visit_id', 'updated_by', 'updated_at', 'created_at', 'created_by', 'recorded_by', 'recorded_at', 'answered_by', 'answered_at', 'position', 'settled_seq', 'study_day', 'anchor', 'series', 'dose_number', 'key', 'kind', 'enrolled_at', 'assigned_at', 'at', 'by_user', 'protocol_id', 'stratum', 'seq']);

const DATE_FIELDS = new Set(['planned_date', 'projected_date', 'window_start', 'window_end', 'actual_date', 'rescheduled_date', 'birth_date', 'consent_date', 'day1', 'withdrawn_on']);

export interface AuditWords {
  /** "24 Nov 2026" for "2026-11-24". */
  readonly date: (iso: string) => string;
}

type Changes = AuditEntry['changes'];
const after = (c: Changes, k: string) => c[k]?.[1];
const before = (c: Changes, k: string) => c[k]?.[0];
const has = (c: Changes, k: string) => k in c;

function value(field: string, v: unknown, w: AuditWords): string {
  if (v === null || v === undefined || v === '') return 'none';
  if (typeof v === 'string' && DATE_FIELDS.has(field) && /^\d{4}-\d{2}-\d{2}$/.test(v)) return w.date(v);
  if (field === 'given_at' && typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v)) return `${w.date(v.slice(0, 10))} ${v.slice(11, 16)}`;
  if (field === 'met') return v === 1 || v === true ? 'yes' : 'no';
  if (field === 'out_of_window' || field === 'window_stated') return v === 1 ? 'yes' : 'no';
  if ((field === 'procedures' || field === 'procedures_done') && typeof v === 'string') {
    try {
      const list = JSON.parse(v) as unknown;
      if (Array.isArray(list)) return list.length ? list.join(', ') : 'none';
    } catch {
      // not a list: as written
    }
  }
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
}

/** The fields a row changed, in words ("Lot number: L1 → L2"); bookkeeping left out. */
export function auditChanges(e: AuditEntry, w: AuditWords): string[] {
  return Object.entries(e.changes)
    .filter(([k]) => !QUIET.has(k))
    .map(([k, [was, now]]) => {
      const name = FIELD_WORDS[k] ?? k.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
      return e.action === 'insert' ? `${name}: ${value(k, now, w)}` : e.action === 'delete' ? `${name}: ${value(k, was, w)}` : `${name}: ${value(k, was, w)} → ${value(k, now, w)}`;
    });
}

const why = (e: AuditEntry) => (e.reason ? ` (${e.reason})` : '');

/** One row of the trail as a sentence. */
export function auditSentence(e: AuditEntry, w: AuditWords): string {
  const who = e.by;
  const what = e.subject ?? e.entity;
  const c = e.changes;
  switch (e.entity) {
    case 'visits': {
      if (e.action === 'insert') {
        const status = after(c, 'status');
        if (status === 'done') return `${who} recorded ${what} as done on ${value('actual_date', after(c, 'actual_date'), w)}${why(e)}`;
        return `${who} scheduled ${what} for ${value('planned_date', after(c, 'planned_date'), w)}`;
      }
      if (e.action === 'delete') return `${who} removed ${what}${why(e)}`;
      const status = after(c, 'status');
      if (status === 'done') {
        const late = after(c, 'out_of_window') === 1;
        return `${who} recorded ${what} as done on ${value('actual_date', after(c, 'actual_date'), w)}${late ? ` (out of window${e.reason ? `: ${e.reason}` : ''})` : why(e)}`;
      }
      if (status === 'missed') return `${who} recorded ${what} as missed${why(e)}`;
      if (status === 'cancelled') return `${who} cancelled ${what}${why(e)}`;
      if (status === 'planned') return `${who} put ${what} back to planned (it was ${String(before(c, 'status'))})${why(e)}`;
      if (has(c, 'actual_date')) return `${who} corrected the date of ${what}: ${value('actual_date', before(c, 'actual_date'), w)} → ${value('actual_date', after(c, 'actual_date'), w)}${why(e)}`;
      if (has(c, 'rescheduled_date') && after(c, 'rescheduled_date')) return `${who} rescheduled ${what} to ${value('rescheduled_date', after(c, 'rescheduled_date'), w)}${why(e)}`;
      if (has(c, 'notes') && Object.keys(c).every((k) => k === 'notes' || QUIET.has(k))) return `${who} ${after(c, 'notes') ? 'wrote the notes of' : 'cleared the notes of'} ${what}`;
      if (has(c, 'procedures_done')) return `${who} corrected the procedures done at ${what}${why(e)}`;
      if (has(c, 'planned_date')) return `${what} was re-planned for ${value('planned_date', after(c, 'planned_date'), w)} (was ${value('planned_date', before(c, 'planned_date'), w)}), after a change by ${who}`;
      if (has(c, 'label') || has(c, 'procedures') || has(c, 'window_stated') || has(c, 'window_text')) return `${what} took the amended protocol's wording, moved by ${who}`;
      return `${who} changed ${what}${why(e)}`;
    }
    case 'doses':
      if (e.action === 'insert') return `${who} recorded the dose of ${what}: lot ${value('lot_number', after(c, 'lot_number'), w)}, given ${value('given_at', after(c, 'given_at'), w)}`;
      if (e.action === 'delete') return `${who} removed the dose record of ${what} (the visit was put back to planned)${why(e)}`;
      return `${who} corrected the dose of ${what}${why(e)}`;
    case 'participants': {
      if (e.action === 'insert' && e.records) return `${who} imported ${what} with ${e.records.length === 1 ? 'one visit' : `${e.records.length} visits`}${why(e)}`;
      if (e.action === 'insert') return `${who} screened ${what}`;
      const status = after(c, 'status');
      if (status === 'enrolled' && before(c, 'status') === 'withdrawn') return `${who} reversed the withdrawal of ${what}${why(e)}`;
      if (status === 'enrolled') return `${who} enrolled ${what}${after(c, 'day1') ? ` with Study Day 1 on ${value('day1', after(c, 'day1'), w)}` : ''}`;
      if (status === 'screen-failed') return `${who} recorded ${what} as a screen failure${after(c, 'screen_fail_reason') ? ` (${String(after(c, 'screen_fail_reason'))})` : ''}`;
      if (status === 'withdrawn') return `${who} withdrew ${what}${after(c, 'withdrawal_reason') ? ` (${String(after(c, 'withdrawal_reason'))})` : ''}`;
      if (has(c, 'protocol_version')) return `${who} moved ${what} to protocol version ${String(after(c, 'protocol_version'))}`;
      const fields = auditChanges(e, w).map((l) => l.split(':')[0]!.toLowerCase());
      return `${who} corrected ${fields.length ? fields.join(', ') : 'the details'} of ${what}${why(e)}`;
    }
    case 'eligibility_answers':
      if (e.action === 'delete') return `${who} cleared the answer to ${what}`;
      return `${who} answered ${what}: ${after(c, 'met') === 1 ? 'met' : 'not met'}${e.action === 'update' ? ' (changed)' : ''}${why(e)}`;
    case 'eligibility_signatures':
      return `${who} signed the eligibility answers${after(c, 'meaning') ? `: ${String(after(c, 'meaning'))}` : ''}`;
    case 'unblindings':
      return `${who} unblinded ${what}${after(c, 'reason') ? `: ${String(after(c, 'reason'))}` : ''}`;
    case 'randomization_slots':
      return `${who} randomized ${what}${after(c, 'code') ? `: code ${String(after(c, 'code'))}` : ''}`;
    default:
      return `${who} ${e.action === 'insert' ? 'added' : e.action === 'delete' ? 'removed' : 'changed'} ${what}${why(e)}`;
  }
}
