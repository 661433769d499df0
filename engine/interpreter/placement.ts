/**
 * Placing a page's records on the incremental cursor: each record's (value, id) position, the highest
 * of them (the high-water mark — the maximum, not the last, so newest-first feeds are safe), and for
 * event feeds (a `timeField`) which records are too young to consume yet: an ascending feed stops at the
 * first one (the rest of the page waits for a later cycle); a newest-first feed skips them and takes the
 * older ones. Either way the cursor never moves past a record not consumed.
 */
import type { ExecuteContext, FailedRecord } from '../core/types.js';
import type { Cursor as CursorSpec } from '../spec/model.generated.js';
import { SyncError } from '../core/errors.js';
import { selectFirst } from '../extract/jsonpath.js';
import { canonicalValue, comparePositions, describeRaw, timestampMs, type CursorPosition, type CursorRules } from './cursor.js';

export interface Placement {
  placed: unknown[];
  rejected: FailedRecord[];
  high: CursorPosition | undefined;
  /** An ascending feed stopped at a record younger than the buffer. */
  waiting: boolean;
}

/** Epoch ms after which an event-feed record is too young to consume; undefined without a timeField. */
export function youngAfter(ctx: ExecuteContext, rules: CursorRules): number | undefined {
  return rules.timeField === undefined ? undefined : ctx.cycleStartedAt.getTime() - rules.bufferMs;
}

/**
 * Places each record on the cursor and returns the highest (value, id). A record whose cursor
 * field is unreadable cannot be placed, so it is reported as failed instead of being written
 * while the cursor silently skips past it.
 */
export function placeRecords(
  records: unknown[], cursor: { spec: CursorSpec; rules: CursorRules }, previous: CursorPosition | undefined,
  youngAfterMs: number | undefined, keyOf: (record: unknown) => string | null,
): Placement {
  const { spec, rules } = cursor;
  let high = previous;
  const placed: unknown[] = [];
  const rejected: FailedRecord[] = [];
  for (const record of records) {
    try {
      if (youngAfterMs !== undefined && recordTime(record, rules) > youngAfterMs) {
        if (rules.descending) continue;
        return { placed, rejected, high, waiting: true };
      }
      const id = spec.tieBreaker ? selectFirst(spec.tieBreaker, record) : undefined;
      const position: CursorPosition = {
        value: canonicalValue(selectFirst(spec.field, record), rules, `cursor field ${spec.field}`),
        id: id === undefined || id === null ? null : String(id),
      };
      if (!high || comparePositions(position, high, rules.type) > 0) high = position;
      placed.push(record);
    } catch (error) {
      rejected.push({ key: keyOf(record), reason: (error as Error).message });
    }
  }
  return { placed, rejected, high, waiting: false };
}

function recordTime(record: unknown, rules: CursorRules): number {
  const raw = selectFirst(rules.timeField!, record);
  const ms = timestampMs(raw, rules.format);
  if (ms === undefined) throw new SyncError('bad-cursor', `timeField ${rules.timeField}: expected a timestamp, got ${describeRaw(raw)}`);
  return ms;
}
