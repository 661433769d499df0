/**
 * One stream walked through one cycle, one page (or part of a page) per call: fetch the page at a
 * position, split it to maxChangesPerCommit, track the high-water mark, finish the cycle. Written once
 * for every stream a sync runs: its own records (the delta) and, flip-flop, its delete stream.
 *
 * State (plain JSON, stored verbatim in checkpoints; its shape and format: state-format.ts):
 * - `page`: where the cycle is — the paginator position of the next page, how many of its items are
 *   already committed (a page larger than maxChangesPerCommit is split; which items, the page log
 *   says: page-parts.ts), and how many pages and records the cycle has read before it (walk-guard.ts).
 * - `cursor` (incremental): the lower bound the requests use; it moves only at the end of a cycle,
 *   except with keyset and requery pagination, where the position after each page *is* the cursor.
 * - `high` (incremental): the highest record position seen so far in this cycle. Taking the
 *   maximum over every record (not the last one) makes newest-first feeds safe (placement.ts).
 */
import type { Change, ExecuteContext, FailedRecord, PageLogUpdate } from '../core/types.js';
import type { Cursor as CursorSpec, Paginator } from '../spec/model.generated.js';
import { selectFirst } from '../extract/jsonpath.js';
import { describeRequest } from '../http/request.js';
import type { MapContext } from '../mapping/record-mapper.js';
import type { TemplateContext } from '../template/render.js';
import {
  canonicalValue, comparePositions, compareValues, initialPosition, renderValue, upperBound, type CursorPosition, type CursorRules,
} from './cursor.js';
import { nextPart, type CachedPage } from './page-parts.js';
import type { PageState, PhaseState } from './state-format.js';
import { placeRecords, youngAfter } from './placement.js';
import { compileProgress, type CycleProgress } from './progress.js';
import type { PageChanges } from './records.js';
import type { FetchedPage, Stream } from './stream.js';
import { WalkGuard, type WalkCount, type WalkLimits } from './walk-guard.js';

// The stored shape of a stream's state (PhaseState, PageState) is state-format.ts's.
export type { PageState, PhaseState } from './state-format.js';

export interface IncrementalRules {
  spec: CursorSpec;
  rules: CursorRules;
  /** Keyset and requery pagination: the page position is the cursor. */
  pagedByCursor: boolean;
}

export interface PhaseRules {
  stream: Stream;
  /** The stream's paginator spec, for progress when it reads a total (`stop.total`). */
  paginate?: Paginator;
  incremental?: IncrementalRules;
  maxChanges: number;
  limits: WalkLimits;
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
  /** What this part commits of a split page (see PageParts). */
  pageLog?: PageLogUpdate;
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
  /** The walk so far, this page included: what the next page's state carries. */
  count: WalkCount;
  /** A full cycle: it must read to the end, because it sweeps what it did not read. */
  full: boolean;
  progress: CycleProgress | undefined;
  pageLog: PageLogUpdate | undefined;
}

export function compilePhase(rules: PhaseRules): Phase {
  // One entry per partition: partitions of a sync may run concurrently through this one closure.
  // The cached page saves fetching a split page once per commit.
  const cache = new Map<string, CachedPage>();
  const guard = new WalkGuard(rules.limits);
  const readProgress = compileProgress(rules.paginate);

  return async (state, ctx) => {
    const inc = rules.incremental;
    const cursor = state?.cursor ?? (inc && initialPosition(inc.rules, ctx.cycleStartedAt));
    const page = state?.page ?? { position: rules.stream.firstPosition(), skip: 0 };
    const count: WalkCount = { pages: page.pages ?? 0, records: page.records ?? 0 };
    const until = inc ? upperBound(ctx.cycleStartedAt, inc.rules) : undefined;
    const requestCursor: RequestCursor | undefined = positionCursor(rules, page.position) ?? (inc ? cursor : undefined);
    const templateCtx = templateContext(rules, ctx, requestCursor, until);
    const partitionKey = ctx.partition.key;
    const cacheKey = JSON.stringify([page.position, requestCursor ?? null]);
    // A cycle starting from the first page never reuses a page of an earlier cycle.
    if (!state?.page) {
      cache.delete(partitionKey);
      guard.forget(partitionKey);
    }
    const request = () => rules.stream.describe(page.position, templateCtx);
    let cached = cache.get(partitionKey);
    if (cached?.key !== cacheKey) {
      guard.beforePage(partitionKey, positionAt(page.position), count, request);
      const fetched = await rules.stream.fetch(page.position, templateCtx, ctx);
      guard.afterPage(count, fetched.records.length, () => describeRequest(fetched.response.request));
      cached = { key: cacheKey, page: fetched };
      cache.set(partitionKey, cached);
    }
    const fetched = cached.page;

    const mapCtx: MapContext = { vars: rules.vars, partition: ctx.partition.value };
    const keyOf = (record: unknown) => rules.keyOf(record, mapCtx);
    const listed = rules.listed ? rules.listed(fetched.response.body) : [];
    const part = await nextPart(cached, page, listed, fetched.records, rules.maxChanges, keyOf, ctx);
    const placement = inc && inc.spec.type !== 'opaque'
      ? placeRecords(part.records, inc, state?.high, youngAfter(ctx, inc.rules), keyOf)
      : { placed: part.records, rejected: [], high: undefined, waiting: false };
    const { changes, failed } = rules.toChanges(placement.placed, mapCtx);
    failed.push(...placement.rejected);
    changes.unshift(...part.listed);
    const progress = readProgress?.({
      position: page.position, body: fetched.response.body, records: fetched.records.length, recordsDone: part.rest?.recordsDone,
    });
    const walked = { pages: count.pages + 1, records: count.records + fetched.records.length };
    const outcome: PageOutcome = { changes, failed, fetched, cursor, high: placement.high, until, count: walked, full: ctx.full, progress, pageLog: part.pageLog };

    if (placement.waiting) {
      // An ascending feed reached a record younger than the buffer: it and the rest wait.
      cache.delete(partitionKey);
      guard.forget(partitionKey);
      return finished({ ...outcome, pageLog: part.clears }, cursorState(finalCursor(cursor, placement.high, until, inc!.rules)));
    }
    if (part.rest) return going(outcome, { cursor, high: placement.high, page: pageAt(page.position, part.rest.skip, count) });
    cache.delete(partitionKey);
    const result = afterPage(rules, outcome);
    if (result.done) guard.forget(partitionKey);
    return result;
  };
}

