/**
 * Requery pagination, for search APIs that sort by one field and page by re-issuing the query from the last
 * value seen (HubSpot search: `updated_at GT :t`, `sorts: [updated_at]`). Such a walk deadlocks when more
 * records share one value than a page holds (a bulk edit): `GT t` skips the rest of them, `GTE t` returns the
 * same page forever. So after every full page the walk pages through its last value T alone, by `idField`,
 * from the start of T (the API's order within T is arbitrary: the page may hold any subset of T), and then
 * continues strictly after T. Each full page costs one tie request more; nothing tied is ever skipped.
 *
 * Positions, as {{cursor}} sees them (the request templates the query shape):
 * - undefined: the first request; the caller's own cursor applies (an incremental cursor, or none).
 * - `{ value: T, id: null, tie: true }`: the records with field = T, from the first id.
 * - `{ value: T, id: X, tie: true }`: the records with field = T and id > X.
 * - `{ value: T, id: null, tie: false }`: the records with field > T.
 */
import type { PaginateRequery } from '../spec/model.generated.js';
import { jsonEqual } from '../extract/jsonEqual.js';
import { describeValue, selectFirst } from '../extract/jsonpath.js';
import { PaginationError } from './errors.js';
import { toPageSize } from './param.js';
import type { Page, PaginatorIssue, PaginatorStyle } from './style.js';

export interface RequeryPosition {
  value: unknown;
  id: string | null;
  tie: boolean;
}

export const requery: PaginatorStyle<PaginateRequery, RequeryPosition> = {
  // A short page ends the walk only outside a tie walk; nextPosition decides, and says so with undefined.
  defaultStop: { missingToken: true },
  noun: 'requery position',
  rereadsRecords: true,
  check(spec) {
    const issues: PaginatorIssue[] = [];
    if (spec.pageSize === undefined) {
      // A full page is what tells requery that the page may end inside a run of tied values.
      issues.push({
        path: [],
        code: 'missing-page-size',
        message: 'requery pagination needs pageSize: a full page is what starts a walk through records that share one value',
      });
    }
    if (spec.stop?.shortPage === true) {
      issues.push({
        path: ['stop', 'shortPage'],
        code: 'bad-stop',
        message:
          'stop.shortPage does not fit requery pagination: a short page inside a walk through tied records is not the end; ' +
          'requery stops on a short page by itself',
      });
    }
    return issues;
  },
  firstPosition: () => undefined,
  applyPosition: (_spec, request) => request,
  nextPosition(spec, page) {
    const full = page.records.length >= toPageSize(spec.pageSize)!.value;
    const at = page.position;
    if (at?.tie) {
      checkTied(spec, page, at.value);
      return full ? { value: at.value, id: lastId(spec, page), tie: true } : { value: at.value, id: null, tie: false };
    }
    if (!full) return undefined;
    return { value: lastValue(spec, page), id: null, tie: true };
  },
  cursor: {
    fields: ['value', 'id', 'tie'],
    requires: [
      { fields: ['value'], code: 'requery-without-cursor', cannot: 'advance', fix: 'send it in the query or body' },
      {
        fields: ['tie', 'id'],
        code: 'requery-without-tie',
        cannot: 'get past records that share one value',
        fix: 'while cursor.tie is true, ask for that value alone after cursor.id, e.g. {{#if cursor.tie}}…{{cursor.id}}…{{/if}}',
      },
    ],
    at: (position) => (position === undefined ? undefined : { value: position.value, id: position.id, tie: position.tie }),
  },
};

function lastValue(spec: PaginateRequery, page: Page<RequeryPosition>): unknown {
  const last = page.records[page.records.length - 1];
  const value = selectFirst(spec.field, last);
  if (value === undefined || value === null || typeof value === 'object') {
    throw new PaginationError(
      `${page.request}: requery field ${spec.field} is not a scalar in the page's last record (got ${describeValue(value)})`,
    );
  }
  return value;
}

function lastId(spec: PaginateRequery, page: Page<RequeryPosition>): string {
  const last = page.records[page.records.length - 1];
  const id = selectFirst(spec.idField, last);
  if (id === undefined || id === null || typeof id === 'object') {
    throw new PaginationError(
      `${page.request}: requery idField ${spec.idField} is not a scalar in the page's last record (got ${describeValue(id)})`,
    );
  }
  return String(id);
}

/**
 * A tie page holds the tied value only. A record with another value means the request ignores
 * {{cursor.tie}}; walking on would skip or repeat records without end.
 */
function checkTied(spec: PaginateRequery, page: Page<RequeryPosition>, tied: unknown): void {
  const index = page.records.findIndex((record) => !jsonEqual(selectFirst(spec.field, record), tied));
  if (index === -1) return;
  const found = selectFirst(spec.field, page.records[index]);
  const shown = found === undefined || (typeof found === 'object' && found !== null) ? describeValue(found) : JSON.stringify(found);
  throw new PaginationError(
    `${page.request}: while paging through records with ${spec.field} = ${JSON.stringify(tied)}, record ${index + 1} ` +
      `of the page has ${shown}; when {{cursor.tie}} is true the request must ask for {{cursor.value}} ` +
      'alone (EQ), ordered by the idField, after {{cursor.id}}',
  );
}
