/**
 * One stream walked through one cycle, one page (or part of a page) per call: fetch the page at a
 * position, split it to maxChangesPerCommit, track the high-water mark, finish the cycle. Written once
 * for every stream a sync runs: its own records (the delta) and, flip-flop, its delete stream.
 *
 * State (plain JSON, stored verbatim in checkpoints):
 * - `page`: where the cycle is — the paginator position of the next page and how many of its
 *   records are already committed (a page larger than maxChangesPerCommit is split).
 * - `cursor` (incremental): the lower bound the requests use; it moves only at the end of a cycle,
 *   except with keyset and requery pagination, where the position after each page *is* the cursor.
 * - `high` (incremental): the highest record position seen so far in this cycle. Taking the
 *   maximum over every record (not the last one) makes newest-first feeds safe.
 *
 * Event feeds (a `timeField`): records younger than now − buffer are not consumed. An ascending feed
 * stops at the first one (the rest of the page waits for a later cycle); a newest-first feed skips
 * them and takes the older ones. Either way the cursor never moves past a record not consumed.
 */
import type { Change, ExecuteContext, FailedRecord } from '../core/types.js';
import type { Cursor as CursorSpec, Paginator } from '../spec/types.generated.js';
import { SyncError } from '../core/errors.js';
import { selectFirst } from '../extract/jsonpath.js';
import type { MapContext } from '../mapping/record-mapper.js';
import type { TemplateContext } from '../template/render.js';
import {
  canonicalValue, comparePositions, compareValues, describeRaw, renderValue, timestampMs, upperBound,
  type CursorPosition, type CursorRules,
} from './cursor.js';
import { compileProgress, type CycleProgress } from './progress.js';
import type { PageChanges } from './records.js';
import type { FetchedPage, Stream } from './stream.js';

/**
 * Where a cycle is: the position of the page it reads, and — when the page is larger than
 * maxChangesPerCommit and split over commits — what of it is committed: `skip` items, whose
 * identities (record keys) are `done`.
 */
export interface PageState {
  position: unknown;
  skip: number;
  done?: string[];
}

export interface PhaseState {
  cursor?: CursorPosition;
  high?: CursorPosition;
  page?: PageState;
}

export interface IncrementalRules {
  spec: CursorSpec;
  rules: CursorRules;
  /** Keyset and requery pagination: the page position is the cursor. */
  pagedByCursor: boolean;
}

/** Keyset and requery pagination page by the cursor itself. */
export function isPagedByCursor(paginate: Paginator | undefined): boolean {
  return paginate?.type === 'keyset' || paginate?.type === 'requery';
}

export interface PhaseRules {
  stream: Stream;
  /** The stream's paginator spec, for progress when it reads a total (`stop.total`). */
  paginate?: Paginator;
  incremental?: IncrementalRules;
  maxChanges: number;
  vars: Record<string, unknown>;
  secrets: Record<string, string>;
  /** The changes of the records the phase consumes. */
  toChanges(records: unknown[], ctx: MapContext): PageChanges;
  /** Changes read beside the records (`deletes.ids`), once per page. */
  listed?(body: unknown): Change[];
  /** A record's key for a failure report; null when it has none. */
  keyOf(record: unknown, ctx: MapContext): string | null;
}

export interface PhaseResult {
  changes: Change[];
  failed: FailedRecord[];
  /** The stream is caught up: the cycle ends. */
  done: boolean;
  /** Where the stream stands; once done, what the next cycle starts from (undefined: nothing persists). */
  state: PhaseState | undefined;
  /** How far the cycle is, when the paginator reads a total; else undefined. */
  progress?: CycleProgress;
}

export type Phase = (state: PhaseState | undefined, ctx: ExecuteContext) => Promise<PhaseResult>;

/** {{cursor}} as the requests see it; `tie` only from requery pagination. */
type RequestCursor = CursorPosition & { tie?: boolean };

interface PageOutcome {
  changes: Change[];
  failed: FailedRecord[];
  fetched: FetchedPage;
  cursor: CursorPosition | undefined;
  high: CursorPosition | undefined;
  until: CursorPosition | undefined;
  /** A full cycle: it must read to the end, because it sweeps what it did not read. */
  full: boolean;
  progress: CycleProgress | undefined;
}

