/** How a SqliteStore is opened (index.ts); open.ts fills these from the config. */
import type { Clock } from '../../core/clock.js';
import type { RunRetention } from '../store.js';
import type { Access } from './connection.js';

export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

export interface SqliteStoreOptions {
  lockTimeoutMs?: number;
  busyTimeoutMs?: number;
  access?: Access;
  /** What stamps run history, cycles, anchors and locks; default the system clock. */
  clock?: Clock;
  /** How long finished runs are kept; default forever. */
  history?: RunRetention;
}
