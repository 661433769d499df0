/**
 * A spec `request` compiled once into a function of the template context. Each value is encoded
 * for where it lands: path segments percent-encoded, query values by URLSearchParams, header
 * values checked for line breaks, JSON bodies serialized structurally (never by string pasting).
 */
import type { Request } from '../spec/model.generated.js';
import type { CredentialFields, HttpRequest } from '../http/request.js';
import { compileBody, compileTemplate, type TemplateContext } from '../template/render.js';
import { bodyReadsSecrets, readsSecrets } from '../template/secrets.js';

export type RequestBuilder = (ctx: TemplateContext) => HttpRequest;

export function compileRequest(spec: Request): RequestBuilder {
  const method = spec.method ?? 'GET';
  const path = compileTemplate(spec.path ?? '', 'path');
  const query = Object.entries(spec.query ?? {}).map(([name, source]) => [name, compileTemplate(source, 'query')] as const);
  const headers = Object.entries(spec.headers ?? {}).map(([name, source]) => [name, compileTemplate(source, 'header')] as const);
  const body = spec.body === undefined ? undefined : compileBody(spec.body);
  const credentials = credentialFieldsOf(spec);
  return (ctx) => {
    const request: HttpRequest = { method, url: path(ctx), query: {}, headers: {} };
    if (credentials) request.credentials = credentials;
    // A parameter that renders empty is left out: optional filters need no special syntax.
    for (const [name, render] of query) {
      const value = render(ctx);
      if (value !== '') request.query[name] = value;
    }
    for (const [name, render] of headers) request.headers[name] = render(ctx);
    if (body) request.body = body(ctx);
    return request;
  };
}

/** The fields whose templates read secrets: they go to the API's own origins only. */
function credentialFieldsOf(spec: Request): CredentialFields | undefined {
  const headers = Object.entries(spec.headers ?? {}).filter(([, source]) => readsSecrets(source)).map(([name]) => name);
  const query = Object.entries(spec.query ?? {}).filter(([, source]) => readsSecrets(source)).map(([name]) => name);
  const body = spec.body !== undefined && bodyReadsSecrets(spec.body);
  if (headers.length === 0 && query.length === 0 && !body) return undefined;
  return { headers, query, body };
}
