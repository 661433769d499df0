/**
 * ServiceNow Table API style: keyset pagination written in its own encoded-query language, e.g.
 *   sys_updated_on>X^NQsys_updated_on=X^sys_id>Y^ORDERBYsys_updated_on^ORDERBYsys_id
 * Only a small part of that language is parsed, with ServiceNow's documented precedence: `^NQ`
 * ("new query") splits the string into sub-queries that are OR-ed; inside one, terms
 * `field<op>value` are joined by `^` (AND), and a `^OR` term is OR-ed with the term just before it
 * only, so `a^ORb^c` is (a OR b) AND c and each sub-query is an AND of OR-clauses. `ORDERBY` /
 * `ORDERBYDESC` sort. The string above is therefore the keyset predicate; the tempting
 * `sys_updated_on>X^ORsys_updated_on=X^sys_id>Y` means (updated >= X) AND sys_id > Y and skips rows.
 * Timestamps have second precision (`YYYY-MM-DD HH:mm:ss`, UTC), so ties are far more common than
 * on the millisecond endpoints — as they are in ServiceNow.
 */
import type { SourceRecord } from '../data.js';
import type { SandboxCtx, SandboxRoute } from '../env.js';
import { HttpError, json, type Reply } from '../http.js';
import { compareIds, lowerBound } from '../order.js';
import { DEFAULT_LIMIT, inWindow, intParam, MAX_LIMIT, windowParams } from '../paging.js';
import { visible } from './common.js';

type Op = '=' | '!=' | '>' | '>=' | '<' | '<=';
interface Term {
  field: string;
  op: Op;
  value: string;
  /** For datetime fields: the ISO bounds [start, end) of the second named by `value`. */
  second?: [string, string];
}
interface Order {
  field: string;
  desc: boolean;
}
/** Terms OR-ed together: one term, or a term followed by its `^OR` terms. */
type Clause = Term[];
interface SnowQuery {
  /** The `^NQ` sub-queries, OR-ed; each is an AND of clauses. Empty means "every record". */
  queries: Clause[][];
  orderBy: Order[];
}
type SnowRow = SourceRecord & { sys_id: string; sys_updated_on: string; sys_created_on: string };

const DATETIME_FIELDS = new Set(['sys_updated_on', 'sys_created_on']);
const FIELDS = new Set([...DATETIME_FIELDS, 'sys_id', 'id', 'name', 'email', 'phone', 'company_id', 'stage', 'score', 'active', 'owner_email', 'status', 'created_at', 'updated_at']);
const DATETIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

function snowError(message: string): HttpError {
  return new HttpError(400, 'invalid_query', message, {}, { error: { message, detail: 'sysparm_query' }, status: 'failure' });
}

function parseTerm(text: string): Term {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(>=|<=|!=|>|<|=)(.*)$/.exec(text);
  if (!m) throw snowError(`cannot parse query term ${JSON.stringify(text)}`);
  const [, field, op, value] = m;
  if (!FIELDS.has(field)) throw snowError(`unknown field ${field}; queryable: ${[...FIELDS].join(', ')}`);
  if (!DATETIME_FIELDS.has(field)) return { field, op: op as Op, value };
  // An empty value sorts before every time, so a first keyset request with no cursor yet
  // (`sys_updated_on>^NQsys_updated_on=^sys_id>`) means "from the beginning".
  if (value === '') return { field, op: op as Op, value, second: ['', ''] };
  if (!DATETIME.test(value)) throw snowError(`${field} needs a value like 2024-01-31 23:59:59`);
  const start = Date.parse(`${value.replace(' ', 'T')}Z`);
  return { field, op: op as Op, value, second: [new Date(start).toISOString(), new Date(start + 1000).toISOString()] };
}

function parseSnowQuery(query: string): SnowQuery {
  const queries: Clause[][] = [];
  const orderBy: Order[] = [];
  for (const part of query.split('^NQ')) {
    const clauses: Clause[] = [];
    for (const token of part.split('^')) {
      if (token === '') continue;
      if (token.startsWith('ORDERBYDESC')) orderBy.push({ field: token.slice(11), desc: true });
      else if (token.startsWith('ORDERBY')) orderBy.push({ field: token.slice(7), desc: false });
      else if (token.startsWith('OR')) {
        const previous = clauses.at(-1);
        if (!previous) throw snowError(`^${token} has no term before it to OR with`);
        previous.push(parseTerm(token.slice(2)));
      } else clauses.push([parseTerm(token)]);
    }
    if (clauses.length > 0) queries.push(clauses);
  }
  for (const o of orderBy) if (!FIELDS.has(o.field)) throw snowError(`cannot order by ${o.field}`);
  return { queries, orderBy };
}

function compare(a: unknown, b: unknown): number {
  const x = String(a);
  const y = String(b);
  if (x !== '' && y !== '' && !Number.isNaN(Number(x)) && !Number.isNaN(Number(y))) return Number(x) - Number(y);
  return x < y ? -1 : x > y ? 1 : 0;
}

const toSnowTime = (isoTime: string) => isoTime.slice(0, 19).replace('T', ' ');

