/**
 * HubSpot-style POST search. `after` is a plain offset into the result and, as in HubSpot, results
 * past 10,000 cannot be reached. A client that pages incrementally with `updated_at GTE last` and a
 * one-field sort deadlocks on a timestamp shared by more records than a page holds; getting out needs
 * a second filter group (`updated_at EQ t AND id GT last_id`) — all expressible here.
 */
import type { SourceRecord } from '../data.js';
import type { SandboxCtx, SandboxRoute } from '../env.js';
import { HttpError, json, type Reply } from '../http.js';
import { DEFAULT_LIMIT, intValue, MAX_LIMIT, sliceWindow, type Window } from '../paging.js';
import { visible } from './common.js';

export const SEARCH_MAX_OFFSET = 10_000;
const OPERATORS = ['EQ', 'NEQ', 'GT', 'GTE', 'LT', 'LTE'] as const;
type Operator = (typeof OPERATORS)[number];
interface Filter {
  propertyName: string;
  operator: Operator;
  value: string;
}
interface Sort {
  propertyName: string;
  direction: 'ASCENDING' | 'DESCENDING';
}

/** Datetime properties: filter values are epoch ms, as in HubSpot. */
const TIME_PROPS = new Set(['updated_at', 'created_at']);

function invalid(message: string): HttpError {
  return new HttpError(400, 'VALIDATION_ERROR', message, {}, { status: 'error', category: 'VALIDATION_ERROR', message });
}

/** Time values (epoch ms, or ISO) become ISO strings once here, so matching compares strings, not dates. */
function parseFilter(raw: unknown): Filter {
  const f = raw as Partial<Filter>;
  if (!f || typeof f.propertyName !== 'string') throw invalid('each filter needs a propertyName');
  if (!OPERATORS.includes(f.operator as Operator)) throw invalid(`operator must be one of ${OPERATORS.join(', ')}`);
  if (typeof f.value !== 'string' && typeof f.value !== 'number') throw invalid(`filter on ${f.propertyName} needs a value`);
  let value = String(f.value);
  if (TIME_PROPS.has(f.propertyName)) {
    const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
    if (Number.isNaN(ms)) throw invalid(`${f.propertyName} filters take epoch milliseconds`);
    value = new Date(ms).toISOString();
  }
  return { propertyName: f.propertyName, operator: f.operator as Operator, value };
}

function parseSort(raw: unknown): Sort {
  if (typeof raw === 'string') {
    return raw.startsWith('-') ? { propertyName: raw.slice(1), direction: 'DESCENDING' } : { propertyName: raw, direction: 'ASCENDING' };
  }
  const s = raw as Partial<Sort>;
  if (!s || typeof s.propertyName !== 'string') throw invalid('each sort is a property name or { propertyName, direction }');
  return { propertyName: s.propertyName, direction: s.direction === 'DESCENDING' ? 'DESCENDING' : 'ASCENDING' };
}

function valueOf(record: SourceRecord, prop: string): number | string {
  const v = record[prop];
  return typeof v === 'number' ? v : String(v ?? '');
}