export function compilePhase(rules: PhaseRules): Phase {
  // The last fetched page of each partition, so a page split over several commits is fetched once.
  // One entry per partition: partitions of a sync may run concurrently through this one closure.
  const cache = new Map<string, { key: string; page: FetchedPage }>();
  const readProgress = compileProgress(rules.paginate);

  return async (state, ctx) => {
    const inc = rules.incremental;
    const cursor = state?.cursor ?? inc?.rules.initial;
    const page = state?.page ?? { position: rules.stream.firstPosition(), skip: 0 };
    const until = inc ? upperBound(ctx.cycleStartedAt, inc.rules) : undefined;
    const requestCursor: RequestCursor | undefined = positionCursor(rules, page.position) ?? (inc ? cursor : undefined);

    const templateCtx: TemplateContext = {
      vars: rules.vars, secrets: rules.secrets, partition: ctx.partition.value,
      now: ctx.cycleStartedAt.toISOString(),
      until: until ? String(until.value) : undefined,
      cursor: requestCursor && {
        value: inc ? renderValue(requestCursor.value, inc.rules) : requestCursor.value,
        id: requestCursor.id,
        ...(requestCursor.tie !== undefined && { tie: requestCursor.tie }),
      },
    };
    const partitionKey = ctx.partition.key;
    const cacheKey = JSON.stringify([page.position, requestCursor ?? null]);
    // A cycle starting from the first page never reuses a page of an earlier cycle.
    if (!state?.page) cache.delete(partitionKey);
    const cached = cache.get(partitionKey);
    const fetched = cached?.key === cacheKey ? cached.page : await rules.stream.fetch(page.position, templateCtx, ctx);
    cache.set(partitionKey, { key: cacheKey, page: fetched });

    const mapCtx: MapContext = { vars: rules.vars, partition: ctx.partition.value };
    const listed = rules.listed ? rules.listed(fetched.response.body) : [];
    const split = splitPage(page, listed, fetched.records, rules.maxChanges, (record) => rules.keyOf(record, mapCtx));
    const placement = inc && inc.spec.type !== 'opaque'
      ? placeRecords(split.records, inc, state?.high, youngAfter(ctx, inc.rules), (record) => rules.keyOf(record, mapCtx))
      : { placed: split.records, rejected: [], high: undefined, waiting: false };
    const { changes, failed } = rules.toChanges(placement.placed, mapCtx);
    failed.push(...placement.rejected);
    changes.unshift(...split.listed);
    const progress = readProgress?.({
      position: page.position, body: fetched.response.body, records: fetched.records.length, recordsDone: split.rest?.recordsDone,
    });
    const outcome: PageOutcome = { changes, failed, fetched, cursor, high: placement.high, until, full: ctx.full, progress };

    if (placement.waiting) {
      // An ascending feed reached a record younger than the buffer: it and the rest wait.
      cache.delete(partitionKey);
      return finished(outcome, cursorState(finalCursor(cursor, placement.high, until, inc!.rules)));
    }
    if (split.rest) return going(outcome, { cursor, high: placement.high, page: { position: page.position, skip: split.rest.skip, done: split.rest.done } });
    cache.delete(partitionKey);
    return afterPage(rules, outcome);
  };
}

function afterPage(rules: PhaseRules, outcome: PageOutcome): PhaseResult {
  const { fetched, cursor, high, until } = outcome;
  const inc = rules.incremental;
  if (inc?.pagedByCursor) return afterCursorPage(rules, outcome);
  if (!fetched.next.done) return going(outcome, { cursor, high, page: { position: fetched.next.position, skip: 0 } });
  if (!inc) return finished(outcome, undefined);
  if (inc.spec.type === 'opaque') {
    const token = selectFirst(inc.spec.field, fetched.response.body);
    const next = token === undefined || token === null ? cursor : { value: canonicalValue(token, inc.rules, inc.spec.field), id: null };
    return finished(outcome, cursorState(next));
  }
  return finished(outcome, cursorState(finalCursor(cursor, high, until, inc.rules)));
}

/**
 * Keyset and requery: persist the position after every page; end the cycle at the buffer boundary.
 * A last page with no records moves the cursor up to now − buffer, as finalCursor does: everything
 * older is visible by then, and a cursor left at the last record would lag ever further behind.
 *
 * A full cycle does not stop at the boundary: it sweeps every row it did not read, so it reads to
 * the end (records newer than the boundary are live too) and only the cursor it leaves is capped.
 */
function afterCursorPage(rules: PhaseRules, outcome: PageOutcome): PhaseResult {
  const { fetched, cursor, until } = outcome;
  const cursorRules = rules.incremental!.rules;
  const reached = fetched.next.done ? undefined : positionCursor(rules, fetched.next.position);
  const position = (reached && { value: reached.value, id: reached.id }) ?? outcome.high ?? finalCursor(cursor, undefined, until, cursorRules);
  const pastBoundary = position !== undefined && until !== undefined && compareValues(position.value, until.value, cursorRules.type) > 0;
  // Records newer than now − buffer were read early; the next cycle reads them again from the cap.
  const capped = pastBoundary ? until : position;
  if (fetched.next.done || (pastBoundary && !outcome.full)) return finished(outcome, cursorState(capped));
  return going(outcome, { cursor: position, page: { position: fetched.next.position, skip: 0 } });
}

/**
 * The cursor at a keyset/requery position, its value canonical like every cursor value: compared
 * and rendered raw, a zone-less `sql` timestamp would be read in the machine's time zone.
 */
function positionCursor(rules: PhaseRules, position: unknown): RequestCursor | undefined {
  const reached = rules.stream.templateCursor(position);
  const inc = rules.incremental;
  if (!reached || !inc) return reached;
  return { ...reached, value: canonicalValue(reached.value, inc.rules, 'pagination position') };
}

