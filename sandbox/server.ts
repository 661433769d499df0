/**
 * Library entry: `startSandbox()` boots a real HTTP server on loopback (ephemeral port by default)
 * around a fresh, seeded source. Tests get the URL plus `source`, direct in-process access to the
 * truth; child-process users get the same levers under `/_admin/*`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AdminEnv } from './admin.js';
import type { AuthOptions } from './auth.js';
import type { Counts } from './data.js';
import { createEnv } from './env.js';
import type { FaultOptions } from './faults.js';
import { createRequestHandler } from './pipeline.js';
import type { RateLimitOptions } from './ratelimit.js';
import { createSource, type SandboxSource } from './source.js';

export type { AuthOptions } from './auth.js';
export type { Clock } from './clock.js';
export { DATA_EPOCH_MS, INDUSTRIES, STAGES, STATUSES, TAGS, type Counts, type ResourceName, type SourceRecord } from './data.js';
export type { FailNext, FaultKind, FaultOptions } from './faults.js';
export type { RateLimitOptions } from './ratelimit.js';
export type { SandboxConfig, SandboxSource } from './source.js';
export type { RequestLogEntry, StatsFilter, StatsSummary } from './stats.js';
export type { SandboxEvent, Tombstone } from './view.js';

export interface SandboxOptions {
  /** 0 = ephemeral. @default 0 */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** @default 42 */
  seed?: number;
  /** @default { companies: 20, contacts: 250, repos: 5, issuesPerRepo: 30 } */
  counts?: Partial<Counts>;
  /** Writes become visible to list/query/event/audit endpoints only lagMs after they happen. @default 0 */
  lagMs?: number;
  auth?: AuthOptions;
  /** Leave out the deliberately bad contacts (source.badContactIds is then empty). @default false */
  clean?: boolean;
  /** Server-wide request budget; over it → 429 (403 on GitHub-style routes). @default unlimited */
  rateLimit?: RateLimitOptions;
  /** Delta tokens older than this answer 410. @default 3_600_000 */
  deltaTokenMaxAgeMs?: number;
  /** Faults active from the first request. @default none */
  faults?: FaultOptions;
}

export interface Sandbox {
  /** e.g. `http://127.0.0.1:54321`, no trailing slash. */
  url: string;
  port: number;
  /** Stops listening and drops open connections. Safe to call twice. */
  close(): Promise<void>;
  source: SandboxSource;
}

export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const host = opts.host ?? '127.0.0.1';
  const env = createEnv(opts);
  const source = createSource(env);
  const admin: AdminEnv = { source, url: '' };
  const server = createServer(createRequestHandler(env, admin));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  admin.url = url;

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= new Promise<void>((resolve, reject) => {
      server.close((err) => (err ? reject(err) : resolve()));
      // Keep-alive sockets of a test's fetch client would otherwise hold close() open.
      server.closeAllConnections();
    }));
  return { url, port, close, source };
}
