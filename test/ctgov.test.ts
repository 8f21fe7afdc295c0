import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CtgovError, draftFromCtgov, parseAge, parseDosing, parseTimeFrame, splitEligibility, withVisits } from '../core/ctgov.js';
import { ProtocolSchema, type Protocol } from '../core/protocol.js';
import { importSeedsOnFirstStart } from '../db/seeds.js';
import { addTestPerson, dumpTables, freshDb, ROOT, SEEDS_DIR, serviceFor } from './helpers/db.js';

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'ctgov');
// A real registry record (results section and all), copied from the team's reference files.
const REAL = path.join(FIXTURES, 'NCT02513394.json');
const seed = (id: string): Protocol => ProtocolSchema.parse(JSON.parse(fs.readFileSync(path.join(SEEDS_DIR, `${id}.json`), 'utf8')));
const fixture = (id: string): unknown => JSON.parse(fs.readFileSync(path.join(FIXTURES, `${id}.json`), 'utf8'));
const SEED_IDS = ['ucmsc-covid19', 'msc-exo-covid19', 'ucmsc-sepsis', 'ucmsc-cirrhosis', 'hucmsc-decompensated-cirrhosis'];

const visitShape = (v: { key: string; anchor: unknown; offset: unknown; window: { before: unknown; after: unknown } | null }) => ({
  key: v.key,
  anchor: v.anchor,
  offset: v.offset,
  window: v.window ? { before: v.window.before, after: v.window.after } : null,
});

