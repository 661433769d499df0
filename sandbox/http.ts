/**
 * HTTP plumbing shared by every route: a response is a plain `Reply` value (so faults can rewrite it
 * before it is written), errors are thrown as `HttpError`, and routes are a flat table matched by
 * method and path pattern.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** Serialized as JSON unless `text` is given. */
  body?: unknown;
  text?: string;
  contentType?: string;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    /** Replaces the default `{ error, message }` body, for APIs with their own error shape. */
    readonly body?: unknown,
  ) {
    super(message);
  }
}

export function json(body: unknown, headers: Record<string, string> = {}, status = 200): Reply {
  return { status, headers, body };
}

export function errorReply(err: HttpError): Reply {
  return { status: err.status, headers: err.headers, body: err.body ?? { error: err.code, message: err.message } };
}

export function badRequest(message: string, code = 'invalid_request'): HttpError {
  return new HttpError(400, code, message);
}

export type AuthKind = 'none' | 'bearer' | 'basic' | 'apikey' | 'apikey-query' | 'oauth';

/** Everything a handler may read; `env` is the sandbox itself (store, clock, token services). */
export interface Ctx<Env = unknown> {
  method: string;
  url: URL;
  query: URLSearchParams;
  params: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: unknown;
  /** Scheme and host the client used, for absolute next links. */
  baseUrl: string;
  env: Env;
}

export interface Route<Env = unknown> {
  method: 'GET' | 'POST';
  /** Literal segments and `:name` parameters, e.g. `/v1/repos/:repo/issues`. */
  path: string;
  auth: AuthKind;
  /** GitHub family: x-ratelimit-* headers on every response, 403 instead of 429 when over budget. */
  github?: boolean;
  handle(ctx: Ctx<Env>): Reply;
}

export type Match<Env> = { route: Route<Env>; params: Record<string, string> } | { status: 404 | 405 };

export function matchRoute<Env>(routes: readonly Route<Env>[], method: string, pathname: string): Match<Env> {
  const parts = pathname.split('/').filter(Boolean);
  let pathMatched = false;
  for (const route of routes) {
    const pattern = route.path.split('/').filter(Boolean);
    if (pattern.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const ok = pattern.every((seg, i) => {
      if (!seg.startsWith(':')) return seg === parts[i];
      try {
        params[seg.slice(1)] = decodeURIComponent(parts[i]);
        return true;
      } catch {
        return false; // malformed %-escape: no route can match it
      }
    });
    if (!ok) continue;
    pathMatched = true;
    if (route.method === method) return { route, params };
  }
  return { status: pathMatched ? 405 : 404 };
}

const MAX_BODY = 1 << 20;

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new HttpError(413, 'payload_too_large', 'request body over 1 MiB');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** JSON or form-encoded (OAuth token requests are form-encoded by the RFC). */
export function parseBody(raw: string, contentType: string | undefined): unknown {
  if (!raw) return undefined;
  if (contentType?.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(raw));
  try {
    return JSON.parse(raw);
  } catch {
    throw badRequest('request body is not valid JSON', 'invalid_json');
  }
}

export function serialize(reply: Reply): { contentType: string; payload: string } {
  if (reply.text !== undefined) return { contentType: reply.contentType ?? 'text/plain; charset=utf-8', payload: reply.text };
  return { contentType: 'application/json; charset=utf-8', payload: reply.body === undefined ? '' : JSON.stringify(reply.body) };
}

export function send(res: ServerResponse, status: number, headers: Record<string, string>, contentType: string, payload: string): void {
  if (res.destroyed) return;
  res.writeHead(status, { ...headers, 'content-type': contentType, 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}
