import { describeIssues, ProtocolSchema, type Protocol } from '../core/protocol.js';
import type { ImportResult, ProtocolDetail, ProtocolSummary } from '../core/api.js';
import { AppError } from './errors.js';
import type { ReadableDB, WritableDB } from './types.js';

interface ProtocolRow {
  id: string;
  title: string;
  nct_id: string | null;
  sponsor: string | null;
  phases: string;
  status: string | null;
  allocation: string | null;
  masking: string | null;
  enrollment_target: number | null;
  conditions: string;
  arm_count: number;
  current_version: number;
  created_at: string;
}

const SUMMARY_COLUMNS = `id, title, nct_id, sponsor, phases, status, allocation, masking, enrollment_target,
  conditions, arm_count, current_version, created_at`;

function toSummary(r: ProtocolRow): ProtocolSummary {
  return {
    id: r.id,
    title: r.title,
    nctId: r.nct_id,
    sponsor: r.sponsor,
    phases: JSON.parse(r.phases) as string[],
    status: r.status,
    allocation: r.allocation,
    masking: r.masking,
    enrollmentTarget: r.enrollment_target,
    conditions: JSON.parse(r.conditions) as string[],
    armCount: r.arm_count,
    version: r.current_version,
  };
}

export function listProtocols(db: ReadableDB): ProtocolSummary[] {
  const rows = db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM protocols ORDER BY title COLLATE NOCASE, id`).all() as ProtocolRow[];
  return rows.map(toSummary);
}

/** Finds a protocol by its id or its NCT number. */
export function getProtocol(db: ReadableDB, idOrNct: string): ProtocolDetail {
  const row = db
    .prepare(`SELECT ${SUMMARY_COLUMNS} FROM protocols WHERE id = ? OR nct_id = upper(?)`)
    .get(idOrNct, idOrNct) as ProtocolRow | undefined;
  if (!row) throw new AppError('not_found', `No protocol "${idOrNct}". Run "protocol list" to see the ids.`);
  const versions = db
    .prepare(
      `SELECT v.version, v.created_at AS createdAt, v.note, v.effective_date AS effectiveDate, v.document,
              (SELECT count(*) FROM participants p WHERE p.protocol_id = v.protocol_id AND p.protocol_version = v.version) AS participants
       FROM protocol_versions v WHERE v.protocol_id = ? ORDER BY v.version`,
    )
    .all(row.id) as { version: number; createdAt: string; note: string | null; effectiveDate: string | null; participants: number; document: string }[];
  const current = versions.find((v) => v.version === row.current_version);
  if (!current) throw new AppError('database', `Protocol "${row.id}" has no version ${row.current_version}; the database is inconsistent.`);
  return {
    summary: toSummary(row),
    protocol: ProtocolSchema.parse(JSON.parse(current.document)),
    importedAt: current.createdAt,
    versions: versions.map(({ version, createdAt, note, effectiveDate, participants }) => ({ version, createdAt, note, effectiveDate, participants })),
  };
}

/** One stored version of a protocol, as written. */
export function getProtocolVersion(db: ReadableDB, idOrNct: string, version?: number): { protocol: Protocol; version: number } {
  const detail = getProtocol(db, idOrNct);
  const v = version ?? detail.summary.version;
  if (v === detail.summary.version) return { protocol: detail.protocol, version: v };
  const row = db.prepare('SELECT document FROM protocol_versions WHERE protocol_id = ? AND version = ?').get(detail.summary.id, v) as { document: string } | undefined;
  if (!row) throw new AppError('not_found', `Protocol "${detail.summary.id}" has no version ${v}; it has versions 1 to ${detail.summary.version}.`);
  return { protocol: ProtocolSchema.parse(JSON.parse(row.document)), version: v };
}

/** The version a participant screened today is put on: the latest one in effect on that day. */
export function versionInEffect(db: ReadableDB, protocolId: string, today: string): number {
  const row = db
    .prepare('SELECT max(version) AS v FROM protocol_versions WHERE protocol_id = ? AND (effective_date IS NULL OR effective_date <= ?)')
    .get(protocolId, today) as { v: number | null };
  if (row.v === null) throw new AppError('conflict', `No version of "${protocolId}" is in effect yet on ${today}; the first takes effect later.`);
  return row.v;
}

/** Validates a protocol document; every problem is listed with the field it is in. */
export function parseProtocol(document: unknown): Protocol {
  const result = ProtocolSchema.safeParse(document);
  if (!result.success) {
    const details = describeIssues(result.error);
    throw new AppError('invalid_input', `The protocol is not valid (${details.length} problem${details.length === 1 ? '' : 's'}): ${details[0]}`, details);
  }
  return result.data;
}

/**
 * Stores a protocol. A new id creates version 1. An existing id with an identical document
 * changes nothing; with a different document it is refused unless asNewVersion is set, when
 * it becomes the next version.
 */
export function importProtocol(
  db: WritableDB,
  document: unknown,
  options: { asNewVersion: boolean; note?: string | undefined; effectiveDate?: string | undefined; now: string },
): ImportResult {
  const protocol = parseProtocol(document);
  const { $schema: _schema, ...stored } = protocol;
  const json = JSON.stringify(stored);
  const existing = db.prepare('SELECT current_version FROM protocols WHERE id = ?').get(protocol.id) as { current_version: number } | undefined;

  if (protocol.identifiers.nctId) {
    const other = db.prepare('SELECT id FROM protocols WHERE nct_id = ? AND id <> ?').get(protocol.identifiers.nctId, protocol.id) as { id: string } | undefined;
    if (other) throw new AppError('conflict', `${protocol.identifiers.nctId} already belongs to protocol "${other.id}".`);
  }

  let version = 1;
  if (existing) {
    const current = db.prepare('SELECT document FROM protocol_versions WHERE protocol_id = ? AND version = ?').get(protocol.id, existing.current_version) as { document: string };
    if (current.document === json) return { id: protocol.id, version: existing.current_version, outcome: 'unchanged' };
    if (!options.asNewVersion)
      throw new AppError(
        'conflict',
        `Protocol "${protocol.id}" already exists (version ${existing.current_version}) with different content. Import it as version ${existing.current_version + 1} to keep both.`,
      );
    version = existing.current_version + 1;
  }

  const columns = {
    id: protocol.id,
    title: protocol.title,
    nct_id: protocol.identifiers.nctId,
    sponsor: protocol.sponsor,
    phases: JSON.stringify(protocol.phases),
    status: protocol.status,
    allocation: protocol.design.allocation,
    masking: protocol.design.masking,
    enrollment_target: protocol.enrollment.target,
    conditions: JSON.stringify(protocol.conditions),
    arm_count: protocol.arms.length,
    source_document: protocol.sourceDocument,
    current_version: version,
    now: options.now,
  };
  if (existing) {
    db.prepare(
      `UPDATE protocols SET title = @title, nct_id = @nct_id, sponsor = @sponsor, phases = @phases, status = @status,
         allocation = @allocation, masking = @masking, enrollment_target = @enrollment_target, conditions = @conditions,
         arm_count = @arm_count, source_document = @source_document, current_version = @current_version, updated_at = @now
       WHERE id = @id`,
    ).run(columns);
  } else {
    db.prepare(
      `INSERT INTO protocols (id, title, nct_id, sponsor, phases, status, allocation, masking, enrollment_target, conditions,
         arm_count, source_document, current_version, created_at, updated_at)
       VALUES (@id, @title, @nct_id, @sponsor, @phases, @status, @allocation, @masking, @enrollment_target, @conditions,
         @arm_count, @source_document, @current_version, @now, @now)`,
    ).run(columns);
  }
  db.prepare('INSERT INTO protocol_versions (protocol_id, version, document, note, created_at, effective_date) VALUES (?, ?, ?, ?, ?, ?)').run(
    protocol.id,
    version,
    json,
    options.note ?? null,
    options.now,
    options.effectiveDate ?? null,
  );
  const insertArm = db.prepare('INSERT INTO arms (protocol_id, version, key, position, label, type, target_size) VALUES (?, ?, ?, ?, ?, ?, ?)');
  protocol.arms.forEach((arm, i) => insertArm.run(protocol.id, version, arm.key, i, arm.label, arm.type, arm.targetSize));
  return { id: protocol.id, version, outcome: existing ? 'new-version' : 'created' };
}