describe('ClinicalTrials.gov import of the seed trials’ records', () => {
  for (const id of SEED_IDS) {
    it(`${id}: arms, interventions, eligibility and proposed visits match the seed`, () => {
      const s = seed(id);
      const { protocol: p, warnings } = draftFromCtgov(fixture(id), { sourceDocument: `${id}.json` });
      expect(warnings).toEqual([]);
      expect(ProtocolSchema.safeParse(p).success).toBe(true);
      expect(p.title).toBe(s.title);
      expect(p.conditions).toEqual(s.conditions);
      if (s.identifiers.nctId) expect(p.identifiers.nctId).toBe(s.identifiers.nctId);
      expect(p.design.allocation).toBe(s.design.allocation);
      expect(p.design.masking).toBe(s.design.masking);
      expect(p.phases).toEqual(s.phases.length ? s.phases : ['NA']);
      // Arms: labels, types and the names of their interventions.
      const ivName = (proto: Protocol, key: string) => proto.interventions.find((i) => i.key === key)!.name;
      expect(p.arms.map((a) => [a.label, a.type, a.interventions.map((k) => ivName(p, k)).sort()])).toEqual(
        s.arms.map((a) => [a.label, a.type, a.interventions.map((k) => ivName(s, k)).sort()]),
      );
      // Dosing series read from the arm descriptions: count and interval as the seed has them.
      expect(p.arms.map((a) => a.dosing.map((d) => [d.count, d.interval, d.route]))).toEqual(s.arms.map((a) => a.dosing.map((d) => [d.count, d.interval, d.route])));
      // Eligibility: the same items, in order, with their groups; ages where the record states them.
      const items = (list: { text: string; group?: string | undefined }[]) => list.map((c) => [c.text, c.group ?? null]);
      expect(items(p.eligibility.inclusion)).toEqual(items(s.eligibility.inclusion));
      expect(items(p.eligibility.exclusion)).toEqual(items(s.eligibility.exclusion));
      expect(p.eligibility.maximumAge).toEqual(s.eligibility.maximumAge);
      // The sepsis record states no lower age limit (the seed writes it as 0 years).
      expect(p.eligibility.minimumAge).toEqual(id === 'ucmsc-sepsis' ? null : s.eligibility.minimumAge);
      // Proposed visits, accepted as they are, give each arm the seed's follow-up visits.
      for (const [i, arm] of p.arms.entries()) {
        expect(arm.visits.map(visitShape).sort((a, b) => a.key.localeCompare(b.key))).toEqual(s.arms[i]!.visits.map(visitShape).sort((a, b) => a.key.localeCompare(b.key)));
      }
    });
  }

  it('shows each proposal beside the time-frame text it came from, with the outcomes that share it', () => {
    const { proposals } = draftFromCtgov(fixture('ucmsc-covid19'), { sourceDocument: 'x.json' });
    expect(proposals.map((p) => [p.text, p.visits.map((v) => v.label), p.outcomes.length])).toEqual([
      ['Within 24 h and 1, 2, 4, 8 weeks after UC-MSC treatment', ['Within 24 h after treatment', '1 week after treatment', '2 weeks after treatment', '4 weeks after treatment', '8 weeks after treatment'], 4],
      ['28 days', ['Day 28'], 1],
    ]);
  });

  it('reads the real registry record with a results section and 28-day cycles', () => {
    const { protocol: p, proposals, dosing } = draftFromCtgov(JSON.parse(fs.readFileSync(REAL, 'utf8')), { sourceDocument: 'NCT02513394.json' });
    expect(p).toMatchObject({ id: 'nct02513394', identifiers: { nctId: 'NCT02513394' }, sponsor: 'Alliance Foundation Trials, LLC.', phases: ['PHASE3'], status: 'ACTIVE_NOT_RECRUITING' });
    expect(p.identifiers.other).toEqual(['AFT-05', 'ABCSG 42', 'BIG 14-03', '2014-005181-30']);
    expect(p.design).toMatchObject({ allocation: 'RANDOMIZED', masking: 'NONE', interventionModel: 'PARALLEL' });
    expect(p.enrollment).toEqual({ target: 5796, type: 'ACTUAL' });
    expect(p.arms.map((a) => [a.label, a.type, a.interventions])).toEqual([
      ['Arm A', 'EXPERIMENTAL', ['palbociclib', 'standard-adjuvant-endocrine-therapy']],
      ['Arm B', 'OTHER', ['standard-adjuvant-endocrine-therapy']],
    ]);
    // "125 mg orally once daily, Day 1 to Day 21 followed by 7 days off in a 28-day cycle for a total duration of 2 years"
    expect(p.arms[0]!.dosing[0]).toMatchObject({ key: 'cycle', label: '28-day cycle', count: 26, interval: { value: 28, unit: 'days' }, route: 'ORAL' });
    expect(dosing[0]!.text).toMatch(/28-day cycle/);
    expect(p.eligibility).toMatchObject({ sex: 'ALL', minimumAge: { value: 18, unit: 'years' }, maximumAge: null, healthyVolunteers: false });
    expect(p.eligibility.inclusion[0]!.text).toBe('Signed informed consent prior to study specific procedures.');
    expect(p.eligibility.inclusion.length).toBeGreaterThan(15);
    expect(p.eligibility.exclusion[0]!.text).toBe('Concurrent therapy with other Investigational Products.');
    expect(p.outcomes.map((o) => o.type)).toEqual(['PRIMARY', 'SECONDARY', 'SECONDARY', 'SECONDARY', 'SECONDARY']);
    expect(proposals).toHaveLength(1);
    expect(proposals[0]).toMatchObject({ text: '4 years', visits: [{ key: 'year-4', anchor: { type: 'firstDose' }, offset: { value: 4, unit: 'years' } }] });
    expect(proposals[0]!.outcomes).toHaveLength(5);
  });

  it('refuses a malformed record with a clear error and writes nothing', () => {
    const { conn } = freshDb();
    importSeedsOnFirstStart(conn, SEEDS_DIR);
    const { call } = serviceFor(conn);
    addTestPerson(conn, 'CO');
    const before = dumpTables(conn);
    const broken = fixture('ucmsc-sepsis') as { protocolSection: { armsInterventionsModule: { armGroups: unknown } } };
    broken.protocolSection.armsInterventionsModule.armGroups = 'two arms';
    const r = call('draftFromCtgov', { record: broken, fileName: 'broken.json' });
    expect(r.ok ? null : r.error).toMatchObject({
      code: 'invalid_input',
      message: 'This is not a study record the importer can read (1 problem): protocolSection.armsInterventionsModule.armGroups: Invalid input: expected array, received string',
    });
    // A single-group record with no arm groups listed: one arm with every intervention.
    const single = fixture('ucmsc-sepsis') as { protocolSection: { armsInterventionsModule: { armGroups?: unknown } } };
    delete single.protocolSection.armsInterventionsModule.armGroups;
    const one = call('draftFromCtgov', { record: single, fileName: 'single.json' });
    expect(one.ok ? (one.value as { protocol: { arms: { label: string }[] } }).protocol.arms.map((a) => a.label) : one.error.message).toEqual(['Study arm']);
    const notJsonRecord = call('draftFromCtgov', { record: { studies: [] }, fileName: 'search.json' });
    expect(notJsonRecord.ok ? null : notJsonRecord.error.message).toMatch(/^This is not a study record the importer can read \(1 problem\): protocolSection: /);
    const observational = fixture('ucmsc-sepsis') as { protocolSection: { designModule: { studyType: string } } };
    observational.protocolSection.designModule.studyType = 'OBSERVATIONAL';
    const o = call('draftFromCtgov', { record: observational, fileName: 'o.json' });
    expect(o.ok ? null : o.error.message).toBe('NCT06882811 is observational; only interventional studies have arms and doses to schedule.');
    expect(dumpTables(conn)).toEqual(before);
  });

  it('drafts a record of a stored trial as that protocol, so saving it makes a new version', () => {
    const { conn } = freshDb();
    importSeedsOnFirstStart(conn, SEEDS_DIR);
    const { ok } = serviceFor(conn);
    const draft = ok<{ protocol: Protocol }>('draftFromCtgov', { record: fixture('ucmsc-sepsis'), fileName: 'ucmsc-sepsis.json' });
    expect(draft.protocol.id).toBe('ucmsc-sepsis');
    expect(ok('importProtocol', { document: draft.protocol, asNewVersion: true, note: 'From the registry record', by: 'CO' })).toEqual({ id: 'ucmsc-sepsis', version: 2, outcome: 'new-version' });
  });

  it('keeps only the visits the coordinator accepts, changed as they changed them', () => {
    const { protocol, proposals } = draftFromCtgov(fixture('ucmsc-cirrhosis'), { sourceDocument: 'c.json' });
    const [upTo, weeks] = proposals;
    const accepted = [...weeks!.visits.filter((v) => v.key !== 'week-24'), { ...upTo!.visits[0]!, offset: { value: 60, unit: 'months' as const }, key: 'month-60', label: 'Month 60' }];
    const p = withVisits(protocol, accepted);
    expect(p.arms[0]!.visits.map((v) => `${v.key} ${v.offset.value} ${v.offset.unit}`)).toEqual(['week-12 12 weeks', 'week-48 48 weeks', 'month-60 60 months']);
  });
});

