// Participant commands for scripted use: import, list, enroll, visit done|missed|reschedule.
import fs from 'node:fs';
import type { ParticipantDetail, ParticipantSummary } from '../core/participants.js';
import { findParticipant } from '../db/participants.js';
import { apiCaller, whoIs, type Fail } from './api-call.js';
import type { AppBackend } from '../db/app.js';

export interface ParticipantFlags {
  readonly protocol?: string | undefined;
  readonly json: boolean;
  readonly by?: string | undefined;
  readonly 'study-id'?: string | undefined;
  readonly initials?: string | undefined;
  readonly sex?: string | undefined;
  readonly age?: string | undefined;
  readonly 'birth-date'?: string | undefined;
  readonly weight?: string | undefined;
  readonly consent?: string | undefined;
  readonly day1?: string | undefined;
  readonly arm?: string | undefined;
  readonly stratum?: string | undefined;
  readonly 'confirm-eligibility': boolean;
  readonly participant?: string | undefined;
  readonly visit?: string | undefined;
  readonly date?: string | undefined;
  readonly reason?: string | undefined;
  readonly lot?: string | undefined;
  readonly time?: string | undefined;
}


export function participantCommands(b: AppBackend, command: string, args: readonly string[], f: ParticipantFlags, fail: Fail): number {
  const call = apiCaller(b, fail);
  const by = whoIs(f.by);
  const need = (value: string | undefined, flag: string): string => value ?? fail(`${command} needs --${flag}`);
  const number = (value: string | undefined, flag: string): number | null => {
    if (value === undefined) return null;
    const n = Number(value);
    return Number.isFinite(n) ? n : fail(`--${flag} must be a number, not "${value}"`);
  };

  if (command === 'participants') {
    const [sub, ...rest] = args;
    if (sub === 'import') {
      if (rest.length !== 1) fail('participants import needs one CSV file, e.g. "participants import site.csv --protocol ucmsc-cirrhosis"');
      let csv: string;
      try {
        csv = fs.readFileSync(rest[0]!, 'utf8');
      } catch (e) {
        return fail(`Cannot read ${rest[0]}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
      }
      const r = call('importParticipants', { protocolId: need(f.protocol, 'protocol'), csv, by });
      console.log(`Imported ${r.imported} participant${r.imported === 1 ? '' : 's'} with ${r.visits} visits into ${f.protocol}.`);
      return 0;
    }
    if (sub === 'list') {
      const list = call('listParticipants', f.protocol ? { protocolId: f.protocol } : {});
      if (f.json) console.log(JSON.stringify(list, null, 2));
      else printList(list);
      return 0;
    }
    return fail(`Unknown participants command "${sub ?? ''}". Use import or list.`);
  }

  if (command === 'enroll') {
    if (!f['confirm-eligibility'])
      fail('enroll needs --confirm-eligibility: it records every inclusion criterion as met and every exclusion criterion as not met, by --by');
    const protocolId = need(f.protocol, 'protocol');
    // Screening, answers and enrollment are one transaction: a refusal leaves no half-screened participant behind.
    const enrolled = b.conn.write({ by, method: 'enroll (CLI)', at: new Date().toISOString() }, () => {
      const screened = call('screenParticipant', {
        protocolId,
        studyId: need(f['study-id'], 'study-id'),
        initials: need(f.initials, 'initials'),
        sex: need(f.sex, 'sex') as 'female',
        ageYears: number(f.age, 'age'),
        birthDate: f['birth-date'] ?? null,
        weightKg: number(f.weight, 'weight'),
        consentDate: need(f.consent, 'consent'),
        by,
      });
      const answered = call('answerEligibility', {
        participantId: screened.participant.id,
        by,
        answers: screened.eligibility.criteria.map((c) => ({ key: c.key, met: c.kind === 'inclusion' })),
      });
      return call('enrollParticipant', {
        participantId: answered.participant.id,
        day1: need(f.day1, 'day1'),
        by,
        ...(f.arm ? { armKey: f.arm } : {}),
        ...(f.stratum ? { stratum: f.stratum } : {}),
      });
    });
    printEnrolled(enrolled, f.json);
    return 0;
  }

  if (command === 'visit') {
    const [action] = args;
    const protocolId = need(f.protocol, 'protocol');
    const participantId = b.conn.read((db) => findParticipant(db, protocolId, need(f.participant, 'participant')));
    const detail = call('getParticipant', { participantId });
    const key = need(f.visit, 'visit');
    const visit = detail.visits.find((v) => v.key === key) ?? fail(`No visit "${key}" for ${detail.participant.studyId}; visits: ${detail.visits.map((v) => v.key).join(', ')}`);
    let after: ParticipantDetail;
    switch (action) {
      case 'done': {
        const date = need(f.date, 'date');
        after = call('markVisitDone', {
          visitId: visit.id,
          actualDate: date,
          by,
          ...(f.reason ? { reason: f.reason } : {}),
          ...(visit.kind === 'dose' ? { dose: { lotNumber: need(f.lot, 'lot'), givenAt: `${date}T${need(f.time, 'time')}`, weightKg: number(f.weight, 'weight') } } : {}),
        });
        break;
      }
      case 'missed':
        after = call('markVisitMissed', { visitId: visit.id, reason: need(f.reason, 'reason'), by });
        break;
      case 'reschedule':
        after = call('rescheduleVisit', { visitId: visit.id, newDate: need(f.date, 'date'), reason: need(f.reason, 'reason'), by });
        break;
      default:
        return fail(`Unknown visit action "${action ?? ''}". Use done, missed or reschedule.`);
    }
    printEnrolled(after, f.json);
    return 0;
  }
  return fail(`Unknown command "${command}".`);
}

function printList(list: readonly ParticipantSummary[]): void {
  const rows = list.map((p) => [p.protocolId, p.studyId, p.initials, p.status, p.assignment ?? '-', p.nextVisit ? `${p.nextVisit.date} ${p.nextVisit.label}` : '-']);
  const header = ['PROTOCOL', 'STUDY ID', 'INITIALS', 'STATUS', 'ARM/CODE', 'NEXT VISIT'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const r of [header, ...rows]) console.log(r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  '));
}

function printEnrolled(d: ParticipantDetail, json: boolean): void {
  if (json) {
    console.log(JSON.stringify(d, null, 2));
    return;
  }
  const a = d.assignment;
  console.log(`${d.participant.studyId} (${d.participant.protocolId}): ${d.participant.status}, ${a.armLabel ?? (a.code ? `blinded code ${a.code}` : 'no arm')}`);
  for (const v of d.visits)
    console.log(`  ${v.plannedDate}  day ${String(v.studyDay).padStart(4)}  ${v.status.padEnd(9)} ${v.label}${v.actualDate ? ` (done ${v.actualDate}${v.outOfWindow ? ', out of window' : ''})` : ''}`);
}