/** min(high-water, now − buffer); now − buffer after a cycle with no records; never backwards. */
function finalCursor(cursor: CursorPosition | undefined, high: CursorPosition | undefined, until: CursorPosition | undefined, rules: CursorRules): CursorPosition | undefined {
  let next = high ?? until ?? cursor;
  if (next && until && compareValues(next.value, until.value, rules.type) > 0) next = until;
  if (cursor && next && comparePositions(next, cursor, rules.type) < 0) next = cursor;
  return next;
}

/** Epoch ms after which an event-feed record is too young to consume; undefined without a timeField. */
function youngAfter(ctx: ExecuteContext, rules: CursorRules): number | undefined {
  return rules.timeField === undefined ? undefined : ctx.cycleStartedAt.getTime() - rules.bufferMs;
}

interface Placement {
  placed: unknown[];
  rejected: FailedRecord[];
  high: CursorPosition | undefined;
  /** An ascending feed stopped at a record younger than the buffer. */
  waiting: boolean;
}

/**
 * Places each record on the cursor and returns the highest (value, id). A record whose cursor
 * field is unreadable cannot be placed, so it is reported as failed instead of being written
 * while the cursor silently skips past it.
 */
function placeRecords(
  records: unknown[], inc: IncrementalRules, previous: CursorPosition | undefined,
  youngAfterMs: number | undefined, keyOf: (record: unknown) => string | null,
): Placement {
  let high = previous;
  const placed: unknown[] = [];
  const rejected: FailedRecord[] = [];
  for (const record of records) {
    try {
      if (youngAfterMs !== undefined && recordTime(record, inc.rules) > youngAfterMs) {
        if (inc.rules.descending) continue;
        return { placed, rejected, high, waiting: true };
      }
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
  return { placed, rejected, high, waiting: false };
}

function recordTime(record: unknown, rules: CursorRules): number {
  const raw = selectFirst(rules.timeField!, record);
  const ms = timestampMs(raw, rules.format);
  if (ms === undefined) throw new SyncError('bad-cursor', `timeField ${rules.timeField}: expected a timestamp, got ${describeRaw(raw)}`);
  return ms;
}

function cursorState(cursor: CursorPosition | undefined): PhaseState | undefined {
  return cursor ? { cursor } : undefined;
}

interface SplitPage {
  listed: Change[];
  records: unknown[];
  /** The page state after this part, when more of the page remains, and how many of its records are committed with this part. */
  rest?: Pick<PageState, 'skip' | 'done'> & { recordsDone: number };
}

/**
 * The next part of a page: its listed deletions (`deletes.ids`) then its records, at most
 * maxChanges of them, so no commit exceeds the limit whichever kind they are. A split page
 * remembers the keys it committed, not just how many: fetched again after a restart, the page
 * may have shifted (a record removed or moved at the source), and resuming by count would skip
 * a record never written. Records without a key fall back to their place on the page.
 */
function splitPage(page: PageState, listed: Change[], records: unknown[], maxChanges: number, keyOf: (record: unknown) => string | null): SplitPage {
  if (page.skip === 0 && !page.done && listed.length + records.length <= maxChanges) return { listed, records };
  const items = [
    ...listed.map((change) => ({ id: `deleted:${change.key}`, listed: change, record: undefined as unknown })),
    ...records.map((record, index) => ({ id: identity(keyOf(record), index), listed: undefined, record })),
  ];
  // A key can appear twice on a page (an update, then a delete event of the same object): count
  // occurrences so the second is not taken for the first.
  const seen = new Map<string, number>();
  for (const item of items) {
    const n = (seen.get(item.id) ?? 0) + 1;
    seen.set(item.id, n);
    if (n > 1) item.id = `${item.id}#${n}`;
  }
  const done = new Set(page.done ?? items.slice(0, page.skip).map((item) => item.id));
  const remaining = items.filter((item) => !done.has(item.id));
  const taken = remaining.slice(0, maxChanges);
  for (const item of taken) done.add(item.id);
  return {
    listed: taken.flatMap((item) => (item.listed ? [item.listed] : [])),
    records: taken.filter((item) => !item.listed).map((item) => item.record),
    rest: remaining.length > taken.length
      ? { skip: done.size, done: [...done], recordsDone: items.filter((item) => !item.listed && done.has(item.id)).length }
      : undefined,
  };
}

function identity(key: string | null, index: number): string {
  return key === null ? `#${index}` : `key:${key}`;
}

function going(outcome: PageOutcome, state: PhaseState): PhaseResult {
  return withProgress({ changes: outcome.changes, failed: outcome.failed, done: false, state }, outcome);
}

function finished(outcome: PageOutcome, state: PhaseState | undefined): PhaseResult {
  return withProgress({ changes: outcome.changes, failed: outcome.failed, done: true, state }, outcome);
}

/** Only when known: a result without a total has no `progress` key at all. */
function withProgress(result: PhaseResult, outcome: PageOutcome): PhaseResult {
  if (outcome.progress) result.progress = outcome.progress;
  return result;
}
