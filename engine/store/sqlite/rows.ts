/**
 * Writing and sweeping the rows of a managed table.
 *
 * Versioned changes: `_version` holds the newest version known for the row and `_tombstones` the
 * newest version each key was deleted at. A versioned change older than either is stale: it is not
 * applied, whatever order concurrent syncs (a backfill and its delta, a lagging page) deliver changes
 * in. Equal versions follow the source's own order (Ties): the later delivery wins, except that a
 * newest-first feed's earlier delivery wins within its cycle (`_version_cycle`, and the tombstone's
 * `cycle`, say which cycle wrote a version). A record
 * re-created after its deletion (an upsert not older than the tombstone) keeps the tombstone: it
 * still rejects what is older than that deletion should the row go again without a version (a
 * sweep), and dropping it would cost a write per versioned upsert.
 *
 * Unversioned changes cannot be ordered against versioned ones, so they always apply and leave the
 * version knowledge as it was: an unversioned upsert writes the data but keeps `_version` (a new
 * row gets NULL) and keeps the key's tombstone; an unversioned delete records no tombstone. This
 * is sound because a version, once seen, is a floor: a versioned change older than it is outdated
 * whatever the row holds now, and one at or above it applies. (Resetting `_version` to NULL on an
 * unversioned write would let a late, older versioned change overwrite newer data.)
 */
import type { Change, DeleteChange } from '../../core/types.js';
import type { CommitResult } from '../store.js';
import { describeLoneSurrogate, loneSurrogateAt } from '../../core/text.js';
import { describeValue } from './codec.js';
import type { Links } from './links.js';
import type { ManagedTable } from './managed-table.js';
import type { Tombstones } from './tombstones.js';
import { upsertRow } from './upsert.js';
import { StoreError } from '../errors.js';

export interface RowStores {
  links: Links;
  tombstones: Tombstones;
}

/**
 * How a change ties with what the row (or its tombstone) holds at the same version. Default: the
 * later delivery is the newer (feeds read oldest first, lists). `firstInCycle`: a newest-first feed
 * delivers the newest first, so within one cycle an equal version delivered later is older, and
 * stale; a later cycle's delivery still wins, having read the source again.
 */
export interface Ties {
  firstInCycle: boolean;
  cycle: number;
}

/**
 * Applies `changes` in order; every row written is stamped with `seq`. Runs inside the caller's
 * transaction. An upsert that is stale because its row holds a newer version still stamps the row:
 * the record exists at the source, so a full cycle that saw it must not sweep it.
 */
export function writeChanges(table: ManagedTable, stores: RowStores, changes: readonly Change[], seq: number, now: string, ties: Ties): CommitResult {
  const result: CommitResult = { upserted: 0, deleted: 0, stale: 0 };
  const context = { seq, now, ties };
  for (const change of changes) {
    if (typeof change?.key !== 'string') {
      throw new StoreError('store-invalid-change', `Database "${table.name}": a change has key ${describeValue(change?.key)}; keys are strings`);
    }
    const lone = loneSurrogateAt(change.key);
    if (lone >= 0) throw new StoreError('store-invalid-change', `Database "${table.name}": a change's key holds ${describeLoneSurrogate(change.key, lone)}`);
    checkVersion(table, change);
    if (change.type === 'upsert') {
      if (upsertRow(table, stores, change, context)) result.upserted += 1;
      else result.stale += 1;
    } else if (change.type === 'delete') {
      const outcome = deleteRow(table, stores, change, ties);
      if (outcome === 'deleted') result.deleted += 1;
      else if (outcome === 'stale') result.stale += 1;
    } else {
      throw new StoreError('store-invalid-change', `Database "${table.name}", row "${(change as Change).key}": unknown change type ${JSON.stringify((change as { type: unknown }).type)}`);
    }
  }
  return result;
}

/**
 * A record the source still has but that failed to map is "seen" all the same: its row (as last
 * written) is stamped with the commit's sequence, so a full cycle does not sweep it. Otherwise one
 * bad field at the source would delete the row here.
 */
export function markSeen(table: ManagedTable, keys: readonly string[], seq: number): void {
  const touch = table.statement('seen', () => `UPDATE ${table.quoted} SET _seq = ? WHERE _key = ?`);
  for (const key of keys) touch.run(seq, key);
}

function checkVersion(table: ManagedTable, change: Change): void {
  const { version } = change;
  if (version === undefined || (typeof version === 'number' && Number.isFinite(version))) return;
  throw new StoreError('store-invalid-change', `Database "${table.name}", row "${change.key}": version expects a finite number, got ${describeValue(version)}`);
}

/**
 * Unversioned: deletes the row if it exists. Versioned: unless the row or the key's tombstone beats
 * it (newer, or as new and written earlier in this cycle of a newest-first feed), deletes the row and
 * records the tombstone, also for a key with no row (so that an older upsert delivered later cannot
 * create it).
 */
function deleteRow(table: ManagedTable, stores: RowStores, change: DeleteChange, ties: Ties): 'deleted' | 'absent' | 'stale' {
  const { key, version } = change;
  if (version !== undefined) {
    const row = table.statement('version', () => `SELECT _version, _version_cycle FROM ${table.quoted} WHERE _key = ?`).get(key) as
      | { _version: number | null; _version_cycle: number | null }
      | undefined;
    const tombstone = stores.tombstones.get(table.name, key);
    if (Math.max(row?._version ?? -Infinity, tombstone?.version ?? -Infinity) > version) return 'stale';
    const writtenThisCycle = (at: number | null | undefined, cycle: number | null | undefined) => at === version && cycle === ties.cycle;
    if (ties.firstInCycle && (writtenThisCycle(row?._version, row?._version_cycle) || writtenThisCycle(tombstone?.version, tombstone?.cycle))) return 'stale';
    stores.tombstones.record(table.name, key, version, ties.cycle);
    if (row === undefined) return 'absent';
  }
  stores.links.deleteRow(table, key);
  const { changes } = table.statement('delete', () => `DELETE FROM ${table.quoted} WHERE _key = ?`).run(key);
  return changes > 0 ? 'deleted' : 'absent';
}

/**
 * Mark-and-sweep: deletes the rows nobody wrote after `startSeq`. Records no tombstones (a sweep has
 * no version). Runs inside the caller's transaction.
 */
export function sweepRows(table: ManagedTable, links: Links, startSeq: number): number {
  links.deleteUnwrittenSince(table, startSeq);
  return table.statement('sweep', () => `DELETE FROM ${table.quoted} WHERE _seq <= ?`).run(startSeq).changes;
}
