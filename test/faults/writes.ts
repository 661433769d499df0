/**
 * Random writes to the sandbox's contacts between runs: creates, renames and stage changes, removals,
 * and bulk edits that give several contacts one shared updated_at (a tie larger than a commit, so
 * the keyset delta splits it). Each write touches a different contact: two writes to one record
 * in the same millisecond would carry one version with two contents.
 */
import { badContactKind } from '../../sandbox/data.js';
import { STAGES, type Sandbox, type SourceRecord } from '../../sandbox/server.js';
import type { Random } from '../support/prng.js';

export interface WriteCounts {
  create: number;
  update: number;
  remove: number;
  /** Contacts given one shared updated_at by bulk edits. */
  bulk: number;
}

export const noWrites = (): WriteCounts => ({ create: 0, update: 0, remove: 0, bulk: 0 });

/**
 * Contacts that fail to map: the seeded bad ones, and created ones numbered like them (the sandbox
 * generates every contact n with n % 50 === 13 broken).
 */
export function isBadContact(sandbox: Sandbox, record: SourceRecord): boolean {
  return sandbox.source.badContactIds.includes(record.id) || badContactKind(Number(record.id.replace(/^\D+_/, ''))) !== undefined;
}

export interface WriteOptions {
  /** Contacts not to remove (the committed part of a split page, which the per-process check counts by position). */
  keep?: ReadonlySet<string>;
  /** At most this many bulk-edited contacts. @default 0 */
  maxBulk?: number;
  /** At most this many updates, removals and creates each. @default 3 */
  maxEach?: number;
}

/** A few random writes; adds them to `counts`. Bad contacts are left alone, so they stay bad. */
export function randomWrites(sandbox: Sandbox, random: Random, counts: WriteCounts, options: WriteOptions = {}): void {
  const { source } = sandbox;
  const maxEach = options.maxEach ?? 3;
  const good = source.list('contacts').filter((record) => !isBadContact(sandbox, record));
  const bulk = options.maxBulk ? random.int(0, 1) * random.int(Math.min(8, options.maxBulk), options.maxBulk) : 0;
  const picked = random.sample(good, bulk + 2 * maxEach);
  const bulkIds = picked.splice(0, bulk).map((record) => record.id);
  if (bulkIds.length > 0) source.bulkUpdate('contacts', bulkIds, { stage: random.pick(STAGES) });
  counts.bulk += bulkIds.length;

  for (let i = random.int(0, maxEach); i > 0 && picked.length > 0; i--) {
    const record = picked.pop()!;
    source.update('contacts', record.id, random.chance(0.5) ? { name: `${record.name} ✎` } : { stage: random.pick(STAGES) });
    counts.update++;
  }
  const removable = picked.filter((record) => !options.keep?.has(record.id));
  for (let i = random.int(0, maxEach); i > 0 && removable.length > 0; i--) {
    source.remove('contacts', removable.pop()!.id);
    counts.remove++;
  }
  for (let i = random.int(0, maxEach); i > 0; i--) {
    source.create('contacts');
    counts.create++;
  }
}
