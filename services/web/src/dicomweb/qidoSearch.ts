import { type Principal, ValidationError } from '@telerad/core';
import type { DbHandle } from '@telerad/db';
import { lookupAttribute } from '@telerad/dicom';
import { type RawBuilder, sql } from 'kysely';
import { type DicomJson, sortedByTag, stringAttribute } from './dicomJson.js';
import {
  QIDO_ATTRIBUTES,
  type QidoAttribute,
  type QidoLevel,
  type QidoRow,
  type RetrieveUrls,
} from './qidoAttributes.js';
import { matchCondition } from './qidoMatching.js';
import { visibleStudies } from './visibleStudies.js';

/** The study (and series) a search path fixes, e.g. /studies/{uid}/series/{uid}/instances. */
export interface QidoScope {
  studyId?: string;
  seriesId?: string;
}

export interface QidoResult {
  body: DicomJson[];
  /** Texts for `Warning: 299` headers: keys ignored, results cut by the limit. */
  warnings: string[];
}

export const MAX_LIMIT = 1000;
const DEFAULT_LIMIT = 100;
const LEVELS: readonly QidoLevel[] = ['study', 'series', 'instance'];
/** The levels a search at `level` joins: its own and those above it. */
const joinedLevels = (level: QidoLevel) => LEVELS.slice(0, LEVELS.indexOf(level) + 1);

const STUDY_COLUMNS = sql`s.study_instance_uid, s.patient_name_alphabetic, s.patient_name_ideographic,
  s.patient_name_phonetic, s.patient_id, s.patient_sex, s.patient_birth_date, s.accession_number, s.study_date,
  s.study_time, s.study_description, s.modalities, s.instance_count, s.referring_physician_name, s.dicom_study_id,
  (SELECT count(*)::int FROM series x WHERE x.study_id = s.id) AS series_count`;
const SERIES_COLUMNS = sql`se.series_instance_uid, se.modality, se.series_number, se.series_description,
  se.body_part, se.pps_start_date, se.pps_start_time,
  (SELECT count(*)::int FROM instance x WHERE x.series_id = se.id) AS series_instance_count`;
const INSTANCE_COLUMNS = sql`i.sop_class_uid, i.sop_instance_uid, i.instance_number, i.rows, i.columns,
  i.bits_allocated, i.number_of_frames, i.transfer_syntax_uid`;

interface ParsedQuery {
  conditions: RawBuilder<boolean>[];
  include: Set<string> | 'all';
  limit: number;
  offset: number;
  warnings: string[];
}

/**
 * QIDO-RS search (PS3.18 §10.6) at one level, within what the caller may see: parses the query
 * keys and parameters, matches in SQL, and answers DICOM JSON with the default attributes of the
 * levels the path does not fix, plus those named by `includefield`.
 */
export async function qidoSearch(
  db: DbHandle,
  principal: Principal,
  level: QidoLevel,
  scope: QidoScope,
  query: Record<string, unknown>,
  urls: RetrieveUrls,
): Promise<QidoResult> {
  const parsed = parseQuery(level, query);
  const conditions = [visibleStudies(principal), ...parsed.conditions];
  if (scope.studyId !== undefined) conditions.push(sql<boolean>`s.id = ${scope.studyId}`);
  if (scope.seriesId !== undefined) conditions.push(sql<boolean>`se.id = ${scope.seriesId}`);

  const columns = [STUDY_COLUMNS];
  let from = sql`study s`;
  let order = sql`s.received_at DESC, s.id`;
  if (level !== 'study') {
    columns.push(SERIES_COLUMNS);
    from = sql`series se JOIN study s ON s.id = se.study_id`;
    order = sql`${order}, se.series_number NULLS LAST, se.id`;
  }
  if (level === 'instance') {
    columns.push(INSTANCE_COLUMNS);
    from = sql`instance i JOIN series se ON se.id = i.series_id JOIN study s ON s.id = i.study_id`;
    order = sql`${order}, i.instance_number NULLS LAST, i.id`;
  }
  // One row more than asked tells whether there are more results to ask for.
  const result = await sql<QidoRow>`SELECT ${sql.join(columns)} FROM ${from}
    WHERE ${sql.join(conditions, sql` AND `)} ORDER BY ${order}
    LIMIT ${parsed.limit + 1} OFFSET ${parsed.offset}`.execute(db.db);
  const rows = result.rows.slice(0, parsed.limit);
  const warnings = [...parsed.warnings];
  if (result.rows.length > parsed.limit) {
    warnings.push('There are additional results that can be requested');
  }

  const returned = returnedAttributes(level, scope, parsed.include);
  const body = rows.map((row) => {
    const json: DicomJson = {};
    for (const attribute of returned) json[attribute.tag] = attribute.value(row, urls);
    // The UIDs of the levels the path fixes, so each result names where it lives.
    if (scope.studyId !== undefined) json['0020000D'] = stringAttribute('UI', row.study_instance_uid);
    if (scope.seriesId !== undefined) json['0020000E'] = stringAttribute('UI', row.series_instance_uid);
    return sortedByTag(json);
  });
  return { body, warnings };
}

