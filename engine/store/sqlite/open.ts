/**
 * Opening the SQLite store the way commands need it: every failure of the environment (a folder
 * that cannot be made, a read-only or full disk, a lock held too long, a damaged file) as a
 * StorageError naming the database and where it is configured — at open and in every later call.
 */
import { existsSync } from 'node:fs';
import type { StorageOrigin } from '../errors.js';
import type { RunRetention, Store } from '../store.js';
import type { Access } from './connection.js';
import type { Clock } from '../../core/clock.js';
import { storageFailure } from './failures.js';
import { DEFAULT_BUSY_TIMEOUT_MS, SqliteStore } from './index.js';

export interface SqliteConfig {
  type: 'sqlite';
  /** Absolute. */
  path: string;
  busyTimeoutMs?: number;
  /** Default 'write'. A read of a file that does not exist yet reads an empty store and creates nothing. */
  access?: Access;
  origin?: StorageOrigin;
  /** What stamps run history, cycles and locks; default the system clock. */
  clock?: Clock;
  /** How long finished runs are kept; default forever. */
  history?: RunRetention;
}

export function openSqliteStore(config: SqliteConfig): Store {
  const busyTimeoutMs = config.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  const translate = (error: unknown) => storageFailure(error, config.path, config.origin, busyTimeoutMs) ?? error;
  const access = config.access ?? 'write';
  let store: SqliteStore;
  try {
    // Nothing has run yet: what a reader sees is an empty store, and the file is not created for it.
    store = access === 'read' && !existsSync(config.path)
      ? new SqliteStore(':memory:', { busyTimeoutMs, clock: config.clock, history: config.history })
      : new SqliteStore(config.path, { access, busyTimeoutMs, clock: config.clock, history: config.history });
  } catch (error) {
    throw translate(error);
  }
  return withErrorsTranslated(store, translate);
}

/** The store with every method's failure passed through `translate` (sync throws and rejections alike). */
function withErrorsTranslated(store: SqliteStore, translate: (error: unknown) => unknown): Store {
  // Still an SqliteStore to instanceof and to its `file`, with every method wrapped.
  const wrapped = Object.create(SqliteStore.prototype, { file: { value: store.file } }) as Record<string, unknown>;
  for (const name of Object.getOwnPropertyNames(SqliteStore.prototype)) {
    const method = (store as unknown as Record<string, unknown>)[name];
    if (name === 'constructor' || typeof method !== 'function') continue;
    wrapped[name] = async (...args: unknown[]) => {
      try {
        return await (method as (...a: unknown[]) => unknown).apply(store, args);
      } catch (error) {
        throw translate(error);
      }
    };
  }
  return wrapped as unknown as Store;
}
