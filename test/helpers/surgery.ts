// A protocol with an event: the COVID-19 seed with a pre-operative visit 7 days before surgery
// (window ±2 days) and a visit the day after (no window).
import fs from 'node:fs';
import path from 'node:path';
import type { Protocol } from '../../core/protocol.js';
import { SEEDS_DIR } from './db.js';

export function surgeryProtocol(): Protocol {
  const p = JSON.parse(fs.readFileSync(path.join(SEEDS_DIR, 'ucmsc-covid19.json'), 'utf8')) as Protocol;
  p.id = 'msc-surgery';
  p.title = 'UC-MSC before and after liver resection';
  p.identifiers = { nctId: null, other: [] };
  p.events = [{ key: 'surgery', label: 'Surgery' }];
  for (const arm of p.arms) {
    arm.visits.push(
      { key: 'pre-op', label: 'Pre-operative assessment', kind: 'assessment', anchor: { type: 'event', event: 'surgery' }, offset: { value: -7, unit: 'days' }, window: { before: { value: 2, unit: 'days' }, after: { value: 2, unit: 'days' } }, procedures: ['Blood count'] },
      { key: 'post-op', label: 'Day 1 after surgery', kind: 'follow-up', anchor: { type: 'event', event: 'surgery' }, offset: { value: 1, unit: 'days' }, window: null, procedures: [] },
    );
  }
  return p;
}

