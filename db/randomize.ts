import crypto from 'node:crypto';
import { allocationRatio, type Protocol } from '../core/protocol.js';
import { generateSlots, type ListSpec, type Slot } from '../core/randomization.js';
import { AppError } from './errors.js';
import type { WritableDB } from './types.js';

const FIRST_LIST_SIZE = 64;
const MAX_MULTIPLIER = 2;

interface ListRow {
  seed: number;
  arms: string;
  ratio: string;
  max_multiplier: number;
}

/**
 * Takes the next free slot of the protocol's list for this stratum and gives it to the
 * participant. The list is created on first use with a random seed that is stored, so it can be
 * regenerated and checked; the ratio comes from the arms' target sizes (135/45 → 3:1), or is
 * equal where sizes are not stated.
 */
export function assignFromList(db: WritableDB, protocol: Protocol, participantId: number, stratum: string, now: string): Slot {
  let list = db.prepare('SELECT seed, arms, ratio, max_multiplier FROM randomization_lists WHERE protocol_id = ? AND stratum = ?').get(protocol.id, stratum) as ListRow | undefined;
  if (!list) {
    const ratio = allocationRatio(protocol.arms) ?? protocol.arms.map(() => 1);
    list = { seed: crypto.randomInt(0, 2 ** 31), arms: JSON.stringify(protocol.arms.map((a) => a.key)), ratio: JSON.stringify(ratio), max_multiplier: MAX_MULTIPLIER };
    db.prepare('INSERT INTO randomization_lists (protocol_id, stratum, seed, arms, ratio, max_multiplier, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
      protocol.id,
      stratum,
      list.seed,
      list.arms,
      list.ratio,
      list.max_multiplier,
      now,
    );
  }
  const spec: ListSpec = { seed: list.seed, arms: JSON.parse(list.arms) as string[], ratio: JSON.parse(list.ratio) as number[], maxMultiplier: list.max_multiplier };
  const known = new Set(protocol.arms.map((a) => a.key));
  if (spec.arms.some((a) => !known.has(a))) throw new AppError('conflict', `The randomization list of ${protocol.id} names arms this protocol version does not have.`);

  const next = () =>
    db.prepare('SELECT seq, arm_key AS arm, code FROM randomization_slots WHERE protocol_id = ? AND stratum = ? AND participant_id IS NULL ORDER BY seq LIMIT 1').get(protocol.id, stratum) as
      | { seq: number; arm: string; code: string }
      | undefined;
  let slot = next();
  if (!slot) {
    const have = (db.prepare('SELECT count(*) AS n FROM randomization_slots WHERE protocol_id = ? AND stratum = ?').get(protocol.id, stratum) as { n: number }).n;
    // Lists are prefix-stable: generating more never changes the slots already stored.
    const insert = db.prepare('INSERT INTO randomization_slots (protocol_id, stratum, seq, arm_key, code) VALUES (?, ?, ?, ?, ?)');
    for (const s of generateSlots(spec, Math.max(FIRST_LIST_SIZE, have * 2)).slice(have)) insert.run(protocol.id, stratum, s.seq, s.arm, s.code);
    slot = next()!;
  }
  db.prepare('UPDATE randomization_slots SET participant_id = ?, assigned_at = ? WHERE protocol_id = ? AND stratum = ? AND seq = ?').run(participantId, now, protocol.id, stratum, slot.seq);
  return { seq: slot.seq, arm: slot.arm, code: slot.code, block: 0 };
}
