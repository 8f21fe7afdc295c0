import * as m0001 from './0001-initial.js';
import * as m0002 from './0002-participants.js';
import * as m0003 from './0003-audit.js';
import * as m0004 from './0004-amendments.js';
import * as m0005 from './0005-speed.js';
import * as m0006 from './0006-calendar-counts.js';
import * as m0007 from './0007-count-triggers.js';
import * as m0008 from './0008-people.js';
import * as m0009 from './0009-corrections.js';
import * as m0010 from './0010-keyed-trail.js';
import * as m0011 from './0011-visit-done-by.js';
import * as m0012 from './0012-events-closures.js';
import * as m0013 from './0013-overdue-index.js';
import * as m0014 from './0014-planned-counts.js';
import * as m0015 from './0015-day-counts.js';

export type { Migration, MigrationContext } from './types.js';
import type { Migration } from './types.js';

// Append only. A shipped migration is never edited: a change is a new file with the next number.
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial', up: m0001.up },
  { version: 2, name: 'participants', up: m0002.up },
  { version: 3, name: 'audit', up: m0003.up },
  { version: 4, name: 'amendments', up: m0004.up },
  { version: 5, name: 'speed', up: m0005.up },
  { version: 6, name: 'calendar-counts', up: m0006.up },
  { version: 7, name: 'count-triggers', up: m0007.up },
  { version: 8, name: 'people', up: m0008.up },
  { version: 9, name: 'corrections', up: m0009.up },
  { version: 10, name: 'keyed-trail', up: m0010.up },
  { version: 11, name: 'visit-done-by', up: m0011.up },
  { version: 12, name: 'events-closures', up: m0012.up },
  { version: 13, name: 'overdue-index', up: m0013.up },
  { version: 14, name: 'planned-counts', up: m0014.up },
  { version: 15, name: 'day-counts', up: m0015.up },
];
