/**
 * A request is a plain value: templates render one, pagination patches it, auth transforms it, the client
 * sends it. Nothing here holds a connection or a secret beyond what the value itself carries.
 */
import { isSensitiveName, REDACTED, type Redactor } from './redact.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpRequest {
  method: HttpMethod;
  /** Absolute (it may carry a query), or relative to the client's baseUrl. */
  url: string;
  /** Set on top of the URL's own query; a name present in both takes this value. */
  query: Record<string, string>;
  headers: Record<string, string>;
  /** JSON body. */
  body?: unknown;
  /** Form-encoded body (application/x-www-form-urlencoded), used by OAuth2 token requests. */
  form?: Record<string, string>;
  /** Which of its fields carry credentials: they go to the API's own origins only (origins.ts). */
  credentials?: CredentialFields;
}

/** Fields of a request whose values come from secrets (names as written; headers compare case-insensitively). */
export interface CredentialFields {
  headers?: readonly string[];
  query?: readonly string[];
  /** The body (JSON or form) carries a secret. */
  body?: boolean;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON; null for an empty body. */
  body: unknown;
  /** The URL that answered, without credentials the authenticator added. */
  url: string;
  /** The request as the caller gave it (URL resolved, before authentication). */
  request: HttpRequest;
}

const ABSOLUTE = /^[a-z][a-z0-9+.-]*:/i;

/**
 * Resolves a request path against the base URL by joining, so a base with a path prefix keeps it:
 * `https://x/api/v2` + `/items` → `https://x/api/v2/items`. A path that already starts with the base's
 * prefix (`/api/v2/items`, as Salesforce's `nextRecordsUrl` does) is taken from the origin, not doubled.
 * Absolute URLs are used as they are; `?…` replaces the base's query.
 */
export function resolveUrl(baseUrl: string, pathOrUrl: string): string {
  if (ABSOLUTE.test(pathOrUrl)) return pathOrUrl;
  const base = new URL(baseUrl);
  if (pathOrUrl === '') return base.href;
  if (pathOrUrl.startsWith('//') || pathOrUrl.startsWith('?') || pathOrUrl.startsWith('#')) {
    return new URL(pathOrUrl, base).href;
  }
  const prefix = base.pathname.replace(/\/+$/, '');
  const hasPrefix =
    prefix !== '' &&
    (pathOrUrl === prefix || ['/', '?', '#'].some((next) => pathOrUrl.startsWith(prefix + next)));
  const path = hasPrefix ? pathOrUrl : `${prefix}/${pathOrUrl.replace(/^\/+/, '')}`;
  const joined = new URL(base.origin + path);
  // A query on the base (rare: `?api-version=2`) still applies unless the path sets the same name.
  for (const [name, value] of base.searchParams) {
    if (!joined.searchParams.has(name)) joined.searchParams.append(name, value);
  }
  return joined.href;
}

/**
 * The full URL a request goes to: its URL (resolved against baseUrl when relative) plus its query. The
 * URL's own query is kept byte for byte unless a query name overrides one of its parameters: next-page URLs
 * are opaque and some are signed.
 */
export function requestUrl(request: Pick<HttpRequest, 'url' | 'query'>, baseUrl?: string): string {
  const url = new URL(baseUrl === undefined ? request.url : resolveUrl(baseUrl, request.url));
  const entries = Object.entries(request.query);
  if (entries.some(([name]) => url.searchParams.has(name))) {
    for (const [name, value] of entries) url.searchParams.set(name, value);
    return url.href;
  }
  const added = new URLSearchParams(entries).toString();
  if (added !== '') url.search = url.search === '' ? `?${added}` : `${url.search}&${added}`;
  return url.href;
}

/**
 * `GET https://api.x/v1/items?limit=10` for error messages and logs: credentials in the URL, query
 * parameters with secret-like names (api_key, token, …) and every known secret value are redacted.
 */
export function describeRequest(request: Pick<HttpRequest, 'method' | 'url' | 'query'>, redactor?: Redactor): string {
  let text: string;
  try {
    text = `${request.method} ${maskedHref(new URL(requestUrl(request)))}`;
  } catch {
    text = `${request.method} ${request.url}`;
  }
  return redactor ? redactor.redact(text) : text;
}

/**
 * An absolute http(s) URL as logs and `state show` print it (next-page URLs may carry a token the
 * API put in the link): without user info, and with the values of query parameters of secret-like
 * names replaced by [REDACTED]. Other text is returned as it is. Known secret values are the
 * redactor's to remove.
 */
export function maskUrl(text: string): string {
  if (!/^https?:\/\//i.test(text) || !URL.canParse(text)) return text;
  return maskedHref(new URL(text));
}

function maskedHref(url: URL): string {
  url.username = '';
  url.password = '';
  const pairs = [...url.searchParams].map(([name, value]) => {
    const shown = isSensitiveName(name) ? REDACTED : encodeURIComponent(value);
    return `${encodeURIComponent(name)}=${shown}`;
  });
  const hash = url.hash;
  url.search = '';
  url.hash = '';
  return `${url.href}${pairs.length > 0 ? `?${pairs.join('&')}` : ''}${hash}`;
}

/** A response header's first value; names are matched case-insensitively. */
export function headerValue(headers: HttpResponse['headers'], name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

/** All values of a response header (a header sent several times arrives as an array). */
export function headerValues(headers: HttpResponse['headers'], name: string): string[] {
  const wanted = name.toLowerCase();
  const values: string[] = [];
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    values.push(...(Array.isArray(value) ? value : [value]));
  }
  return values;
}