describe('time-frame texts', () => {
  const read = (t: string) => parseTimeFrame(t).visits.map((v) => `${v.key}:${v.anchor.type}${v.anchor.type === 'studyDay' ? v.anchor.day : ''}+${v.offset.value}${v.offset.unit[0]}${v.window ? ' w' : ''}`);
  it.each([
    ['Week 12, 24 and 48', ['week-12:firstDose+12w', 'week-24:firstDose+24w', 'week-48:firstDose+48w']],
    ['weeks 12, 24, 48', ['week-12:firstDose+12w', 'week-24:firstDose+24w', 'week-48:firstDose+48w']],
    ['28 days', ['day-28:studyDay28+0d']],
    ['Day 28', ['day-28:studyDay28+0d']],
    ['within 24 hours and 1, 2, 4, 8 weeks after treatment', ['post-24h:lastDose+24h w', 'post-w1:lastDose+1w', 'post-w2:lastDose+2w', 'post-w4:lastDose+4w', 'post-w8:lastDose+8w']],
    ['within 24h and 1, 2, 4, 8 weeks after UC-MSCs treatment', ['post-24h:lastDose+24h w', 'post-w1:lastDose+1w', 'post-w2:lastDose+2w', 'post-w4:lastDose+4w', 'post-w8:lastDose+8w']],
    ['up to 75 months', ['month-75:firstDose+75m']],
    ['Baseline and month 6', ['baseline:enrollment+0d', 'month-6:firstDose+6m']],
    ['4 years', ['year-4:firstDose+4y']],
    ['12-week', ['week-12:firstDose+12w']],
    ['6 months after randomization', ['rand-m6:randomization+6m']],
    ['Through study completion', []],
  ])('%s', (text, expected) => {
    expect(read(text)).toEqual(expected);
  });
  it('reads timings before and after surgery as visits counted from a surgery event where the treatment is not the operation', () => {
    const ctx = { surgeryIsTreatment: false };
    const pre = parseTimeFrame('within 7 days before surgery', ctx).visits;
    expect(pre).toEqual([
      { key: 'pre-surgery-d7', label: 'Within 7 days before surgery', kind: 'assessment', anchor: { type: 'event', event: 'surgery' }, offset: { value: -7, unit: 'days' }, window: { before: { value: 0, unit: 'days' }, after: { value: 7, unit: 'days' }, text: 'within 7 days before surgery' } },
    ]);
    expect(parseTimeFrame('1 and 3 months after surgery', ctx).visits.map((v) => [v.anchor, v.offset])).toEqual([
      [{ type: 'event', event: 'surgery' }, { value: 1, unit: 'months' }],
      [{ type: 'event', event: 'surgery' }, { value: 3, unit: 'months' }],
    ]);
    // Where the operation is the treatment, "after surgery" counts from it.
    expect(parseTimeFrame('1 and 3 months after surgery').visits.map((v) => v.anchor.type)).toEqual(['lastDose', 'lastDose']);
    // The draft gains the event, so the visits can be scheduled once its date is recorded.
    const record = fixture('ucmsc-sepsis') as { protocolSection: { outcomesModule: { primaryOutcomes: { measure: string; timeFrame: string }[] } } };
    record.protocolSection.outcomesModule.primaryOutcomes.push({ measure: 'Liver function', timeFrame: 'within 7 days before surgery and 1 month after surgery' });
    const draft = draftFromCtgov(record, { sourceDocument: 'x.json' });
    expect(draft.protocol.events).toEqual([{ key: 'surgery', label: 'Surgery' }]);
    expect(draft.protocol.arms[0]!.visits.filter((v) => v.anchor.type === 'event').map((v) => v.key)).toEqual(['pre-surgery-d7', 'surgery-m1']);
  });
  it('says where a loading dose and maintenance doses are read as one series', () => {
    const record = fixture('ucmsc-sepsis') as { protocolSection: { armsInterventionsModule: { armGroups: { description?: string }[] } } };
    record.protocolSection.armsInterventionsModule.armGroups[0]!.description = 'A loading dose of 600 mg, followed by 300 mg maintenance every 2 weeks';
    const draft = draftFromCtgov(record, { sourceDocument: 'x.json' });
    expect(draft.dosing[0]!.note).toMatch(/A loading dose then maintenance doses: read here as one series; make the maintenance a second series in the editor\.$/);
  });
  it('marks the last time point of an "up to" text as the end of the study', () => {
    expect(parseTimeFrame('up to 75 months').visits[0]!.kind).toBe('end-of-study');
    expect(parseTimeFrame('Through study completion').note).toMatch(/No time point found/);
  });
});