function compareValues(a: number | string, b: number | string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

type Matcher = (r: SourceRecord) => boolean;

const OUTCOME: Record<Operator, (c: number) => boolean> = {
  EQ: (c) => c === 0,
  NEQ: (c) => c !== 0,
  GT: (c) => c > 0,
  GTE: (c) => c >= 0,
  LT: (c) => c < 0,
  LTE: (c) => c <= 0,
};

/** One closure per filter, built once per request: matching runs over every record of large sets. */
function compileFilter({ propertyName, operator, value }: Filter): Matcher {
  const numeric = Number(value);
  const outcome = OUTCOME[operator];
  return (r) => {
    const actual = valueOf(r, propertyName);
    return outcome(compareValues(actual, typeof actual === 'number' ? numeric : value));
  };
}

function compileGroups(groups: Filter[][]): Matcher {
  if (groups.length === 0) return () => true;
  const compiled = groups.map((g) => g.map(compileFilter));
  return (r) => {
    for (const group of compiled) {
      let all = true;
      for (const test of group) if (!(all = test(r))) break;
      if (all) return true;
    }
    return false;
  };
}

function compareBy(sorts: Sort[]): (a: SourceRecord, b: SourceRecord) => number {
  const keys = [...sorts, { propertyName: 'id', direction: 'ASCENDING' as const }];
  return (a, b) => {
    for (const k of keys) {
      const c = compareValues(valueOf(a, k.propertyName), valueOf(b, k.propertyName));
      if (c !== 0) return k.direction === 'DESCENDING' ? -c : c;
    }
    return 0;
  };
}

const plusOneMs = (isoTime: string) => new Date(Date.parse(isoTime) + 1).toISOString();

/**
 * The updated_at range every match lies in, from the groups' updated_at filters (ISO strings have
 * millisecond precision, so GT t is GTE t+1ms). Unbounded on a side if any group is.
 */
function timeRange(groups: Filter[][]): Window {
  const bounds = groups.map((g) => {
    let since: string | undefined;
    let before: string | undefined;
    for (const f of g.filter((x) => x.propertyName === 'updated_at')) {
      const lo = f.operator === 'GTE' || f.operator === 'EQ' ? f.value : f.operator === 'GT' ? plusOneMs(f.value) : undefined;
      const hi = f.operator === 'LT' ? f.value : f.operator === 'LTE' || f.operator === 'EQ' ? plusOneMs(f.value) : undefined;
      if (lo !== undefined && (since === undefined || lo > since)) since = lo;
      if (hi !== undefined && (before === undefined || hi < before)) before = hi;
    }
    return { since, before };
  });
  if (bounds.length === 0) return {};
  const since = bounds.some((b) => b.since === undefined) ? undefined : bounds.map((b) => b.since!).reduce((a, b) => (a < b ? a : b));
  const before = bounds.some((b) => b.before === undefined) ? undefined : bounds.map((b) => b.before!).reduce((a, b) => (a > b ? a : b));
  return { since, before };
}

/**
 * Matching rows in the requested order. With an updated_at range the candidates come from a binary
 * search over the (updated_at, id) list, so the incremental queries a sync sends stay cheap on large
 * sets; only then are they re-sorted if another order was asked for.
 */
function matchingRows(ctx: SandboxCtx, groups: Filter[][], sorts: Sort[]): SourceRecord[] {
  const view = visible(ctx);
  const matches = compileGroups(groups);
  const names = sorts.map((s) => (s.direction === 'ASCENDING' ? s.propertyName : `-${s.propertyName}`)).join();
  const updatedOrder = names !== '' && ['updated_at', 'id'].slice(0, sorts.length).join() === names;
  const idOrder = names === '' || names === 'id';
  const range = timeRange(groups);
  if (range.since === undefined && range.before === undefined) {
    if (updatedOrder) return view.byUpdated('contacts').filter(matches);
    if (idOrder) return view.byId('contacts').filter(matches);
    return view.byId('contacts').filter(matches).sort(compareBy(sorts));
  }
  const rows = sliceWindow(view.byUpdated('contacts'), range).filter(matches);
  return updatedOrder ? rows : rows.sort(compareBy(sorts));
}

function search(ctx: SandboxCtx): Reply {
  const body = (ctx.body ?? {}) as { filterGroups?: unknown; sorts?: unknown; after?: unknown; limit?: unknown };
  if (body.filterGroups !== undefined && !Array.isArray(body.filterGroups)) throw invalid('filterGroups must be an array');
  if (body.sorts !== undefined && !Array.isArray(body.sorts)) throw invalid('sorts must be an array');
  const groups = ((body.filterGroups ?? []) as Array<{ filters?: unknown[] }>).map((g) => (g?.filters ?? []).map(parseFilter));
  const sorts = ((body.sorts ?? []) as unknown[]).map(parseSort);
  const limit = body.limit === undefined ? DEFAULT_LIMIT : intValue(body.limit, 'limit', 1, MAX_LIMIT);
  const offset = body.after === undefined || body.after === null ? 0 : intValue(String(body.after), 'after', 0);
  if (offset >= SEARCH_MAX_OFFSET) throw invalid(`after may not reach ${SEARCH_MAX_OFFSET}: search results are capped at 10,000`);
  // Filter groups are OR-ed, filters inside a group AND-ed; no groups matches everything.
  const rows = visible(ctx).memo('contacts', `search:${JSON.stringify([groups, sorts])}`, () => matchingRows(ctx, groups, sorts));
  const results = rows.slice(offset, offset + limit);
  const more = offset + limit < rows.length;
  return json(more ? { total: rows.length, results, paging: { next: { after: String(offset + limit) } } } : { total: rows.length, results });
}

export const searchRoutes: SandboxRoute[] = [{ method: 'POST', path: '/v1/search/contacts', auth: 'bearer', handle: search }];
