import Database from 'better-sqlite3';
import { expect } from 'vitest';
import type { ParticipantDetail } from '../../core/participants.js';
import { openDatabase, type Connection } from '../../db/connection.js';
import { importSeedsOnFirstStart } from '../../db/seeds.js';
import { freshDb, SEEDS_DIR, serviceFor } from './db.js';

// The site the count tests (planned_counts, day_counts) run on: eight COVID-19 participants with
// infusions done on the day or two days late, four open-label cirrhosis ones, Day 1 in May 2025.
export const COUNTS_TODAY = '2025-06-20';

export function countedSite() {
  const { conn, file } = freshDb();
  importSeedsOnFirstStart(conn, SEEDS_DIR);
  const { ok, enroll } = serviceFor(conn, new Date(`${COUNTS_TODAY}T09:00:00`));
  const day = (d: number) => `2025-05-${String(d).padStart(2, '0')}`;
  const covid = ['study_id,initials,arm,day1,weight_kg,actual:infusion-1,actual:infusion-2'];
  for (let i = 1; i <= 8; i++) covid.push(`C-${i},AB,CODE${i},${day(i)},70,${day(i)},${i % 3 === 0 ? '' : day(i + 2)}`);
  ok('importParticipants', { protocolId: 'ucmsc-covid19', csv: covid.join('\n'), by: 'CO' });
  const cirrhosis = ['study_id,initials,arm,day1,weight_kg'];
  for (let i = 1; i <= 4; i++) cirrhosis.push(`B-${i},CD,${i % 2 ? 'low' : 'high'},${day(10 + i)},60`);
  ok('importParticipants', { protocolId: 'hucmsc-decompensated-cirrhosis', csv: cirrhosis.join('\n'), by: 'CO' });
  /** Screens a sepsis participant, answers every criterion as met and enrolls them on 2 June. */
  const enrollSepsis = (studyId: string) => {
    const s = ok<{ participant: { id: number }; eligibility: { criteria: { key: string; kind: string }[] } }>('screenParticipant', {
      protocolId: 'ucmsc-sepsis', studyId, initials: 'AB', ageYears: 40, sex: 'male', consentDate: '2025-06-01', by: 'CO',
    });
    ok('answerEligibility', { participantId: s.participant.id, by: 'CO', answers: s.eligibility.criteria.map((c) => ({ key: c.key, met: c.kind === 'inclusion' })) });
    return enroll({ participantId: s.participant.id, day1: '2025-06-02', by: 'CO' });
  };
  return { conn, file, ok, enrollSepsis };
}

/**
 * A count table as an upgrade builds it: the file's fresh count (`now`) is taken, the tables of
 * migrations from `version` + 1 on are dropped and the file set back to `version`, and it is
 * opened again (migrating). Returns the fresh count and the table as the upgrade wrote it.
 */
export function countedOnUpgrade(file: string, now: string, version: number, dropped: readonly string[], stored: string): { expected: unknown[]; upgraded: unknown[] } {
  const old = new Database(file);
  const expected = old.prepare(now).raw().all();
  old.exec(dropped.map((t) => `DROP TABLE ${t};`).join(' '));
  old.pragma(`user_version = ${version}`);
  old.close();
  const again = openDatabase(file);
  const upgraded = again.read((db) => db.prepare(stored).raw().all());
  again.close();
  return { expected, upgraded };
}

/** Checks a count table (`stored`, its rows with n <> 0 in key order) against a fresh count (`now`), naming the step. */
export function countsHold(conn: Connection, stored: string, now: string): { actual: () => unknown[]; holds: (step: string) => void } {
  const actual = () => conn.read((db) => db.prepare(now).raw().all());
  return { actual, holds: (step) => expect(conn.read((db) => db.prepare(stored).raw().all()), step).toEqual(actual()) };
}

type Ok = ReturnType<typeof countedSite>['ok'];

/**
 * Participant 1's visits through each settling, checking the counts after each: `done` (chosen
 * among the planned non-dose visits, on its date; what follows is re-planned from it), then the
 * next planned one missed, one rescheduled, one cancelled, and the done one undone.
 */
export function settleEach(ok: Ok, holds: (step: string) => void, done: { pick: (planned: ParticipantDetail['visits']) => ParticipantDetail['visits'][number]; actualDate: string; reason: string }): void {
  const planned = (p: ParticipantDetail) => p.visits.filter((v) => v.status === 'planned' && v.kind !== 'dose');
  let c1 = ok<ParticipantDetail>('getParticipant', { participantId: 1 });
  const first = done.pick(planned(c1));
  c1 = ok('markVisitDone', { visitId: first.id, actualDate: done.actualDate, reason: done.reason, by: 'CO' });
  holds('done');
  c1 = ok('markVisitMissed', { visitId: planned(c1)[0]!.id, reason: 'Unwell', by: 'CO' });
  holds('missed');
  c1 = ok('rescheduleVisit', { visitId: planned(c1)[0]!.id, newDate: '2025-06-25', reason: 'Asked to', by: 'CO' });
  holds('rescheduled');
  ok('cancelVisit', { visitId: planned(c1)[0]!.id, reason: 'Not needed', by: 'CO' });
  holds('cancelled');
  ok('undoVisit', { visitId: first.id, reason: 'Wrong participant', by: 'CO' });
  holds('undone');
}
