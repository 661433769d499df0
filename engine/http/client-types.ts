/** The HTTP client's options and surface (client.ts builds it). */
import type { RateLimitWait } from '../core/types.js';
import type { Authenticator } from './auth/types.js';
import type { Pacer } from './pacer.js';
import type { Redactor } from './redact.js';
import type { HttpRequest, HttpResponse } from './request.js';
import type { RateLimitRules } from './rate-limit.js';
import type { RetryPolicy } from './retry.js';
import type { TransportFactory } from './transport.js';

export interface RequestInfo {
  /** The request before authentication (URL resolved): safe to log through describeRequest. */
  request: HttpRequest;
  status?: number;
  /** 1 for the first attempt of a request. */
  attempt: number;
  durationMs: number;
  /** One line, redacted. */
  error?: string;
}

export interface ClientMetrics {
  requests: number;
  retries: number;
  /** Told of each rate-limit wait as it starts (SyncMetrics.onWait). */
  onWait?: (wait: RateLimitWait) => void;
}

export interface HttpClientOptions {
  baseUrl: string;
  /** Sent with every request; a request's own headers win. */
  headers: Record<string, string>;
  timeoutMs: number;
  /** The largest response body accepted, after decompression. @default 67_108_864 (64 MiB) */
  maxResponseBytes?: number;
  /** Names among `headers` whose values come from secrets: sent to the API's own origins only. */
  credentialHeaders?: readonly string[];
  /** Origins besides baseUrl's that may receive credentials (api.credentialOrigins). */
  credentialOrigins?: readonly string[];
  retry: RetryPolicy;
  /** Where the API reports its budget. @default GitHub's x-ratelimit-remaining / x-ratelimit-reset (epoch seconds) */
  rateLimit?: RateLimitRules;
  /** The longest the API may make a request wait (Retry-After, a rate-limit reset) before it fails instead. @default 900_000 (15 min) */
  maxWaitMs?: number;
  auth: Authenticator;
  pacer?: Pacer;
  redactor: Redactor;
  onRequest?: (info: RequestInfo) => void;
  signal?: AbortSignal;
  /** Counters to add to (e.g. the runtime's SyncMetrics); a fresh pair by default. */
  metrics?: ClientMetrics;
  /** Makes the transport under the client's policies. @default got's (transport.ts createTransport) */
  transport?: TransportFactory;
}

/** Per-call context, for a client shared by several syncs: each call's own cancellation and counters. */
export interface SendOptions {
  /** Aborts this call (together with the client's own signal). */
  signal?: AbortSignal;
  /** Counted into as well as the client's metrics. */
  metrics?: ClientMetrics;
  /** Who the call is for (one value per sync, compared by identity): the pacer shares its budget fairly between owners. */
  owner?: unknown;
}

export interface HttpClient {
  send(request: HttpRequest, io?: SendOptions): Promise<HttpResponse>;
  readonly metrics: ClientMetrics;
  /** Closes the kept-alive sockets. */
  close(): void;
}
