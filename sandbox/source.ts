/**
 * `SandboxSource`: what a test holds in-process — the truth (ignoring replica lag) and the levers to
 * change it. The admin HTTP API is a thin JSON skin over this same object.
 */
import type { Clock } from './clock.js';
import type { Counts, ResourceName, SourceRecord } from './data.js';
import type { SandboxEnv } from './env.js';
import type { Faults } from './faults.js';
import type { RateLimitOptions } from './ratelimit.js';
import type { Stats } from './stats.js';
import { asResource } from './store.js';
import type { SandboxEvent } from './view.js';

/** Settings that may change while the sandbox runs. */
export interface SandboxConfig {
  /** Replica lag: writes reach list/query/event/audit endpoints this long after they happen. */
  lagMs: number;
  /** Delta tokens older than this answer 410. */
  deltaTokenMaxAgeMs: number;
  /** `expires_in` of newly issued OAuth access tokens. */
  tokenTtlSeconds: number;
  /** Server-wide request budget; null = unlimited. */
  rateLimit: RateLimitOptions | null;
}

export interface SandboxSource {
  readonly seed: number;
  readonly counts: Counts;
  /** Contacts seeded with deliberately invalid data (see data.ts); empty with `clean: true`. */
  readonly badContactIds: string[];
  readonly clock: Clock;
  readonly faults: Faults;
  readonly stats: Stats;
  /** All live records sorted by id, fully up to date (ignores lag). Copies: mutate freely. */
  list(resource: ResourceName): SourceRecord[];
  get(resource: ResourceName, id: string): SourceRecord | undefined;
  /** Creates a record with generated defaults overridden by `partial`; created_at = updated_at = now. */
  create(resource: ResourceName, partial?: Record<string, unknown>): SourceRecord;
  /** Shallow patch; updated_at = `at` if given (force ties, backdate), else now. */
  update(resource: ResourceName, id: string, patch: Record<string, unknown>, opts?: { at?: Date }): SourceRecord;
  /** Hard delete, recorded as tombstone, audit-log entry and (contacts) `contact.deleted` event. */
  remove(resource: ResourceName, id: string): { id: string; deleted_at: string };
  /** Updates every id with one shared updated_at (`at`, default now). */
  bulkUpdate(resource: ResourceName, ids: string[], patch: Record<string, unknown>, at?: Date): SourceRecord[];
  /** The full contact event feed, ignoring lag. */
  events(): SandboxEvent[];
  /** Deletion log of a resource, ordered by (deleted_at, id), ignoring lag. */
  deletions(resource: ResourceName): Array<{ id: string; deleted_at: string }>;
  /** Regenerates the dataset (same seed unless given); forgets writes and invalidates delta tokens. */
  reset(seed?: number, opts?: { counts?: Partial<Counts>; clean?: boolean }): void;
  /** Expires issued delta tokens (410 on next use), OAuth access tokens (401), or both. */
  expireTokens(kind?: 'delta' | 'oauth' | 'all'): void;
  config(): SandboxConfig;
  /** Changes some settings; unknown keys and bad values throw. Returns the resulting config. */
  configure(patch: Partial<SandboxConfig>): SandboxConfig;
}

const CONFIG_KEYS = ['lagMs', 'deltaTokenMaxAgeMs', 'tokenTtlSeconds', 'rateLimit'];

export function createSource(env: SandboxEnv): SandboxSource {
  const { store } = env;
  const copy = <T>(value: T): T => structuredClone(value);
  const config = (): SandboxConfig => ({
    lagMs: store.lagMs,
    deltaTokenMaxAgeMs: env.delta.maxAgeMs,
    tokenTtlSeconds: env.creds.tokenTtlSeconds,
    rateLimit: env.limiter.options ?? null,
  });
  return {
    get seed() {
      return store.seed;
    },
    get counts() {
      return store.counts;
    },
    get badContactIds() {
      return store.badContactIds;
    },
    clock: env.clock,
    faults: env.faults,
    stats: env.stats,
    list: (resource) => copy([...store.truth.byId(asResource(resource))]),
    get: (resource, id) => copy(store.truth.get(asResource(resource), id)),
    create: (resource, partial) => copy(store.create(asResource(resource), partial)),
    update: (resource, id, patch, opts) => copy(store.update(asResource(resource), id, patch, opts?.at)),
    remove: (resource, id) => store.remove(asResource(resource), id),
    bulkUpdate: (resource, ids, patch, at) => copy(store.bulkUpdate(asResource(resource), ids, patch, at)),
    events: () => copy([...store.truth.events]),
    deletions: (resource) => store.truth.tombstones(asResource(resource)).map((t) => ({ id: t.id, deleted_at: t.deleted_at })),
    reset(seed, opts = {}) {
      const counts = { ...store.counts, ...opts.counts };
      store.reset({ seed: seed ?? store.seed, counts, clean: opts.clean ?? store.clean });
      env.delta.generation++;
    },
    expireTokens(kind = 'all') {
      if (kind === 'delta' || kind === 'all') env.delta.generation++;
      if (kind === 'oauth' || kind === 'all') env.oauth.expireAll();
    },
    config,
    configure(patch) {
      for (const key of Object.keys(patch)) {
        if (!CONFIG_KEYS.includes(key)) throw new TypeError(`unknown setting ${JSON.stringify(key)}; valid: ${CONFIG_KEYS.join(', ')}`);
      }
      for (const key of ['lagMs', 'deltaTokenMaxAgeMs', 'tokenTtlSeconds'] as const) {
        const v = patch[key];
        if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v >= 0)) throw new TypeError(`${key} must be a non-negative number`);
      }
      if (patch.rateLimit !== undefined) env.limiter.configure(patch.rateLimit ?? undefined);
      if (patch.lagMs !== undefined) store.lagMs = patch.lagMs;
      if (patch.deltaTokenMaxAgeMs !== undefined) env.delta.maxAgeMs = patch.deltaTokenMaxAgeMs;
      if (patch.tokenTtlSeconds !== undefined) env.creds.tokenTtlSeconds = patch.tokenTtlSeconds;
      return config();
    },
  };
}
