// Participant commands for scripted use: participants import|list, enroll, visit
// done|missed|reschedule|correct|undo, participant correct, unblind.
import fs from 'node:fs';
import { Option, type Command } from 'commander-v14';
import { CORRECTABLE_FIELDS, type Caller, type CorrectableField } from '../core/api.js';
import type { ParticipantDetail, ParticipantSummary } from '../core/participants.js';
import { parseDecimal, PARTICIPANT_STATUS_WORDS } from '../core/vocabulary.js';
import { common, type Run } from './command.js';
import { fail, type Cli } from './context.js';
import { participantId } from './protocol-commands.js';
import { table } from './table.js';

/** --trial is the name; --protocol, its older name, is kept so that scripts keep working. */
export function trialOption(cmd: Command, required: boolean): Command {
  return cmd.option('--trial <id>', `the trial (protocol id)${required ? '' : '; all trials when left out'}`).addOption(new Option('--protocol <id>', 'the same as --trial').hideHelp());
}
export const trialOf = (o: { trial?: string; protocol?: string }): string | undefined => o.trial ?? o.protocol;
const needTrial = (o: { trial?: string; protocol?: string }, command: string): string => trialOf(o) ?? fail(`${command} needs --trial <protocol id>`);
const need = (value: string | undefined, flag: string, command: string): string => value ?? fail(`${command} needs --${flag}`);
const numberFlag = (value: string | undefined, flag: string): number | null => {
  if (value === undefined) return null;
  return parseDecimal(value) ?? fail(`--${flag} must be a number such as 72 or 72.5, not "${value}"`);
};

interface ParticipantFlags {
  trial?: string;
  protocol?: string;
  json?: boolean;
  studyId?: string;
  initials?: string;
  sex?: string;
  age?: string;
  birthDate?: string;
  weight?: string;
  consent?: string;
  day1?: string;
  arm?: string;
  stratum?: string;
  confirmEligibility?: boolean;
  participant?: string;
  visit?: string;
  date?: string;
  reason?: string;
  lot?: string;
  time?: string;
  field?: string;
  value?: string;
}

