/** The next page's URL in an RFC 8288 Link header (GitHub, Shopify), resolved against the URL that answered. */
import type { PaginateLinkHeader } from '../spec/model.generated.js';
import { findLink, parseLinkHeader } from '../http/link.js';
import { headerValues } from '../http/request.js';
import { PaginationError } from './errors.js';
import { applyUrl, fetchedUrl } from './nextUrl.js';
import type { PaginatorStyle } from './style.js';

export const linkHeader: PaginatorStyle<PaginateLinkHeader, string> = {
  defaultStop: { missingToken: true },
  noun: 'page URL',
  firstPosition: () => undefined,
  applyPosition: (_spec, request, position) => applyUrl(request, position),
  nextPosition(spec, page) {
    const rel = spec.rel;
    const link = findLink(parseLinkHeader(headerValues(page.response.headers, 'link')), rel);
    if (link === undefined || link.uri === '') return undefined;
    try {
      return new URL(link.uri, page.response.url).href;
    } catch {
      throw new PaginationError(`${page.request}: the Link header's rel="${rel}" target <${link.uri}> is not a URL`);
    }
  },
  fetchedAt: (_spec, page) => fetchedUrl(page),
};
