/**
 * An opaque token sent with the next request: from the body (HubSpot `paging.next.after`), a response
 * header, or the last record (Stripe `starting_after=<last id>`).
 */
import type { PaginateToken } from '../spec/model.generated.js';
import { headerValue } from '../http/request.js';
import { describeValue, selectFirst } from '../extract/jsonpath.js';
import { PaginationError } from './errors.js';
import { placeValue, toTarget } from './param.js';
import type { Page, PaginatorStyle } from './style.js';

export type Token = string | number;

export const token: PaginatorStyle<PaginateToken, Token> = {
  defaultStop: { missingToken: true },
  noun: 'page token',
  firstPosition: () => undefined,
  applyPosition: (spec, request, position) =>
    position === undefined ? request : placeValue(request, toTarget(spec.param), position),
  nextPosition(spec, page) {
    const { source, value } = readToken(spec, page);
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))) return value;
    throw new PaginationError(`${page.request}: the page token at ${source} is not a string or number (got ${describeValue(value)})`);
  },
};

function readToken(spec: PaginateToken, page: Page<Token>): { source: string; value: unknown } {
  if (spec.token.path !== undefined) {
    return { source: spec.token.path, value: selectFirst(spec.token.path, page.response.body) };
  }
  if (spec.token.header !== undefined) {
    return { source: `header ${spec.token.header}`, value: headerValue(page.response.headers, spec.token.header) };
  }
  if (spec.token.lastRecord !== undefined) {
    const last = page.records[page.records.length - 1];
    return {
      source: `${spec.token.lastRecord} of the last record`,
      value: last === undefined ? undefined : selectFirst(spec.token.lastRecord, last),
    };
  }
  throw new PaginationError('paginate.token needs one of path, header or lastRecord');
}
