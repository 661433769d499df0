/**
 * A record's version: a number the store compares so that an older change never overwrites a newer
 * one, nor resurrects a row deleted at a newer version (last writer wins, with tombstones). This is
 * what makes a newest-first event feed, or a backfill racing a delta, converge on the newest data.
 *
 * Read from the raw record (an event, not the object inside it): the sync's `version` path, or by
 * default the cursor field of a timestamp cursor. Timestamps become epoch milliseconds, so a
 * backfill versioned by `$.updated_at` and a delta versioned by its cursor agree on one scale. A
 * number cursor (an event id, a sequence) is no default: it is not on that scale, and a delta's
 * changes compared with a backfill's timestamps would all be stale.
 */
import { SyncError } from '../core/errors.js';
import { selectFirst } from '../extract/jsonpath.js';
import { canonicalValue, describeRaw, type CursorRules } from './cursor.js';

/** Throws a SyncError naming the path when the record has no readable version. */
export type VersionReader = (record: unknown) => number;

export interface VersionSource {
  /** The sync's (or delete stream's) `version` path, when given. */
  path?: string;
  /** Its cursor: the default version when it is a timestamp. */
  cursor?: { field: string; rules: CursorRules };
}

export function compileVersion(source: VersionSource): VersionReader | undefined {
  const { path, cursor } = source;
  if (path !== undefined) return (record) => explicitVersion(path, selectFirst(path, record));
  if (!cursor || cursor.rules.type !== 'timestamp') return undefined;
  const { field, rules } = cursor;
  return (record) => {
    const value = canonicalValue(selectFirst(field, record), rules, `version ${field}`);
    return typeof value === 'number' ? value : Date.parse(value);
  };
}

// Zone-less ISO and SQL times ('2024-05-01 10:00:00') are UTC, never the machine's zone (Date.parse
// already reads a date alone as UTC).
const ZONELESS = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/;

/** Numbers as they are; text as a number when it is one, else as a timestamp (epoch ms). */
function explicitVersion(path: string, raw: unknown): number {
  if (typeof raw === 'number' && Number.isFinite(raw)) return raw;
  if (typeof raw === 'string') {
    const text = raw.trim();
    if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
    const ms = Date.parse(ZONELESS.test(text) ? `${text.replace(' ', 'T')}Z` : text);
    if (!Number.isNaN(ms)) return ms;
  }
  throw new SyncError('bad-version', `version ${path}: expected a timestamp or a number, got ${describeRaw(raw)}`);
}
