/**
 * One consistent picture of the source: live records, tombstones of removed ones and the contact event
 * feed. The store keeps two: the truth (every write applied at once) and the replica that list
 * endpoints read, which receives writes only after the configured lag — that gap is the eventual
 * consistency the engine's buffer must cover.
 */
import type { ResourceName, SourceRecord } from './data.js';
import { RESOURCES } from './data.js';
import { compareIds, compareKeyed, insertSorted, removeSorted, type Keyed } from './order.js';

/** A removed record. Ids are never reused, so one tombstone per id is the whole deletion log. */
export interface Tombstone {
  id: string;
  deleted_at: string;
  /** The record as it was when removed (HubSpot-style archived listings return it). */
  last: SourceRecord;
}

export type EventType = 'contact.created' | 'contact.updated' | 'contact.deleted';
export interface SandboxEvent {
  id: string;
  type: EventType;
  created_at: string;
  data: { object: SourceRecord | { id: string } };
}

/** A write as a value, so the truth and the replica apply exactly the same change at different times. */
export type Write =
  | { kind: 'put'; at: number; resource: ResourceName; record: SourceRecord; event?: SandboxEvent }
  | { kind: 'delete'; at: number; resource: ResourceName; tombstone: Tombstone; event?: SandboxEvent };

/** Enough for every fixed order plus the query-keyed results of a few concurrent page walks. */
const MAX_MEMOS = 64;

const tombKey = (t: Tombstone): Keyed => ({ id: t.id, updated_at: t.deleted_at });
const compareTombs = (a: Tombstone, b: Tombstone) => compareKeyed(tombKey(a), tombKey(b));

/** Per resource: the records by id, the same records in both list orders, and the tombstones. */
interface Table {
  records: Map<string, SourceRecord>;
  byId: SourceRecord[];
  byUpdated: SourceRecord[];
  /** Ordered by (deleted_at, id): the audit log. */
  tombstones: Tombstone[];
  tombstoneById: Map<string, Tombstone>;
  /**
   * Id → ordinal of its last write in this view's apply order. Re-inserted on every write, so Map
   * iteration order is apply order; delta tokens page by it.
   */
  seqs: Map<string, number>;
  version: number;
}

export class View {
  readonly events: SandboxEvent[];
  private readonly tables = new Map<ResourceName, Table>();
  private applied = 0;
  /** Derived lists (rebuilt lazily after the resource changes) for orders only some routes need. */
  private readonly memos = new Map<string, { version: number; rows: unknown[] }>();

  constructor(records: Record<ResourceName, SourceRecord[]>, events: SandboxEvent[]) {
    for (const resource of RESOURCES) {
      const rows = records[resource];
      this.tables.set(resource, {
        records: new Map(rows.map((r) => [r.id, r])),
        byId: [...rows].sort(compareIds),
        byUpdated: [...rows].sort(compareKeyed),
        tombstones: [],
        tombstoneById: new Map(),
        seqs: new Map(),
        version: 0,
      });
    }
    this.events = [...events];
  }

  apply(write: Write): void {
    const t = this.tables.get(write.resource)!;
    const id = write.kind === 'put' ? write.record.id : write.tombstone.id;
    const old = t.records.get(id);
    if (old) {
      removeSorted(t.byId, old, compareIds);
      removeSorted(t.byUpdated, old, compareKeyed);
    }
    if (write.kind === 'put') {
      t.records.set(id, write.record);
      insertSorted(t.byId, write.record, compareIds);
      insertSorted(t.byUpdated, write.record, compareKeyed);
    } else {
      t.records.delete(id);
      t.tombstoneById.set(id, write.tombstone);
      insertSorted(t.tombstones, write.tombstone, compareTombs);
    }
    t.seqs.delete(id);
    t.seqs.set(id, ++this.applied);
    t.version++;
    if (write.event) this.events.push(write.event);
  }

  get(resource: ResourceName, id: string): SourceRecord | undefined {
    return this.tables.get(resource)!.records.get(id);
  }

  tombstone(resource: ResourceName, id: string): Tombstone | undefined {
    return this.tables.get(resource)!.tombstoneById.get(id);
  }

  /** Live records sorted by id. Shared, read-only: callers slice, never mutate. */
  byId(resource: ResourceName): readonly SourceRecord[] {
    return this.tables.get(resource)!.byId;
  }

  /** Live records sorted by (updated_at, id). Shared, read-only. */
  byUpdated(resource: ResourceName): readonly SourceRecord[] {
    return this.tables.get(resource)!.byUpdated;
  }

  /** Removed records ordered by (deleted_at, id). Shared, read-only. */
  tombstones(resource: ResourceName): readonly Tombstone[] {
    return this.tables.get(resource)!.tombstones;
  }

  /** Ids written since seeding with the ordinal of their last write, in that order. */
  changes(resource: ResourceName): ReadonlyMap<string, number> {
    return this.tables.get(resource)!.seqs;
  }

  /**
   * A derived row list cached until the resource changes. Routes use it for their own orders (e.g.
   * ServiceNow's second-precision timestamps) and for filtered results a client pages through with
   * one query, so only the first page of a walk scans the whole table.
   */
  memo<T>(resource: ResourceName, key: string, build: () => T[]): T[] {
    const version = this.tables.get(resource)!.version;
    const cacheKey = `${resource}:${key}`;
    const hit = this.memos.get(cacheKey);
    if (hit && hit.version === version) return hit.rows as T[];
    const rows = build();
    if (this.memos.size >= MAX_MEMOS) this.memos.clear(); // keys may carry query values: stay bounded
    this.memos.set(cacheKey, { version, rows });
    return rows;
  }
}
