import { ValidationError } from '@telerad/core';
import { isValidUid } from '@telerad/dicom';
import { type RawBuilder, sql } from 'kysely';
import { nameSearchCondition } from '../api/studyQueries.js';
import type { QidoAttribute } from './qidoAttributes.js';

const DATE = /^\d{8}$/;
const TIME = /^\d{2}(\d{2}(\d{2}(\.\d{1,6})?)?)?$/;

/**
 * The SQL condition for one QIDO-RS key (PS3.4 §C.2.2.2 matching), or null for universal matching
 * (an empty value or a lone `*`). Bad values throw ValidationError naming the attribute.
 */
export function matchCondition(attribute: QidoAttribute, value: string): RawBuilder<boolean> | null {
  if (attribute.match === undefined) return null;
  if (value === '' || value === '*') return null;
  const column = sql.ref(attribute.match.column);
  const name = attribute.keyword;
  switch (attribute.match.kind) {
    case 'uid': {
      // UID list matching: comma-separated (PS3.18 §8.3.4.1) or backslash-separated (PS3.4).
      const uids = value.split(/[,\\]/).map((u) => u.trim());
      const bad = uids.find((u) => !isValidUid(u));
      if (bad !== undefined) throw new ValidationError(`${name}: "${bad}" is not a valid UID`);
      return sql<boolean>`${column} IN (${sql.join(uids)})`;
    }
    case 'date':
      return rangeCondition(column, name, value, DATE, 'YYYYMMDD');
    case 'time':
      return rangeCondition(column, name, value, TIME, 'HHMMSS.FFFFFF (or a leading part of it)');
    case 'integer': {
      if (!/^[+-]?\d{1,9}$/.test(value.trim())) throw new ValidationError(`${name}: "${value}" is not an integer`);
      return sql<boolean>`${column} = ${Number(value)}`;
    }
    case 'modalities': {
      const wanted = value
        .split(/[,\\]/)
        .map((m) => m.trim())
        .filter((m) => m !== '');
      return sql<boolean>`string_to_array(${column}, '\\') && ARRAY[${sql.join(wanted)}]::text[]`;
    }
    case 'patientName':
      return nameSearchCondition(value);
    case 'personName': {
      const pattern = hasWildcard(value) ? likePattern(value.toLowerCase()) : `%${escapeLike(value.toLowerCase())}%`;
      return sql<boolean>`lower(${column}) LIKE ${pattern}`;
    }
    case 'text':
      return hasWildcard(value)
        ? sql<boolean>`${column} LIKE ${likePattern(value)}`
        : sql<boolean>`${column} = ${value}`;
  }
}

const hasWildcard = (value: string) => /[*?]/.test(value);
const escapeLike = (value: string) => value.replace(/[\\%_]/g, (c) => `\\${c}`);
/** DICOM wildcards `*` (any run) and `?` (one character) as a LIKE pattern. */
const likePattern = (value: string) => escapeLike(value).replace(/\*/g, '%').replace(/\?/g, '_');

/**
 * Single value or range matching for DA and TM (PS3.4 §C.2.2.2.5): `a`, `a-`, `-b`, `a-b`. Values
 * compare as strings, which orders DA and TM correctly; a shorter bound such as `10` for a time
 * covers everything that starts with it.
 */
function rangeCondition(
  column: ReturnType<typeof sql.ref>,
  name: string,
  value: string,
  form: RegExp,
  formName: string,
): RawBuilder<boolean> {
  const parts = value.split('-');
  const [from = '', to = ''] = parts;
  const bad = parts.length > 2 || (from === '' && to === '') || [from, to].some((v) => v !== '' && !form.test(v));
  if (bad) throw new ValidationError(`${name}: "${value}" is not ${formName} or a range of them with "-"`);
  if (parts.length === 1) return sql<boolean>`left(${column}, ${from.length}) = ${from}`;
  // An empty stored value has no date: a range never matches it.
  const conditions = [sql<boolean>`${column} <> ''`];
  if (from !== '') conditions.push(sql<boolean>`${column} >= ${from}`);
  if (to !== '') conditions.push(sql<boolean>`left(${column}, ${to.length}) <= ${to}`);
  return sql<boolean>`(${sql.join(conditions, sql` AND `)})`;
}
