import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDraft, describePath, emptyArm, emptyProtocol, emptySeries, emptyVisit, keyFrom, previewProtocol } from '../core/protocol-form.js';
import { SEEDS_DIR } from './helpers/db.js';

describe('the editor’s checks', () => {
  it('an empty protocol lists what is missing in plain words, by field', () => {
    const { protocol, issues } = checkDraft(emptyProtocol());
    expect(protocol).toBeNull();
    expect(Object.fromEntries(issues)).toMatchObject({ id: expect.stringMatching(/lower-case/), title: 'Required.', summary: 'Required.', conditions: 'Add at least one.', interventions: 'Add at least one.', arms: 'Add at least one.' });
  });

  it('a seed passes unchanged, and a broken number is named at its field', () => {
    const seed = JSON.parse(fs.readFileSync(path.join(SEEDS_DIR, 'ucmsc-cirrhosis.json'), 'utf8')) as Record<string, unknown> & { arms: { dosing: { count: unknown }[]; visits: { offset: { value: unknown } }[] }[] };
    expect(checkDraft(seed).protocol).not.toBeNull();
    seed.arms[0]!.dosing[0]!.count = 0;
    seed.arms[0]!.visits[1]!.offset.value = null;
    const { issues } = checkDraft(seed);
    expect(issues.get('arms.0.dosing.0.count')).toBe('Must be more than 0.');
    expect(issues.get('arms.0.visits.1.offset.value')).toBe('Enter a number.');
    expect(describePath(['arms', 0, 'visits', 1, 'offset', 'value'], seed)).toBe('Arm 1 (Arm A: UC-MSC), Visit 2 (Week 24), offset, value');
  });

  it('previews one arm before the rest of the protocol is filled in, or says what the arm lacks', () => {
    const draft = emptyProtocol();
    expect(previewProtocol(draft, 0).problems).toEqual(['Add an arm to see its schedule.']);
    draft.interventions = [{ key: 'cells', type: 'BIOLOGICAL', name: 'Cells' }];
    draft.arms = [{ ...emptyArm(), key: 'a', label: 'A', description: 'A', interventions: ['cells'], dosing: [{ ...emptySeries(), key: 'dose', label: 'Dose', interventions: ['cells'] }], visits: [{ ...emptyVisit(), label: 'Week 1' }] }];
    expect(previewProtocol(draft, 0).problems).toEqual(['Arm 1 (A), Visit 1 (Week 1), key: must be lower-case letters, digits and hyphens, starting with a letter or digit']);
    (draft.arms as { visits: { key: string }[] }[])[0]!.visits[0]!.key = keyFrom('Week 1');
    const { protocol } = previewProtocol(draft, 0);
    expect(protocol?.arms[0]?.visits[0]?.key).toBe('week-1');
  });
});
