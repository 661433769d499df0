/**
 * The sandbox's parts wired together once; routes, the admin API and the in-process `SandboxSource`
 * all act on the same `SandboxEnv`, so a test mutating the source and an HTTP client see one world.
 */
import { credentials, OAuthService, type AuthOptions, type Credentials } from './auth.js';
import { createClock, type Clock } from './clock.js';
import { DEFAULT_COUNTS, type Counts } from './data.js';
import { Faults, type FaultOptions } from './faults.js';
import type { Ctx, Route } from './http.js';
import { RateLimiter, type RateLimitOptions } from './ratelimit.js';
import { Stats } from './stats.js';
import { Store } from './store.js';

export interface EnvOptions {
  seed?: number;
  counts?: Partial<Counts>;
  /** Leave out the deliberately bad contacts. */
  clean?: boolean;
  lagMs?: number;
  auth?: AuthOptions;
  rateLimit?: RateLimitOptions;
  /** Delta tokens older than this answer 410. @default 3_600_000 (one hour) */
  deltaTokenMaxAgeMs?: number;
  faults?: FaultOptions;
  clock?: Clock;
}

export interface DeltaConfig {
  maxAgeMs: number;
  /** Tokens issued before the current generation are expired (bumped by expire-tokens). */
  generation: number;
}

export interface SandboxEnv {
  store: Store;
  clock: Clock;
  creds: Credentials;
  oauth: OAuthService;
  limiter: RateLimiter;
  faults: Faults;
  stats: Stats;
  delta: DeltaConfig;
}

export type SandboxRoute = Route<SandboxEnv>;
export type SandboxCtx = Ctx<SandboxEnv>;

export const DEFAULT_SEED = 42;
export const DEFAULT_DELTA_MAX_AGE_MS = 3_600_000;

export function createEnv(opts: EnvOptions = {}): SandboxEnv {
  const clock = opts.clock ?? createClock();
  const stats = new Stats();
  const creds = credentials(opts.auth);
  const limiter = new RateLimiter(clock, undefined);
  limiter.configure(opts.rateLimit);
  return {
    store: new Store({
      seed: opts.seed ?? DEFAULT_SEED,
      counts: { ...DEFAULT_COUNTS, ...opts.counts },
      clean: opts.clean ?? false,
      lagMs: opts.lagMs ?? 0,
      clock,
    }),
    clock,
    creds,
    oauth: new OAuthService(creds, clock, () => stats.tokensIssued++),
    limiter,
    faults: new Faults(opts.faults),
    stats,
    delta: { maxAgeMs: opts.deltaTokenMaxAgeMs ?? DEFAULT_DELTA_MAX_AGE_MS, generation: 0 },
  };
}
