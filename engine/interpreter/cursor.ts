/**
 * The incremental cursor: reading it from records, comparing, capping at now − buffer, and
 * rendering it the way the API writes it. Timestamps are kept canonical (ISO-8601 UTC) in state,
 * whatever the API's format, so comparisons and caps never depend on string order. String cursors
 * (event ids, ULIDs) are ordered by code units, the way APIs compare them; opaque ones not at all.
 */
import type { Cursor as CursorSpec } from '../spec/types.generated.js';
import { SyncError } from '../core/errors.js';
import { parseSchedule } from '../schedule/parse.js';

/** A position in the source: the cursor value and, when ties are possible, the tie-breaker id. */
export interface CursorPosition {
  value: string | number;
  id: string | null;
}

export type CursorType = NonNullable<CursorSpec['type']>;
export type CursorFormat = NonNullable<CursorSpec['format']>;

export interface CursorRules {
  type: CursorType;
  format: CursorFormat;
  bufferMs: number;
  descending: boolean;
  /** Where the first cycle starts; read it through initialPosition (`initial: { ago }` depends on now). */
  initial: CursorPosition | undefined;
  /** `initial: { ago }`: the first cycle starts this long before its own start. */
  initialAgoMs: number | undefined;
  /** Event feeds (number/string cursors): the record's time; records younger than now − buffer wait. */
  timeField: string | undefined;
}

const EPOCH = '1970-01-01T00:00:00.000Z';

export function cursorRules(spec: CursorSpec): CursorRules {
  const type = spec.type ?? 'timestamp';
  const format = spec.format ?? 'iso';
  const rules: CursorRules = {
    type, format,
    bufferMs: Math.round((spec.bufferSeconds ?? 10) * 1000),
    descending: spec.order === 'descending',
    initial: undefined,
    initialAgoMs: undefined,
    timeField: spec.timeField,
  };
  if (typeof spec.initial === 'object') rules.initialAgoMs = intervalMs(spec.initial.ago);
  else if (spec.initial !== undefined) rules.initial = { value: canonicalValue(spec.initial, rules, 'cursor.initial'), id: null };
  else if (type === 'timestamp') rules.initial = { value: EPOCH, id: null };
  else if (type === 'number') rules.initial = { value: 0, id: null };
  return rules;
}

/** The first cycle's cursor; `cycleStartedAt` places a relative one (the same in every run of that cycle). */
export function initialPosition(rules: CursorRules, cycleStartedAt: Date): CursorPosition | undefined {
  if (rules.initialAgoMs === undefined) return rules.initial;
  return { value: new Date(cycleStartedAt.getTime() - rules.initialAgoMs).toISOString(), id: null };
}

function intervalMs(text: string): number {
  const parsed = parseSchedule(text);
  if (!parsed.ok || parsed.schedule.kind !== 'interval') throw new SyncError('bad-cursor', `cursor.initial.ago: ${parsed.ok ? 'expected an interval' : parsed.message}`);
  return parsed.schedule.ms;
}

/** A raw value from a record (or the spec) as the canonical cursor value. */
export function canonicalValue(raw: unknown, rules: Pick<CursorRules, 'type' | 'format'>, where: string): string | number {
  if (rules.type === 'opaque') {
    if (typeof raw === 'string' || typeof raw === 'number') return raw;
    throw new SyncError('bad-cursor', `${where}: expected an opaque cursor (string), got ${describeRaw(raw)}`);
  }
  if (rules.type === 'string') {
    if (typeof raw === 'string' && raw !== '') return raw;
    // Numbers are not taken as text: '10' < '9' would move the cursor backwards.
    const hint = typeof raw === 'number' ? ' (numeric ids need type: number)' : '';
    throw new SyncError('bad-cursor', `${where}: expected a string cursor, got ${describeRaw(raw)}${hint}`);
  }
  if (rules.type === 'number') {
    const number = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
    if (typeof number === 'number' && Number.isFinite(number)) return number;
    throw new SyncError('bad-cursor', `${where}: expected a number cursor, got ${describeRaw(raw)}`);
  }
  const ms = timestampMs(raw, rules.format);
  if (ms === undefined) throw new SyncError('bad-cursor', `${where}: expected a timestamp (format ${rules.format}), got ${describeRaw(raw)}`);
  return new Date(ms).toISOString();
}

/** Epoch ms of a raw timestamp as the cursor's format reads it; undefined when it is not one. */
export function timestampMs(raw: unknown, format: CursorFormat): number | undefined {
  if (typeof raw === 'number' || (typeof raw === 'string' && /^\d+(\.\d+)?$/.test(raw))) {
    const number = Number(raw);
    if (format === 'epochSeconds') return number * 1000;
    if (format === 'epochMillis') return number;
    return number < 1e11 ? number * 1000 : number;
  }
  if (typeof raw !== 'string' || raw.trim() === '') return undefined;
  // `sql` timestamps ('2024-05-01 10:00:00') carry no zone; APIs that use them (ServiceNow) mean UTC.
  const text = format === 'sql' && !/[zZ]|[+-]\d\d:?\d\d$/.test(raw) ? `${raw.replace(' ', 'T')}Z` : raw;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Orders two canonical values of the same cursor; opaque cursors have no order. */
export function compareValues(a: string | number, b: string | number, type: CursorType): number {
  if (type === 'timestamp') return Date.parse(String(a)) - Date.parse(String(b));
  if (type === 'number') return Number(a) - Number(b);
  if (type === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return 0;
}

/** Orders positions by value, then tie-breaker id. */
export function comparePositions(a: CursorPosition, b: CursorPosition, type: CursorType): number {
  const byValue = compareValues(a.value, b.value, type);
  if (byValue !== 0) return byValue;
  return (a.id ?? '').localeCompare(b.id ?? '');
}

/** The cap for a cycle: the cursor never passes now − buffer (eventual consistency). */
export function upperBound(cycleStartedAt: Date, rules: CursorRules): CursorPosition | undefined {
  if (rules.type !== 'timestamp') return undefined;
  return { value: new Date(cycleStartedAt.getTime() - rules.bufferMs).toISOString(), id: null };
}

/** The cursor as the API writes it, for {{cursor.value}}. */
export function renderValue(value: string | number, rules: Pick<CursorRules, 'type' | 'format'>): string | number {
  if (rules.type !== 'timestamp') return value;
  const ms = Date.parse(String(value));
  const iso = new Date(ms).toISOString();
  switch (rules.format) {
    case 'epochSeconds': return Math.floor(ms / 1000);
    case 'epochMillis': return ms;
    case 'date': return iso.slice(0, 10);
    case 'sql': return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
    default: return iso;
  }
}

/** A raw value for a message: short JSON, or "nothing (field missing)". */
export function describeRaw(value: unknown): string {
  if (value === undefined) return 'nothing (field missing)';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
