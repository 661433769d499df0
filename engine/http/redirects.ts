/**
 * Redirects, followed by the client itself rather than by got: each hop is a new request whose
 * credentials are decided again for its own origin (origins.ts), so a 302 or 307 to another host never
 * carries a key, a token or a client secret there.
 *
 * Methods follow got's defaults (and RFC 9110): a 303 becomes a GET without a body; 301, 302, 307 and
 * 308 keep the method and the body.
 */
import type { HttpRequest } from './request.js';

export const MAX_REDIRECTS = 10;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export function isRedirect(status: number): boolean {
  return REDIRECT_STATUSES.has(status);
}

/** The next hop: the Location resolved against the URL that answered; undefined when it is unusable. */
export function nextHop(request: HttpRequest, answeredUrl: string, status: number, location: string | undefined): HttpRequest | undefined {
  if (location === undefined || location.trim() === '') return undefined;
  let url: URL;
  try {
    url = new URL(location, answeredUrl);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  // The Location is the whole URL of the next hop: the request's own query is not added to it again.
  const next: HttpRequest = { ...request, url: url.href, query: {} };
  if (status === 303 && request.method !== 'GET') {
    next.method = 'GET';
    delete next.body;
    delete next.form;
  }
  return next;
}
