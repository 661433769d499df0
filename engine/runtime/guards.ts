/** The loop's guards on what a sync's execute returns: batch size, well-formed changes, progress, partitions. */
import { isDeepStrictEqual } from 'node:util';
import type { Change, ExecuteResult, Partition, SyncDefinition } from '../core/types.js';
import { SyncError } from '../core/errors.js';
import { describeLoneSurrogate, escapeLoneSurrogates, loneSurrogateAt } from '../core/text.js';

/** A result the loop can commit: the contract's shape, at most maxChangesPerCommit changes, and progress when hasMore. */
export function assertValidResult(sync: SyncDefinition, partition: Partition, result: ExecuteResult, previous: unknown): void {
  const where = partition.key ? `${sync.name} [${partition.key}]` : sync.name;
  if (!result || !Array.isArray(result.changes) || typeof result.hasMore !== 'boolean') {
    throw new SyncError('bad-result', `${where}: execute must return { changes: [], hasMore: boolean, nextState }`);
  }
  if (result.changes.length > sync.maxChangesPerCommit) {
    throw new SyncError('batch-too-large',
      `${where}: execute returned ${result.changes.length} changes; at most ${sync.maxChangesPerCommit} per call (maxChangesPerCommit)`);
  }
  for (const change of result.changes) assertValidChange(where, change);
  if (result.progress !== undefined && !validProgress(result.progress)) {
    throw new SyncError('bad-result', `${where}: progress must be { done, total } with non-negative numbers, got ${preview(result.progress)}`);
  }
  if (result.hasMore && isDeepStrictEqual(result.nextState, previous)) {
    throw new SyncError('not-advancing',
      `${where}: hasMore is true but nextState did not change (${preview(result.nextState)}); the sync would loop forever`);
  }
}

function validProgress(progress: unknown): boolean {
  const { done, total } = (progress ?? {}) as { done?: unknown; total?: unknown };
  return [done, total].every((n) => typeof n === 'number' && Number.isFinite(n) && n >= 0);
}

function assertValidChange(where: string, change: Change): void {
  if (change.type !== 'upsert' && change.type !== 'delete') {
    throw new SyncError('bad-result', `${where}: a change has type ${preview((change as { type: unknown }).type)}; expected upsert or delete`);
  }
  if (typeof change.key !== 'string' || change.key === '') {
    throw new SyncError('bad-result', `${where}: a ${change.type} change has no key`);
  }
}

export function assertUniquePartitions(sync: string, partitions: Partition[]): void {
  const seen = new Set<string>();
  for (const { key } of partitions) {
    if (seen.has(key)) throw new SyncError('duplicate-partition', `${sync}: partition key '${key}' appears twice`);
    const lone = loneSurrogateAt(key);
    if (lone >= 0) throw new SyncError('bad-partition', `${sync}: partition key '${escapeLoneSurrogates(key)}' holds ${describeLoneSurrogate(key, lone)}`);
    seen.add(key);
  }
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
