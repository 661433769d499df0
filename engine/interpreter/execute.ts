/**
 * A spec sync compiled into the execute(state) → { changes, hasMore, nextState } contract.
 *
 * State (plain JSON, stored verbatim in checkpoints):
 * - `page`: where the cycle is — the paginator position of the next page and how many of its
 *   records are already committed (a page larger than maxChangesPerCommit is split).
 * - `cursor` (incremental): the lower bound the requests use; it moves only at the end of a cycle,
 *   except with keyset pagination where the position after each page *is* the cursor.
 * - `high` (incremental): the highest record position seen so far in this cycle. Taking the
 *   maximum over every record (not the last one) makes newest-first feeds safe.
 */
import type { Change, ExecuteContext, ExecuteResult, FailedRecord, SyncMode } from '../core/types.js';
import type { Cursor as CursorSpec } from '../spec/types.generated.js';
import { selectFirst } from '../extract/jsonpath.js';
import type { TemplateContext } from '../template/render.js';
import {
  canonicalValue, comparePositions, compareValues, renderValue, upperBound,
  type CursorPosition, type CursorRules,
} from './cursor.js';
import { listedDeletions, recordsToChanges, type RecordRules } from './records.js';
import type { MapContext } from '../mapping/record-mapper.js';
import type { FetchedPage, Stream } from './stream.js';

export interface SpecState {
  page?: { position: unknown; skip: number };
  cursor?: CursorPosition;
  high?: CursorPosition;
}

export interface IncrementalRules {
  spec: CursorSpec;
  rules: CursorRules;
  /** Keyset pagination: the page position is the cursor. */
  keyset: boolean;
}

export interface SpecSyncParts {
  name: string;
  mode: SyncMode;
  stream: Stream;
  records: RecordRules;
  deleteIds?: string;
  incremental?: IncrementalRules;
  maxChanges: number;
  vars: Record<string, unknown>;
  secrets: Record<string, string>;
}

export function compileExecute(parts: SpecSyncParts) {
  // The last fetched page, so a page split over several commits is fetched once.
  let cached: { key: string; page: FetchedPage } | undefined;

  return async function execute(state: SpecState | undefined, ctx: ExecuteContext): Promise<ExecuteResult<SpecState>> {
    const inc = parts.incremental;
    const cursor = state?.cursor ?? inc?.rules.initial;
    const page = state?.page ?? { position: parts.stream.firstPosition(), skip: 0 };
    const until = inc ? upperBound(ctx.cycleStartedAt, inc.rules) : undefined;
    const templateCursor = keysetCursor(parts, page.position) ?? (inc ? cursor : undefined);

    const templateCtx: TemplateContext = {
      vars: parts.vars, secrets: parts.secrets, partition: ctx.partition.value,
      now: ctx.cycleStartedAt.toISOString(),
      until: until ? String(until.value) : undefined,
      cursor: templateCursor && { value: inc ? renderValue(templateCursor.value, inc.rules) : templateCursor.value, id: templateCursor.id },
    };
    const cacheKey = JSON.stringify([ctx.partition.key, page.position, templateCursor ?? null]);
    const fetched = cached?.key === cacheKey ? cached.page : await parts.stream.fetch(page.position, templateCtx, ctx);
    cached = { key: cacheKey, page: fetched };

    const slice = fetched.records.slice(page.skip, page.skip + parts.maxChanges);
    const mapCtx = { vars: parts.vars, partition: ctx.partition.value };
    const placement = inc && inc.spec.type !== 'opaque'
      ? placeRecords(slice, inc, state?.high, (record) => safeKey(parts.records, record, mapCtx))
      : { placed: slice, rejected: [], high: undefined };
    const { changes, failed } = recordsToChanges(placement.placed, parts.records, mapCtx);
    failed.push(...placement.rejected);
    if (page.skip === 0) changes.push(...listedDeletions(fetched.response.body, parts.deleteIds));
    const high = placement.high;

    const consumed = page.skip + slice.length;
    if (consumed < fetched.records.length) {
      return more(changes, failed, { cursor, high, page: { position: page.position, skip: consumed } });
    }
    cached = undefined;
    return afterPage(parts, { changes, failed, fetched, cursor, high, until });
  };
}

interface PageOutcome {
  changes: Change[];
  failed: FailedRecord[];
  fetched: FetchedPage;
  cursor: CursorPosition | undefined;
  high: CursorPosition | undefined;
  until: CursorPosition | undefined;
}