export function registerParticipantCommands(root: Command, run: Run): void {
  const participants = root.command('participants').description('participants: import and list');
  common(trialOption(participants.command('import').argument('<file.csv>').description('import already-enrolled participants from CSV'), true), true).action(
    run<ParticipantFlags>(async (cli, o, [file]) => {
      const protocolId = needTrial(o, 'participants import');
      let csv: string;
      try {
        csv = fs.readFileSync(file!, 'utf8');
      } catch (e) {
        return fail(`Cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
      }
      const r = cli.call('importParticipants', { protocolId, csv }, await cli.signIn());
      console.log(`Imported ${r.imported} participant${r.imported === 1 ? '' : 's'} with ${r.visits} visits into ${protocolId}.`);
      return 0;
    }),
  );
  common(trialOption(participants.command('list').description('participants, with their next visit').option('--json', 'an array of participant summaries'), false), false).action(
    run<ParticipantFlags>((cli, o) => {
      const trial = trialOf(o);
      const list = cli.read('listParticipants', trial ? { protocolId: trial } : {});
      if (o.json) console.log(JSON.stringify(list, null, 2));
      else printList(list);
      return 0;
    }),
  );

  common(
    trialOption(root.command('enroll').description('screen, confirm eligibility (signed by --by, an investigator) and enroll, in one transaction'), true)
      .option('--study-id <id>')
      .option('--initials <AB>')
      .option('--sex <sex>', 'female, male, other or unknown')
      .option('--age <years>')
      .option('--birth-date <date>')
      .option('--weight <kg>')
      .option('--consent <date>')
      .option('--day1 <date>', 'Study Day 1, the first dose')
      .option('--arm <key>', 'open-label trials: the arm, chosen by hand')
      .option('--stratum <name>')
      .option('--confirm-eligibility', 'record every inclusion criterion as met and every exclusion as not met, and sign that')
      .option('--json', 'the participant record'),
    true,
  ).action(run<ParticipantFlags>((cli, o) => enroll(cli, o)));

  const visit = root.command('visit').description('record and correct visits');
  const visitCommand = (name: string, description: string) =>
    common(trialOption(visit.command(name).description(description), true).option('--participant <study id>').option('--visit <key>').option('--json', 'the participant record'), true);
  visitCommand('done', 'a visit done (a dose with its lot and time)')
    .option('--date <date>')
    .option('--reason <text>', 'why, when out of window')
    .option('--lot <lot>')
    .option('--time <HH:MM>')
    .option('--weight <kg>')
    .action(run<ParticipantFlags>((cli, o) => recordVisit(cli, o, 'done')));
  visitCommand('missed', 'a visit missed').option('--reason <text>').action(run<ParticipantFlags>((cli, o) => recordVisit(cli, o, 'missed')));
  visitCommand('reschedule', 'a visit moved to a new date').option('--date <date>').option('--reason <text>').action(run<ParticipantFlags>((cli, o) => recordVisit(cli, o, 'reschedule')));
  visitCommand('correct', 'correct what was recorded at a done visit (date, lot, time, weight)')
    .option('--date <date>')
    .option('--lot <lot>')
    .option('--time <HH:MM>')
    .option('--weight <kg>')
    .option('--reason <text>')
    .action(run<ParticipantFlags>((cli, o) => recordVisit(cli, o, 'correct')));
  visitCommand('undo', 'put a visit done, missed or cancelled by mistake back to planned').option('--reason <text>').action(run<ParticipantFlags>((cli, o) => recordVisit(cli, o, 'undo')));

  const participant = root.command('participant').description("correct a participant's details");
  common(
    trialOption(participant.command('correct').description(`correct a detail: ${CORRECTABLE_FIELDS.join(', ')}`), true)
      .option('--participant <study id>')
      .option('--field <field>')
      .option('--value <value>', 'the corrected value (empty clears a date of birth, age or weight)')
      .option('--reason <text>')
      .option('--json', 'the participant record'),
    true,
  ).action(
    run<ParticipantFlags>(async (cli, o) => {
      const protocolId = needTrial(o, 'participant correct');
      const field = need(o.field, 'field', 'participant correct');
      if (!(CORRECTABLE_FIELDS as readonly string[]).includes(field)) return fail(`--field must be one of ${CORRECTABLE_FIELDS.join(', ')}, not "${field}"`);
      const id = participantId(cli, protocolId, need(o.participant, 'participant', 'participant correct'));
      const after = cli.call(
        'correctParticipant',
        { participantId: id, field: field as CorrectableField, value: need(o.value, 'value', 'participant correct'), reason: need(o.reason, 'reason', 'participant correct') },
        await cli.signIn(),
      );
      printParticipant(after, o.json ?? false);
      return 0;
    }),
  );

  common(trialOption(root.command('unblind').description('unblind a participant (role unblinded; signed with the passphrase); prints the arm'), true).option('--participant <study id>').option('--reason <text>'), true).action(
    run<ParticipantFlags>(async (cli, o) => {
      const protocolId = needTrial(o, 'unblind');
      const id = participantId(cli, protocolId, need(o.participant, 'participant', 'unblind'));
      const reason = need(o.reason, 'reason', 'unblind');
      const caller = await cli.signIn();
      // The passphrase given to sign in signs the unblinding too (an electronic signature).
      const after = cli.call('unblindParticipant', { participantId: id, reason, passphrase: cli.lastPassphrase ?? '' }, caller);
      console.log(`${after.participant.studyId} (${protocolId}): ${after.assignment.armLabel ?? '(arm not shown)'}`);
      return 0;
    }),
  );
}

async function enroll(cli: Cli, o: ParticipantFlags): Promise<number> {
  if (!o.confirmEligibility) return fail('enroll needs --confirm-eligibility: it records every inclusion criterion as met and every exclusion criterion as not met, signed by --by (an investigator)');
  const protocolId = needTrial(o, 'enroll');
  const caller = await cli.signIn();
  const input = {
    protocolId,
    studyId: need(o.studyId, 'study-id', 'enroll'),
    initials: need(o.initials, 'initials', 'enroll'),
    sex: need(o.sex, 'sex', 'enroll') as 'female',
    ageYears: o.age === undefined ? null : /^\d{1,3}$/.test(o.age) ? Number(o.age) : fail(`--age must be a whole number of years, not "${o.age}"`),
    birthDate: o.birthDate ?? null,
    weightKg: numberFlag(o.weight, 'weight'),
    consentDate: need(o.consent, 'consent', 'enroll'),
  };
  const day1 = need(o.day1, 'day1', 'enroll');
  // Screening, answers, the signature and enrollment are one transaction: a refusal leaves no half-screened participant behind.
  const enrolled = cli.inOneTransaction('enroll', caller, () => {
    const screened = cli.call('screenParticipant', input, caller);
    const id = screened.participant.id;
    cli.call('answerEligibility', { participantId: id, answers: screened.eligibility.criteria.map((c) => ({ key: c.key, met: c.kind === 'inclusion' })) }, caller);
    cli.call('confirmEligibility', { participantId: id, passphrase: cli.lastPassphrase ?? '' }, caller);
    return cli.call('enrollParticipant', { participantId: id, day1, ...(o.arm ? { armKey: o.arm } : {}), ...(o.stratum ? { stratum: o.stratum } : {}) }, caller);
  });
  printParticipant(enrolled, o.json ?? false);
  return 0;
}

async function recordVisit(cli: Cli, o: ParticipantFlags, action: 'done' | 'missed' | 'reschedule' | 'correct' | 'undo'): Promise<number> {
  const command = `visit ${action}`;
  const protocolId = needTrial(o, command);
  const id = participantId(cli, protocolId, need(o.participant, 'participant', command));
  const detail = cli.read('getParticipant', { participantId: id });
  const key = need(o.visit, 'visit', command);
  const visit = detail.visits.find((v) => v.key === key) ?? fail(`No visit "${key}" for ${detail.participant.studyId}; visits: ${detail.visits.map((v) => v.key).join(', ')}`);
  const caller: Caller = await cli.signIn();
  const reason = o.reason ? { reason: o.reason } : {};
  let after: ParticipantDetail;
  switch (action) {
    case 'done': {
      const date = need(o.date, 'date', command);
      const dose = visit.kind === 'dose' ? { dose: { lotNumber: need(o.lot, 'lot', command), givenAt: `${date}T${need(o.time, 'time', command)}`, weightKg: numberFlag(o.weight, 'weight') } } : {};
      after = cli.call('markVisitDone', { visitId: visit.id, actualDate: date, ...reason, ...dose }, caller);
      break;
    }
    case 'missed':
      after = cli.call('markVisitMissed', { visitId: visit.id, reason: need(o.reason, 'reason', command) }, caller);
      break;
    case 'reschedule':
      after = cli.call('rescheduleVisit', { visitId: visit.id, newDate: need(o.date, 'date', command), reason: need(o.reason, 'reason', command) }, caller);
      break;
    case 'correct': {
      const weight = numberFlag(o.weight, 'weight');
      after = cli.call(
        'correctVisit',
        {
          visitId: visit.id,
          reason: need(o.reason, 'reason', command),
          ...(o.date ? { actualDate: o.date } : {}),
          ...(o.lot ? { lotNumber: o.lot } : {}),
          ...(o.time ? { givenTime: o.time } : {}),
          ...(weight !== null ? { weightKg: weight } : {}),
        },
        caller,
      );
      break;
    }
    case 'undo':
      after = cli.call('undoVisit', { visitId: visit.id, reason: need(o.reason, 'reason', command) }, caller);
      break;
  }
  printParticipant(after, o.json ?? false);
  return 0;
}

function printList(list: readonly ParticipantSummary[]): void {
  table(
    ['PROTOCOL', 'STUDY ID', 'INITIALS', 'STATUS', 'ARM/CODE', 'NEXT VISIT'],
    list.map((p) => [p.protocolId, p.studyId, p.initials, p.status, p.assignment ?? '-', p.nextVisit ? `${p.nextVisit.date} ${p.nextVisit.label}` : '-']),
  );
}

export function printParticipant(d: ParticipantDetail, json: boolean): void {
  if (json) {
    console.log(JSON.stringify(d, null, 2));
    return;
  }
  const a = d.assignment;
  console.log(`${d.participant.studyId} (${d.participant.protocolId}): ${PARTICIPANT_STATUS_WORDS[d.participant.status].toLowerCase()}, ${a.armLabel ?? (a.code ? `blinded code ${a.code}` : 'no arm')}`);
  for (const v of d.visits)
    console.log(
      `  ${v.plannedDate}  day ${String(v.studyDay).padStart(4)}  ${v.status.padEnd(9)} ${v.label}${v.actualDate ? ` (done ${v.actualDate}${v.outOfWindow ? ', out of window' : ''})` : ''}` +
        `${v.movedFrom ? ` (moved from ${v.movedFrom}: site closed, ${v.movedBecause})` : ''}${v.closedDay ? ` (site closed: ${v.closedDay}, no open day in the window)` : ''}`,
    );
  for (const o of d.open) console.log(`  ${'-'.padEnd(10)}  ${''.padStart(8)}  ${'open'.padEnd(9)} ${o.label}: ${o.reason}`);
}
