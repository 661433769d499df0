/**
 * Where credentials may go. Every header, query parameter or body field whose value comes from a
 * secret — what the authenticator adds, and any `api.headers`, `request.headers`, `query` or `body`
 * template that reads `secrets.*` — is sent only to the API's own origins: the `baseUrl`'s, and those the
 * spec lists in `api.credentialOrigins`. A request for any other origin (a next-page URL on a CDN, a
 * `Link` target, a redirect) goes without them; one that cannot go without them (a body that carries a
 * secret, a secret in the URL's path) is not sent at all.
 *
 * Credentials are recognised twice over: by where they came from (the authenticator's names, fields
 * whose templates read secrets) and by what they hold (any form of a registered secret value), so an
 * API that echoes a key into its next links cannot carry it elsewhere either.
 */
import { HttpError } from './errors.js';
import type { Redactor } from './redact.js';
import { describeRequest, requestUrl, type CredentialFields, type HttpRequest } from './request.js';

export interface CredentialScope {
  /** Whether credentials may be sent to this absolute URL. */
  allows(url: string): boolean;
  /** The origins, for messages. */
  readonly origins: readonly string[];
}

export function originOf(url: string): string | undefined {
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

/** The origins of these URLs (a base URL, and the spec's credentialOrigins). */
export function credentialScope(urls: readonly string[]): CredentialScope {
  const origins = [...new Set(urls.map(originOf).filter((origin): origin is string => origin !== undefined))];
  const allowed = new Set(origins);
  return { origins, allows: (url) => allowed.has(originOf(url) ?? '') };
}

/** Both lists of names together; either may be absent. */
export function mergeFields(a: CredentialFields | undefined, b: CredentialFields | undefined): CredentialFields | undefined {
  if (!a) return b;
  if (!b) return a;
  return {
    headers: [...(a.headers ?? []), ...(b.headers ?? [])],
    query: [...(a.query ?? []), ...(b.query ?? [])],
    body: Boolean(a.body || b.body),
  };
}

/**
 * The request as it may go to an origin outside the scope: without the credential fields, the URL's
 * user info, and any header or query parameter holding a secret. Throws a fatal HttpError when a
 * credential cannot be taken out (it is in the body, or in the URL's path).
 */
export function withoutCredentials(request: HttpRequest, scope: CredentialScope, redactor: Redactor): HttpRequest {
  const fields = request.credentials ?? {};
  const headerNames = new Set((fields.headers ?? []).map((name) => name.toLowerCase()));
  const queryNames = new Set(fields.query ?? []);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (!headerNames.has(name.toLowerCase()) && !redactor.matches(value)) headers[name] = value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.query)) {
    if (!queryNames.has(name) && !redactor.matches(value)) query[name] = value;
  }
  const url = new URL(request.url);
  url.username = '';
  url.password = '';
  for (const [name, value] of [...url.searchParams]) {
    if (queryNames.has(name) || redactor.matches(value) || redactor.matches(name)) url.searchParams.delete(name);
  }
  const stripped: HttpRequest = { ...request, url: url.href, query, headers, credentials: undefined };
  const refuse = (what: string) => {
    const target = originOf(request.url) ?? request.url;
    throw new HttpError({
      kind: 'fatal',
      code: 'HTTP_CREDENTIALS',
      request: describeRequest(stripped, redactor),
      summary: `not sent: ${what}, and ${target} is not the API's origin (${scope.origins.join(', ') || 'none'}); ` +
        'credentials go to the API only — list the origin in api.credentialOrigins if it is the API’s own',
    });
  };
  const bodyText = request.form !== undefined ? JSON.stringify(request.form) : request.body !== undefined ? JSON.stringify(request.body) : undefined;
  if (bodyText !== undefined && (fields.body || redactor.matches(bodyText))) refuse('its body carries credentials');
  if (redactor.matches(decodeURIComponentSafe(requestUrl(stripped)))) refuse('its URL carries a credential');
  return stripped;
}

function decodeURIComponentSafe(text: string): string {
  try {
    return `${text} ${decodeURIComponent(text)}`;
  } catch {
    return text;
  }
}
