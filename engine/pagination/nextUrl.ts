/**
 * The body carries the next page's URL (Salesforce `nextRecordsUrl`, Microsoft Graph `@odata.nextLink`).
 * The URL replaces the request's URL and query: it already says everything the next page needs.
 */
import type { PaginateNextUrl } from '../spec/model.generated.js';
import { requestUrl, resolveUrl, type HttpRequest } from '../http/request.js';
import { describeValue, selectFirst } from '../extract/jsonpath.js';
import { PaginationError } from './errors.js';
import type { Page, PaginatorStyle } from './style.js';

export const nextUrl: PaginatorStyle<PaginateNextUrl, string> = {
  defaultStop: { missingToken: true },
  noun: 'page URL',
  firstPosition: () => undefined,
  applyPosition: (_spec, request, position) => applyUrl(request, position),
  nextPosition(spec, page) {
    const value = selectFirst(spec.path, page.response.body);
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') {
      throw new PaginationError(`${page.request}: the next page URL at ${spec.path} is not a string (got ${describeValue(value)})`);
    }
    // `?page=2` is relative to the page it came from; paths are relative to the API's base URL.
    return value.startsWith('?') ? new URL(value, page.response.url).href : new URL(resolveUrl(page.baseUrl, value)).href;
  },
  fetchedAt: (_spec, page) => fetchedUrl(page),
};

/** Next-URL styles: the position is the whole URL. */
export function applyUrl(request: HttpRequest, position: string | undefined): HttpRequest {
  return position === undefined ? request : { ...request, url: position, query: {} };
}

/** The absolute URL a page was fetched from, to compare with the next one. */
export function fetchedUrl(page: Page<string>): string {
  return new URL(requestUrl(page.response.request, page.baseUrl)).href;
}