function afterPage(parts: SpecSyncParts, outcome: PageOutcome): ExecuteResult<SpecState> {
  const { changes, failed, fetched, cursor, high, until } = outcome;
  const inc = parts.incremental;
  if (inc?.keyset) return afterKeysetPage(parts, outcome);
  if (!fetched.next.done) return more(changes, failed, { cursor, high, page: { position: fetched.next.position, skip: 0 } });
  if (!inc) return { changes, failed, hasMore: false, nextState: undefined };
  if (inc.spec.type === 'opaque') {
    const token = selectFirst(inc.spec.field, fetched.response.body);
    const next = token === undefined || token === null ? cursor : { value: canonicalValue(token, inc.rules, inc.spec.field), id: null };
    return { changes, failed, hasMore: false, nextState: next ? { cursor: next } : undefined };
  }
  return { changes, failed, hasMore: false, nextState: { cursor: finalCursor(cursor, high, until, inc.rules) } };
}

/**
 * Keyset: persist the position after every page; end the cycle at the buffer boundary. A last
 * page with no records moves the cursor up to now − buffer, as finalCursor does: everything
 * older is visible by then, and a cursor left at the last record would lag ever further behind.
 */
function afterKeysetPage(parts: SpecSyncParts, outcome: PageOutcome): ExecuteResult<SpecState> {
  const { changes, failed, fetched, cursor, until } = outcome;
  const rules = parts.incremental!.rules;
  const reached = fetched.next.done ? undefined : keysetCursor(parts, fetched.next.position);
  let position = reached ?? outcome.high ?? finalCursor(cursor, undefined, until, rules);
  let capped = false;
  if (position && until && compareValues(position.value, until.value, rules.type) > 0) {
    // Records newer than now − buffer were read early; the next cycle reads them again from the cap.
    position = until;
    capped = true;
  }
  if (fetched.next.done || capped) return { changes, failed, hasMore: false, nextState: position ? { cursor: position } : undefined };
  return more(changes, failed, { cursor: position, page: { position: fetched.next.position, skip: 0 } });
}

/**
 * The cursor at a keyset position, its value canonical like every cursor value: compared and
 * rendered raw, a zone-less `sql` timestamp would be read in the machine's time zone.
 */
function keysetCursor(parts: SpecSyncParts, position: unknown): CursorPosition | undefined {
  const reached = parts.stream.templateCursor(position);
  const inc = parts.incremental;
  if (!reached || !inc) return reached;
  return { value: canonicalValue(reached.value, inc.rules, 'keyset position'), id: reached.id };
}

/** min(high-water, now − buffer); now − buffer after a cycle with no records; never backwards. */
function finalCursor(cursor: CursorPosition | undefined, high: CursorPosition | undefined, until: CursorPosition | undefined, rules: CursorRules): CursorPosition | undefined {
  let next = high ?? until ?? cursor;
  if (next && until && compareValues(next.value, until.value, rules.type) > 0) next = until;
  if (cursor && next && comparePositions(next, cursor, rules.type) < 0) next = cursor;
  return next;
}

/**
 * Places each record on the cursor and returns the highest (value, id). A record whose cursor
 * field is unreadable cannot be placed, so it is reported as failed instead of being written
 * while the cursor silently skips past it.
 */
function placeRecords(records: unknown[], inc: IncrementalRules, previous: CursorPosition | undefined, keyOf: (record: unknown) => string | null) {
  let high = previous;
  const placed: unknown[] = [];
  const rejected: FailedRecord[] = [];
  for (const record of records) {
    try {
      const id = inc.spec.tieBreaker ? selectFirst(inc.spec.tieBreaker, record) : undefined;
      const position: CursorPosition = {
        value: canonicalValue(selectFirst(inc.spec.field, record), inc.rules, `cursor field ${inc.spec.field}`),
        id: id === undefined || id === null ? null : String(id),
      };
      if (!high || comparePositions(position, high, inc.rules.type) > 0) high = position;
      placed.push(record);
    } catch (error) {
      rejected.push({ key: keyOf(record), reason: (error as Error).message });
    }
  }
  return { placed, rejected, high };
}

function safeKey(rules: RecordRules, record: unknown, ctx: MapContext): string | null {
  try {
    return rules.mapper.key(rules.object ? selectFirst(rules.object, record) : record, ctx);
  } catch {
    return null;
  }
}

function more(changes: Change[], failed: FailedRecord[], nextState: SpecState): ExecuteResult<SpecState> {
  return { changes, failed, hasMore: true, nextState };
}