function templateContext(rules: PhaseRules, ctx: ExecuteContext, requestCursor: RequestCursor | undefined, until: CursorPosition | undefined): TemplateContext {
  const inc = rules.incremental;
  return {
    vars: rules.vars, secrets: rules.secrets, partition: ctx.partition.value,
    now: ctx.cycleStartedAt.toISOString(),
    until: until ? String(until.value) : undefined,
    cursor: requestCursor && {
      value: inc ? renderValue(requestCursor.value, inc.rules) : requestCursor.value,
      id: requestCursor.id,
      ...(requestCursor.tie !== undefined && { tie: requestCursor.tie }),
    },
  };
}

function afterPage(rules: PhaseRules, outcome: PageOutcome): PhaseResult {
  const { fetched, cursor, high, until, count } = outcome;
  const inc = rules.incremental;
  if (inc?.pagedByCursor) return afterCursorPage(rules, outcome);
  if (!fetched.next.done) return going(outcome, { cursor, high, page: pageAt(fetched.next.position, 0, count) });
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
  const { fetched, cursor, until, count } = outcome;
  const cursorRules = rules.incremental!.rules;
  const reached = fetched.next.done ? undefined : positionCursor(rules, fetched.next.position);
  const position = (reached && { value: reached.value, id: reached.id }) ?? outcome.high ?? finalCursor(cursor, undefined, until, cursorRules);
  const pastBoundary = position !== undefined && until !== undefined && compareValues(position.value, until.value, cursorRules.type) > 0;
  // Records newer than now − buffer were read early; the next cycle reads them again from the cap.
  const capped = pastBoundary ? until : position;
  if (fetched.next.done || (pastBoundary && !outcome.full)) return finished(outcome, cursorState(capped));
  return going(outcome, { cursor: position, page: pageAt(fetched.next.position, 0, count) });
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

/**
 * min(high-water, now − buffer); now − buffer after a cycle with no records; never backwards.
 *
 * A high on a whole second (or day) at least that far below now − buffer is passed by it: the cycle
 * read every record from the cursor on, and all of (high, high + 1 s] is old enough to be visible, so
 * it holds none — while an API whose `since` is inclusive (GitHub, Zendesk) would answer every record
 * of that second again in each idle cycle, all of a bulk edit of thousands.
 */
function finalCursor(cursor: CursorPosition | undefined, high: CursorPosition | undefined, until: CursorPosition | undefined, rules: CursorRules): CursorPosition | undefined {
  let next = high ?? until ?? cursor;
  if (next && until && compareValues(next.value, until.value, rules.type) > 0) next = until;
  else if (next && next === high && until && rules.type === 'timestamp') next = pastWholeSecond(high, until, rules);
  if (cursor && next && comparePositions(next, cursor, rules.type) < 0) next = cursor;
  return next;
}

function pastWholeSecond(high: CursorPosition, until: CursorPosition, rules: CursorRules): CursorPosition {
  const ms = Date.parse(String(high.value));
  const step = rules.format === 'date' ? 86_400_000 : 1000;
  if (ms % step !== 0) return high;
  const after = new Date(ms + step).toISOString();
  return compareValues(after, until.value, rules.type) <= 0 ? { value: after, id: null } : high;
}

/** A page state; the walk's counts only once there are some (a cycle's first page has none). */
function pageAt(position: unknown, skip: number, count: WalkCount): PageState {
  const page: PageState = { position, skip };
  if (count.pages > 0) page.pages = count.pages;
  if (count.records > 0) page.records = count.records;
  return page;
}

/** The paginator's own position of a page state (`{ at, previousPage }` → `at`). */
function positionAt(position: unknown): unknown {
  return position !== null && typeof position === 'object' && 'at' in position ? (position as { at: unknown }).at : position;
}

function cursorState(cursor: CursorPosition | undefined): PhaseState | undefined {
  return cursor ? { cursor } : undefined;
}

function going(outcome: PageOutcome, state: PhaseState): PhaseResult {
  return withExtras({ changes: outcome.changes, failed: outcome.failed, done: false, state }, outcome);
}

function finished(outcome: PageOutcome, state: PhaseState | undefined): PhaseResult {
  return withExtras({ changes: outcome.changes, failed: outcome.failed, done: true, state }, outcome);
}

/** Only when known: a result without a total has no `progress` key at all. */
function withExtras(result: PhaseResult, outcome: PageOutcome): PhaseResult {
  if (outcome.progress) result.progress = outcome.progress;
  if (outcome.pageLog) result.pageLog = outcome.pageLog;
  return result;
}
