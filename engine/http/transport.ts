/**
 * One HTTP exchange and nothing more: got sends the request (kept-alive sockets, the timeout,
 * decompression) and the answer comes back as bytes — never more of them than `maxBytes`, counted after
 * decompression, so a huge or endless body (or a gzip bomb) costs at most that much memory. Redirects
 * are not followed here: the client follows them itself, deciding at every hop which credentials the
 * next origin may see (redirects.ts).
 */
import http from 'node:http';
import https from 'node:https';
import type { Got } from 'got';

type GotModule = typeof import('got');
/** got, loaded with the first request: commands that send none (validate, status) start without it. */
let gotModule: Promise<GotModule> | undefined;
const loadGot = (): Promise<GotModule> => (gotModule ??= import('got'));
import { headerValue, requestUrl, type HttpRequest } from './request.js';
import { RETRIABLE_NETWORK_CODES } from './retry.js';

export interface Exchange {
  method: string;
  /** Absolute, with its query. */
  url: string;
  headers: Record<string, string>;
  /** Serialized already (JSON or a form); its content-type is among the headers. */
  body?: string;
}

export interface RawAnswer {
  status: number;
  statusMessage: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** The URL that answered (this exchange's: redirects are the caller's). */
  url: string;
}

export type TransportFailureKind = 'timeout' | 'network' | 'tooLarge';

/** No complete answer: `retriable` says whether another attempt may get one. */
export class TransportError extends Error {
  constructor(
    readonly kind: TransportFailureKind,
    readonly retriable: boolean,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TransportError';
  }
}

export interface TransportOptions {
  timeoutMs: number;
  /** The largest body accepted, in bytes after decompression. */
  maxBytes: number;
}

/**
 * What makes a client's transport: got's by default; `syncspec test` puts a recorder or a replay
 * of recorded exchanges here (engine/testing/), under every policy of the client.
 */
export type TransportFactory = (options: TransportOptions) => Transport;

export interface Transport {
  exchange(request: Exchange, signal: AbortSignal | undefined): Promise<RawAnswer>;
  /** Closes the kept-alive sockets. */
  close(): void;
}

/** The request on the wire: its full URL, and its body serialized with a content-type unless it has one. */
export function toExchange(request: HttpRequest): Exchange {
  const exchange: Exchange = { method: request.method, url: requestUrl(request), headers: { ...request.headers } };
  const body = request.form !== undefined
    ? { text: new URLSearchParams(request.form).toString(), type: 'application/x-www-form-urlencoded' }
    : request.body !== undefined ? { text: JSON.stringify(request.body), type: 'application/json' } : undefined;
  if (body) {
    exchange.body = body.text;
    if (headerValue(request.headers, 'content-type') === undefined) exchange.headers['content-type'] = body.type;
  }
  return exchange;
}

export function createTransport(options: TransportOptions): Transport {
  const agent = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
  // Options that never change, merged once: got normalizes what a request adds to them, no more.
  let client: Promise<Got> | undefined;
  const clientOf = () => (client ??= loadGot().then(({ default: got }) =>
    got.extend({ timeout: { request: options.timeoutMs }, retry: { limit: 0 }, throwHttpErrors: false, followRedirect: false, agent })));
  return {
    exchange: async (request, signal) => exchange(await clientOf(), await loadGot(), request, signal, options),
    close() {
      agent.http.destroy();
      agent.https.destroy();
    },
  };
}

function exchange(client: Got, lib: GotModule, request: Exchange, signal: AbortSignal | undefined, options: TransportOptions): Promise<RawAnswer> {
  const { maxBytes } = options;
  return new Promise<RawAnswer>((resolve, reject) => {
    const stream = client.stream(request.url, {
      method: request.method as 'GET',
      headers: request.headers,
      ...(request.body !== undefined ? { body: request.body } : {}),
    });
    // Our own listener, removed when the exchange ends: got's stays on a long-lived signal, one per request.
    const onAbort = () => stream.destroy(new TransportError('network', false, 'aborted'));
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const settle = () => signal?.removeEventListener('abort', onAbort);
    let answer: Omit<RawAnswer, 'body'> | undefined;
    const chunks: Buffer[] = [];
    let size = 0;
    const tooLarge = (what: string) =>
      stream.destroy(new TransportError('tooLarge', false, `the response body is larger than api.maxResponseBytes (${describeBytes(maxBytes)}): ${what}`));
    stream.on('response', (response: http.IncomingMessage & { url?: string }) => {
      answer = { status: response.statusCode ?? 0, statusMessage: response.statusMessage, headers: response.headers, url: request.url };
      const declared = Number(response.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBytes) tooLarge(`content-length ${declared}`);
    });
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) tooLarge(`more than ${size} bytes received`);
      else chunks.push(chunk);
    });
    stream.on('end', () => {
      settle();
      if (answer) resolve({ ...answer, body: Buffer.concat(chunks) });
      else reject(new TransportError('network', true, 'the connection ended before a response'));
    });
    stream.on('error', (error: unknown) => {
      settle();
      reject(toTransportError(lib, error, options.timeoutMs));
    });
  });
}

function toTransportError({ ReadError, RequestError, TimeoutError }: GotModule, error: unknown, timeoutMs: number): unknown {
  if (error instanceof TransportError) return error;
  // got wraps what the stream was destroyed with.
  if (error instanceof RequestError && error.cause instanceof TransportError) return error.cause;
  if (error instanceof TimeoutError) return new TransportError('timeout', true, `no response within ${timeoutMs} ms`, { cause: error });
  if (error instanceof RequestError) {
    const retriable = error instanceof ReadError || RETRIABLE_NETWORK_CODES.has(error.code);
    return new TransportError('network', retriable, `network error (${error.code}): ${error.message}`, { cause: error });
  }
  return error;
}

/** `64 MiB`, `1.5 KiB`, `12 bytes` */
export function describeBytes(bytes: number): string {
  const units: [string, number][] = [['GiB', 2 ** 30], ['MiB', 2 ** 20], ['KiB', 2 ** 10]];
  for (const [unit, size] of units) {
    if (bytes >= size) return `${Number((bytes / size).toFixed(1))} ${unit}`;
  }
  return `${bytes} bytes`;
}
