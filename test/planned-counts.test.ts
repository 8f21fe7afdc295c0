import { describe, expect, it } from 'vitest';
import type { TrialCount, Worklists } from '../core/participants.js';
import { recountVisits } from '../db/visit-counts.js';
import { GLANCE_OVERDUE_SQL } from '../db/worklists.js';
import { COUNTS_TODAY, countedOnUpgrade, countedSite, countsHold, settleEach } from './helpers/counts.js';

// Each trial's overdue visits are counted at a glance from planned_counts: the planned visits of
// enrolled participants by trial and window end, kept by triggers as visits and participants
// change, written by the participant import itself, and recounted by the daily check.
const TODAY = COUNTS_TODAY;

const PLANNED_NOW = `SELECT p.protocol_id, v.window_end, count(*) FROM visits v JOIN participants p ON p.id = v.participant_id
  WHERE v.status = 'planned' AND p.status = 'enrolled' GROUP BY 1, 2 ORDER BY 1, 2`;

describe('planned visits counted by trial and window end', () => {
  it('follow every change to visits and participants, through the app and the import', () => {
    const { conn, ok, enrollSepsis } = countedSite();
    const { actual, holds } = countsHold(conn, 'SELECT protocol_id, window_end, n FROM planned_counts WHERE n <> 0 ORDER BY 1, 2', PLANNED_NOW);
    expect(actual().length).toBeGreaterThan(10);
    holds('imported');

    // Screened, then enrolled: its visits are written, then its status.
    const sepsis = enrollSepsis('S-1');
    holds('enrolled');
    // Done late: what follows is planned again from it, with new windows.
    settleEach(ok, holds, { pick: (planned) => planned[0]!, actualDate: '2025-06-12', reason: 'Came late' });
    ok('withdrawParticipant', { participantId: 2, date: '2025-06-19', reason: 'Moved away', by: 'CO' });
    ok('withdrawParticipant', { participantId: sepsis.participant.id, date: '2025-06-19', reason: 'Moved away', by: 'CO' });
    holds('withdrawn');
    ok('reverseWithdrawal', { participantId: 2, reason: 'Entered in error', by: 'CO' });
    holds('withdrawal reversed');

    // What the glance and the worklists count is what the overdue list holds.
    const lists = ok<Worklists>('worklists', { today: TODAY, limit: 1000 });
    expect(lists.overdue.length).toBeGreaterThan(0);
    expect(lists.totals.overdue).toBe(lists.overdue.length);
    for (const t of ok<TrialCount[]>('trialsAtAGlance', { today: TODAY })) expect(t.overdue, t.protocolId).toBe(lists.overdue.filter((r) => r.protocolId === t.protocolId).length);
    const one = ok<Worklists>('worklists', { today: TODAY, limit: 1000, protocolId: 'ucmsc-covid19' });
    expect(one.totals.overdue).toBe(lists.overdue.filter((r) => r.protocolId === 'ucmsc-covid19').length);
    // Read from the counts alone, not from each overdue visit.
    const plan = conn.read((db) => db.prepare(`EXPLAIN QUERY PLAN ${GLANCE_OVERDUE_SQL}`).all({ today: TODAY }) as { detail: string }[]).map((r) => r.detail);
    expect(plan.join('\n')).toMatch(/planned_counts/);
    expect(plan.join('\n')).not.toMatch(/\bvisits\b/);
    conn.close();
  });

  it('counts written wrong behind the app’s back are put right by the daily recount', () => {
    const { conn, ok } = countedSite();
    const glance = () => ok<TrialCount[]>('trialsAtAGlance', { today: TODAY }).find((t) => t.protocolId === 'ucmsc-covid19')!.overdue;
    const right = glance();
    expect(right).toBeGreaterThan(0);
    const ctx = { by: 'test', method: 'test', at: `${TODAY}T09:00:00Z` };
    conn.write(ctx, (db) => db.prepare("UPDATE planned_counts SET n = n + 5 WHERE protocol_id = 'ucmsc-covid19' AND window_end = (SELECT min(window_end) FROM planned_counts WHERE protocol_id = 'ucmsc-covid19' AND n > 0)").run());
    expect(glance()).toBe(right + 5);
    expect(conn.write(ctx, (db) => recountVisits(db))).toBe(true);
    expect(glance()).toBe(right);
    conn.write(ctx, (db) => db.prepare("DELETE FROM planned_counts WHERE protocol_id = 'ucmsc-covid19'").run());
    expect(glance()).toBe(0);
    expect(conn.write(ctx, (db) => recountVisits(db))).toBe(true);
    expect(glance()).toBe(right);
    expect(conn.write(ctx, (db) => recountVisits(db))).toBe(false);
    conn.close();
  });

  it('a file from before them is counted as it is upgraded (migration 14)', () => {
    const { conn, file, ok } = countedSite();
    ok('withdrawParticipant', { participantId: 2, date: '2025-06-19', reason: 'Moved away', by: 'CO' });
    conn.close();
    const { expected, upgraded } = countedOnUpgrade(file, PLANNED_NOW, 13, ['planned_counts', 'day_counts'], 'SELECT protocol_id, window_end, n FROM planned_counts ORDER BY 1, 2');
    expect(expected.length).toBeGreaterThan(10);
    expect(upgraded).toEqual(expected);
  });
});