function parseQuery(level: QidoLevel, query: Record<string, unknown>): ParsedQuery {
  const parsed: ParsedQuery = { conditions: [], include: new Set(), limit: DEFAULT_LIMIT, offset: 0, warnings: [] };
  const unsupported: string[] = [];
  for (const [key, raw] of Object.entries(query)) {
    const values = (Array.isArray(raw) ? raw : [raw]).map(String);
    switch (key) {
      case 'limit':
        parsed.limit = integerParam(key, values, 1);
        if (parsed.limit > MAX_LIMIT) {
          parsed.warnings.push(`limit ${parsed.limit} is above the largest page, ${MAX_LIMIT}; ${MAX_LIMIT} given`);
          parsed.limit = MAX_LIMIT;
        }
        continue;
      case 'offset':
        parsed.offset = integerParam(key, values, 0);
        continue;
      case 'fuzzymatching':
        if (values.length !== 1 || !['true', 'false'].includes(values[0] ?? '')) {
          throw new ValidationError('fuzzymatching must be true or false');
        }
        // Person names always match telerad's search forms (any group, pinyin, initials).
        continue;
      case 'includefield':
        addIncludes(
          parsed,
          values.flatMap((v) => v.split(',')),
        );
        continue;
    }
    const attribute = keyAttribute(level, key);
    if (attribute === 'unsupported') {
      unsupported.push(key);
      continue;
    }
    if (values.length !== 1) throw new ValidationError(`query key ${key} is given ${values.length} times`);
    const condition = matchCondition(attribute, values[0] ?? '');
    if (condition !== null) parsed.conditions.push(condition);
  }
  if (unsupported.length > 0) {
    parsed.warnings.push(`The following attributes are not supported as query keys: ${unsupported.join(', ')}`);
  }
  return parsed;
}

function integerParam(key: string, values: string[], min: number): number {
  const n = values.length === 1 ? Number(values[0]) : Number.NaN;
  if (!Number.isInteger(n) || n < min) {
    throw new ValidationError(`${key} must be an integer of at least ${min}, not "${values.join(',')}"`);
  }
  return n;
}

/** The attribute a query key matches on, 'unsupported' for a real attribute telerad cannot match. */
function keyAttribute(level: QidoLevel, key: string): QidoAttribute | 'unsupported' {
  const found = resolve(key);
  if (found === null) {
    throw new ValidationError(
      `unknown query key "${key}": neither limit, offset, includefield, fuzzymatching nor a DICOM keyword or tag`,
    );
  }
  if (found === 'sequence') return 'unsupported';
  const levels = joinedLevels(level);
  const attribute = QIDO_ATTRIBUTES.find((a) => a.tag === found && a.match !== undefined && levels.includes(a.level));
  return attribute ?? 'unsupported';
}

/** A key's tag; 'sequence' for a path into a sequence (`RequestAttributesSequence.RequestedProcedureID`). */
function resolve(key: string): string | 'sequence' | null {
  if (key.includes('.')) return key.split('.').every((part) => lookupAttribute(part) !== null) ? 'sequence' : null;
  return lookupAttribute(key)?.tag ?? null;
}

function addIncludes(parsed: ParsedQuery, names: string[]): void {
  for (const name of names.map((n) => n.trim()).filter((n) => n !== '')) {
    if (name === 'all') {
      parsed.include = 'all';
      continue;
    }
    const tag = resolve(name);
    if (tag === null) throw new ValidationError(`includefield "${name}" is neither "all" nor a DICOM keyword or tag`);
    // An attribute the index does not hold is simply not returned (PS3.18 §8.3.4.3).
    if (parsed.include !== 'all' && tag !== 'sequence') parsed.include.add(tag);
  }
}

/** Default attributes of the levels the path leaves open, plus those asked for; one per tag. */
function returnedAttributes(level: QidoLevel, scope: QidoScope, include: Set<string> | 'all'): QidoAttribute[] {
  const joined = joinedLevels(level);
  const open = joined.filter(
    (l) => !(l === 'study' && scope.studyId !== undefined) && !(l === 'series' && scope.seriesId !== undefined),
  );
  const chosen = new Map<string, QidoAttribute>();
  // Lowest level first, so RetrieveURL and InstanceAvailability are those of the results' own level.
  for (const l of [...joined].reverse()) {
    for (const attribute of QIDO_ATTRIBUTES) {
      if (attribute.level !== l || chosen.has(attribute.tag)) continue;
      const wanted =
        include === 'all' || include.has(attribute.tag) || (attribute.byDefault && open.includes(attribute.level));
      if (wanted) chosen.set(attribute.tag, attribute);
    }
  }
  return [...chosen.values()];
}