/** A field as the query sees it; the sys_* names are computed, so rows are only converted for output. */
function field(r: SourceRecord, name: string): unknown {
  if (name === 'sys_id') return r.id;
  if (name === 'sys_updated_on') return toSnowTime(r.updated_at);
  if (name === 'sys_created_on') return toSnowTime(r.created_at);
  return r[name];
}

/**
 * Datetime terms compare the record's ISO timestamp with the bounds of the named second, which equals
 * comparing second-precision values without converting every row of a large table.
 */
function holds(row: SourceRecord, { field: name, op, value, second }: Term): boolean {
  let c: number;
  if (second) {
    const ts = name === 'sys_updated_on' ? row.updated_at : row.created_at;
    c = ts < second[0] ? -1 : ts >= second[1] ? 1 : 0;
  } else {
    c = compare(field(row, name), value);
  }
  switch (op) {
    case '=': return c === 0;
    case '!=': return c !== 0;
    case '>': return c > 0;
    case '>=': return c >= 0;
    case '<': return c < 0;
    case '<=': return c <= 0;
  }
}

function matches(row: SourceRecord, q: SnowQuery): boolean {
  return q.queries.length === 0 || q.queries.some((clauses) => clauses.every((clause) => clause.some((term) => holds(row, term))));
}

/**
 * Contacts in (sys_updated_on, sys_id) order. It differs from (updated_at, id) only inside one second,
 * so the (updated_at, id) list is re-sorted by id within each run of one second: linear, no full sort.
 */
function snowOrder(ctx: SandboxCtx): SourceRecord[] {
  const view = visible(ctx);
  return view.memo('contacts', 'servicenow', () => {
    const rows = [...view.byUpdated('contacts')];
    const second = (i: number) => rows[i].updated_at.slice(0, 19);
    let start = 0;
    while (start < rows.length) {
      let end = start + 1;
      while (end < rows.length && second(end) === second(start)) end++;
      if (end - start > 1) {
        const run = rows.slice(start, end).sort(compareIds);
        for (let k = 0; k < run.length; k++) rows[start + k] = run[k];
      }
      start = end;
    }
    return rows;
  });
}

function toSnowRow(r: SourceRecord): SnowRow {
  return { sys_id: r.id, sys_updated_on: toSnowTime(r.updated_at), sys_created_on: toSnowTime(r.created_at), ...r };
}

/**
 * The slice of the (sys_updated_on, sys_id)-ordered rows that can match: in each sub-query the
 * clauses that are a single sys_updated_on term bound it (the order is monotone in the second; an
 * OR-clause bounds nothing), and the span of the sub-queries' ranges is kept. A keyset walk over a
 * large table then scans one page's worth of rows, not the table.
 */
function candidates(rows: readonly SourceRecord[], q: SnowQuery): readonly SourceRecord[] {
  if (q.queries.length === 0) return rows;
  const sec = (r: SourceRecord) => toSnowTime(r.updated_at);
  const ranges = q.queries.map((clauses) => {
    let start = 0;
    let end = rows.length;
    for (const clause of clauses) {
      if (clause.length !== 1 || clause[0].field !== 'sys_updated_on') continue;
      const { op, value } = clause[0];
      if (op === '>') start = Math.max(start, lowerBound(rows, (r) => sec(r) <= value));
      if (op === '>=' || op === '=') start = Math.max(start, lowerBound(rows, (r) => sec(r) < value));
      if (op === '<') end = Math.min(end, lowerBound(rows, (r) => sec(r) < value));
      if (op === '<=' || op === '=') end = Math.min(end, lowerBound(rows, (r) => sec(r) <= value));
    }
    return [start, end] as const;
  });
  const start = Math.min(...ranges.map(([s]) => s));
  const end = Math.max(...ranges.map(([, e]) => e));
  return rows.slice(start, Math.max(start, end));
}

function table(ctx: SandboxCtx): Reply {
  const raw = ctx.query.get('sysparm_query') ?? '';
  const query = parseSnowQuery(raw);
  const limit = intParam(ctx.query, 'sysparm_limit', DEFAULT_LIMIT, 1, MAX_LIMIT);
  const offset = intParam(ctx.query, 'sysparm_offset', 0, 0);
  const window = windowParams(ctx.query);
  let rows = visible(ctx).memo('contacts', `servicenow:${raw}:${window.since}:${window.before}`, () =>
    candidates(snowOrder(ctx), query).filter((r) => matches(r, query) && inWindow(r.updated_at, window)),
  );
  // The cached rows are already in the default order; sort only for a different ORDERBY.
  const defaultOrder = query.orderBy.every((o, i) => !o.desc && o.field === ['sys_updated_on', 'sys_id'][i]);
  if (!defaultOrder) {
    const keys = [...query.orderBy, { field: 'sys_id', desc: false }];
    rows = [...rows].sort((a, b) => {
      for (const k of keys) {
        const c = compare(field(a, k.field), field(b, k.field));
        if (c !== 0) return k.desc ? -c : c;
      }
      return 0;
    });
  }
  return json({ result: rows.slice(offset, offset + limit).map(toSnowRow) }, { 'x-total-count': String(rows.length) });
}

export const serviceNowRoutes: SandboxRoute[] = [{ method: 'GET', path: '/v1/snow/contacts', auth: 'bearer', handle: table }];
