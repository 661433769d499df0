/**
 * The incremental cursor: reading it from records, comparing, capping at now − buffer, and
 * rendering it the way the API writes it — each through its kind (engine/cursor/, by `cursor.type`),
 * which owns how its values are read, ordered, capped and written.
 */
import type { Cursor as CursorSpec } from '../spec/model.generated.js';
import { SyncError } from '../core/errors.js';
import { parseSchedule } from '../schedule/parse.js';
import { cursorKinds } from '../cursor/registry.js';

export { timestampMs } from '../cursor/timestamp.js';

/** A position in the source: the cursor value and, when ties are possible, the tie-breaker id. */
export interface CursorPosition {
  value: string | number;
  id: string | null;
}

export type CursorType = CursorSpec['type'];
export type CursorFormat = CursorSpec['format'];

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

export function cursorRules(spec: CursorSpec): CursorRules {
  const { type, format } = spec;
  const rules: CursorRules = {
    type, format,
    bufferMs: Math.round(spec.bufferSeconds * 1000),
    descending: spec.order === 'descending',
    initial: undefined,
    initialAgoMs: undefined,
    timeField: spec.timeField,
  };
  if (typeof spec.initial === 'object') rules.initialAgoMs = intervalMs(spec.initial.ago);
  else if (spec.initial !== undefined) rules.initial = { value: canonicalValue(spec.initial, rules, 'cursor.initial'), id: null };
  else if (cursorKinds[type].start !== undefined) rules.initial = { value: cursorKinds[type].start, id: null };
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
  const canonical = cursorKinds[rules.type].canonical(raw, rules.format);
  if ('value' in canonical) return canonical.value;
  throw new SyncError('bad-cursor', `${where}: ${canonical.problem}, got ${describeRaw(raw)}`);
}

/** Orders two canonical values of the same cursor; opaque cursors have no order. */
export function compareValues(a: string | number, b: string | number, type: CursorType): number {
  return cursorKinds[type].compare(a, b);
}

/** Orders positions by value, then tie-breaker id. */
export function comparePositions(a: CursorPosition, b: CursorPosition, type: CursorType): number {
  const byValue = compareValues(a.value, b.value, type);
  if (byValue !== 0) return byValue;
  return (a.id ?? '').localeCompare(b.id ?? '');
}

/** The cap for a cycle: a time cursor never passes now − buffer (eventual consistency). */
export function upperBound(cycleStartedAt: Date, rules: CursorRules): CursorPosition | undefined {
  if (!cursorKinds[rules.type].capped) return undefined;
  return { value: new Date(cycleStartedAt.getTime() - rules.bufferMs).toISOString(), id: null };
}

/** The cursor as the API writes it, for {{cursor.value}}. */
export function renderValue(value: string | number, rules: Pick<CursorRules, 'type' | 'format'>): string | number {
  return cursorKinds[rules.type].render(value, rules.format);
}

/** A raw value for a message: short JSON, or "nothing (field missing)". */
export function describeRaw(value: unknown): string {
  if (value === undefined) return 'nothing (field missing)';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