describe('arm descriptions, criteria and ages', () => {
  it.each([
    ['0.5*10E6 UC-MSCs/kg intravenously, 4 times every other day', { count: 4, interval: { value: 2, unit: 'days' }, route: 'INTRAVENOUS', kind: 'infusion' }],
    ['conserved treatment plus three times UC-MSC treatment at 4-week intervals', { count: 3, interval: { value: 4, unit: 'weeks' }, route: null, kind: 'dose' }],
    ['two infusions every 3 weeks', { count: 2, interval: { value: 3, unit: 'weeks' }, route: 'INTRAVENOUS', kind: 'infusion' }],
    ['a single aerosol inhalation', { count: 1, interval: null, route: 'INHALATION', kind: 'inhalation' }],
    ['Pregabalin 75 mg per oral two times a day', { count: null, interval: null, route: 'ORAL', kind: 'dose' }],
    ['2.670 g/day for 14 days', { count: 14, interval: { value: 1, unit: 'days' }, route: null, kind: 'dose' }],
    ['three injections spaced 2 weeks apart', { count: 3, interval: { value: 2, unit: 'weeks' }, route: null, kind: 'dose' }],
    ['125 mg orally once daily, Day 1 to Day 21 followed by 7 days off treatment in a 28-day cycle for a total duration of 2 years', { count: 26, interval: { value: 28, unit: 'days' }, route: 'ORAL', kind: 'cycle' }],
  ])('%s', (text, expected) => {
    expect(parseDosing(text)).toEqual(expected);
  });
  it('splits criteria into inclusion and exclusion, grouping an indented list under its heading', () => {
    expect(splitEligibility('Inclusion Criteria:\n\n* A\n* B:\n  * B1\n  * B2\n* C\n\nExclusion Criteria:\n\n1. X\n2. Y:\nZ')).toEqual({
      inclusion: [{ text: 'A' }, { text: 'B1', group: 'B' }, { text: 'B2', group: 'B' }, { text: 'C' }],
      exclusion: [{ text: 'X' }, { text: 'Y:' }, { text: 'Z' }],
    });
  });
  it('reads ages as the registry writes them', () => {
    expect(parseAge('18 Years')).toEqual({ value: 18, unit: 'years' });
    expect(parseAge('6 Months')).toEqual({ value: 6, unit: 'months' });
    expect(parseAge('1 Day')).toEqual({ value: 1, unit: 'days' });
    expect(parseAge('N/A')).toBeNull();
    expect(parseAge(undefined)).toBeNull();
  });
  it('throws CtgovError, never a crash, on any shape of input', () => {
    for (const input of [null, 42, 'text', [], {}, { protocolSection: null }, { protocolSection: { identificationModule: { nctId: 'X' } } }])
      expect(() => draftFromCtgov(input, { sourceDocument: 'x' })).toThrow(CtgovError);
  });
});
