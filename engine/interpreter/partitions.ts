/**
 * Partitions of a spec sync: a static list (from the spec or a config var), or the records of a
 * parent sync fetched page by page (each child request runs once per parent record, with its own
 * checkpoint).
 */
import type { Partition, SyncMetrics } from '../core/types.js';
import { SyncError } from '../core/errors.js';
import { selectFirst } from '../extract/jsonpath.js';
import type { Stream } from './stream.js';
import type { TemplateContext } from '../template/render.js';

export type PartitionLister = (ctx: { signal: AbortSignal; metrics: SyncMetrics }) => Promise<Partition[]>;

/** Static values: scalars key themselves; objects need a `key` JSONPath. */
export function staticPartitions(sync: string, values: unknown, keyPath: string | undefined): PartitionLister {
  return async () => {
    if (!Array.isArray(values)) {
      throw new SyncError('bad-partitions', `${sync}: partitions.values must be a list, got ${JSON.stringify(values)}`);
    }
    return values.map((value) => ({ key: partitionKey(sync, value, keyPath), value }));
  };
}

export interface ParentListing {
  /** Qualified name of the parent sync, for messages. */
  name: string;
  stream: Stream;
  /** The parent's own partitions (a grandparent chain), or one unpartitioned run. */
  partitions?: PartitionLister;
  templateContext: (partition: Partition, now: Date) => TemplateContext;
  /** Picks the object out of a raw record (the parent's `object`/`filter` rules). */
  select: (record: unknown) => unknown | undefined;
  key: (record: unknown) => string | null;
}

/** Every record of the parent sync, walked through all its pages, as child partitions. */
export function parentPartitions(sync: string, parent: ParentListing): PartitionLister {
  return async (ctx) => {
    const now = new Date();
    const parentPartitions = parent.partitions ? await parent.partitions(ctx) : [{ key: '', value: undefined }];
    const partitions: Partition[] = [];
    for (const partition of parentPartitions) {
      let position = parent.stream.firstPosition();
      for (;;) {
        const templateCtx = parent.templateContext(partition, now);
        const cursor = parent.stream.templateCursor(position);
        const page = await parent.stream.fetch(position, cursor ? { ...templateCtx, cursor } : templateCtx, ctx);
        for (const record of page.records) {
          const object = parent.select(record);
          if (object === undefined) continue;
          const key = parent.key(object);
          if (key === null) throw new SyncError('bad-partitions', `${sync}: a record of parent sync ${parent.name} has no key`);
          partitions.push({ key, value: object });
        }
        if (page.next.done) break;
        position = page.next.position;
      }
    }
    return partitions;
  };
}

function partitionKey(sync: string, value: unknown, keyPath: string | undefined): string {
  if (value !== null && typeof value === 'object') {
    const key = keyPath ? selectFirst(keyPath, value) : undefined;
    if (typeof key === 'string' || typeof key === 'number') return String(key);
    throw new SyncError('bad-partitions', `${sync}: partition ${JSON.stringify(value)} needs a key (partitions.key)`);
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new SyncError('bad-partitions', `${sync}: partition value ${JSON.stringify(value)} cannot be a key`);
}
