/**
 * In-memory source of truth and its change log. Every mutation becomes a `Write` applied to the truth
 * at once and queued for the replica, which list endpoints read; the queue drains `lagMs` after each
 * write happened (wall-clock time of the write, not the record's updated_at, because replica lag is a
 * property of the infrastructure, not of the data).
 */
import type { Clock } from './clock.js';
import { iso } from './clock.js';
import { formatId, generateDataset, makeRecord, RESOURCES, type Counts, type GenContext, type ResourceName, type SourceRecord } from './data.js';
import { compareKeyed } from './order.js';
import { View, type EventType, type SandboxEvent, type Tombstone, type Write } from './view.js';

export class SandboxError extends Error {
  constructor(
    readonly code: 'not_found' | 'invalid',
    message: string,
  ) {
    super(message);
  }
}

export function asResource(name: unknown): ResourceName {
  if (typeof name === 'string' && (RESOURCES as string[]).includes(name)) return name as ResourceName;
  throw new SandboxError('invalid', `unknown resource ${JSON.stringify(name)}; expected one of ${RESOURCES.join(', ')}`);
}

export interface StoreOptions extends GenContext {
  lagMs: number;
  clock: Clock;
}

export class Store {
  readonly clock: Clock;
  lagMs: number;
  private ctx!: GenContext;
  private truthView!: View;
  private replica!: View;
  private pending: Write[] = [];
  private nextN!: Record<ResourceName, number>;
  private nextEvent = 1;
  private bad: string[] = [];

  constructor(opts: StoreOptions) {
    this.clock = opts.clock;
    this.lagMs = opts.lagMs;
    this.reset(opts);
  }

  get seed(): number {
    return this.ctx.seed;
  }
  get counts(): Counts {
    return { ...this.ctx.counts };
  }
  get clean(): boolean {
    return this.ctx.clean;
  }
  get badContactIds(): string[] {
    return [...this.bad];
  }
  /** Every write applied; what `source.list` reads. */
  get truth(): View {
    return this.truthView;
  }

  /** Regenerates the seeded dataset; all writes, tombstones and events made since are forgotten. */
  reset(ctx: GenContext): void {
    this.ctx = { seed: ctx.seed, counts: { ...ctx.counts }, clean: ctx.clean };
    const data = generateDataset(this.ctx);
    this.bad = data.badContactIds;
    this.nextN = Object.fromEntries(RESOURCES.map((r) => [r, data.records[r].length + 1])) as Record<ResourceName, number>;
    this.nextEvent = 1;
    // The feed starts with one `created` event per seeded contact, in (updated_at, id) order, carrying
    // the contact as seeded: replaying the feed from the start rebuilds exactly the seeded table.
    const seededEvents = [...data.records.contacts]
      .sort(compareKeyed)
      .map((c) => this.event('contact.created', c, c.updated_at));
    this.truthView = new View(data.records, seededEvents);
    this.replica = new View(data.records, seededEvents);
    this.pending = [];
  }

  /** The replica as of now: writes older than lagMs applied, younger ones still invisible. */
  visible(): View {
    const cutoff = this.clock.now() - this.lagMs;
    let i = 0;
    while (i < this.pending.length && this.pending[i].at <= cutoff) this.replica.apply(this.pending[i++]);
    if (i > 0) this.pending.splice(0, i);
    return this.replica;
  }

  create(resource: ResourceName, partial: Record<string, unknown> = {}): SourceRecord {
    const n = this.nextN[resource];
    const now = iso(this.clock.now());
    const base = makeRecord(resource, n, this.ctx);
    if (resource === 'issues') {
      // Issue numbers count per repository, like GitHub's.
      const repoId = partial.repo_id ?? base.repo_id;
      base.repo_id = repoId;
      base.number = 1 + this.truthView.byId('issues').reduce((max, i) => (i.repo_id === repoId ? Math.max(max, Number(i.number)) : max), 0);
    }
    const record: SourceRecord = { ...base, ...partial, id: formatId(resource, n), created_at: now, updated_at: now };
    if (typeof partial.created_at === 'string') record.created_at = partial.created_at;
    this.nextN[resource] = n + 1;
    this.commit({ kind: 'put', at: this.clock.now(), resource, record, event: this.contactEvent(resource, 'contact.created', record, now) });
    return record;
  }

  /** Shallow-merges `patch`; updated_at becomes `at` (to force ties or backdate) or now. */
  update(resource: ResourceName, id: string, patch: Record<string, unknown>, at?: Date): SourceRecord {
    const current = this.require(resource, id);
    const now = this.clock.now();
    const record: SourceRecord = { ...current, ...patch, id, updated_at: iso(at ? at.getTime() : now) };
    this.commit({ kind: 'put', at: now, resource, record, event: this.contactEvent(resource, 'contact.updated', record, iso(now)) });
    return record;
  }

  /** One timestamp for all ids: the bulk edit that produces more ties than a page holds. */
  bulkUpdate(resource: ResourceName, ids: string[], patch: Record<string, unknown>, at?: Date): SourceRecord[] {
    for (const id of ids) this.require(resource, id);
    const stamp = at ?? new Date(this.clock.now());
    return ids.map((id) => this.update(resource, id, patch, stamp));
  }

  /** Hard delete; the tombstone feeds the markers, the audit log and the `deleted` event. */
  remove(resource: ResourceName, id: string): { id: string; deleted_at: string } {
    const last = this.require(resource, id);
    const now = this.clock.now();
    const tombstone: Tombstone = { id, deleted_at: iso(now), last };
    this.commit({ kind: 'delete', at: now, resource, tombstone, event: this.contactEvent(resource, 'contact.deleted', { id }, iso(now)) });
    return { id, deleted_at: tombstone.deleted_at };
  }

  private require(resource: ResourceName, id: string): SourceRecord {
    const record = this.truthView.get(resource, id);
    if (!record) throw new SandboxError('not_found', `no ${resource} record ${JSON.stringify(id)}`);
    return record;
  }

  private commit(write: Write): void {
    this.truthView.apply(write);
    this.pending.push(write);
    if (this.lagMs <= 0) this.visible();
  }

  private contactEvent(resource: ResourceName, type: EventType, object: SandboxEvent['data']['object'], at: string): SandboxEvent | undefined {
    return resource === 'contacts' ? this.event(type, object, at) : undefined;
  }

  private event(type: EventType, object: SandboxEvent['data']['object'], at: string): SandboxEvent {
    return { id: `evt_${String(this.nextEvent++).padStart(6, '0')}`, type, created_at: at, data: { object } };
  }
}
