/**
 * Random writes to the sandbox's contacts: creates, updates of random fields, removals and bulk
 * edits that give 10–30 contacts one shared (possibly backdated) updated_at — the ties that stall
 * a cursor which cannot page through one timestamp.
 *
 * Two rules keep the writes those of an API that can exist:
 * - A record's own timestamps only move forward: a record is updated or removed only once its
 *   updated_at and its last write (the time of its last event) are in the past. A second write in
 *   the same millisecond would carry the same version with other content, which a version-ordered
 *   store can only place by delivery order. Different records tie freely.
 *   (With `sameSecondWrites`, bursts write one record several times at once on purpose: for a feed whose
 *   versions are whole seconds, whose own order breaks the tie.)
 * - A backdated bulk edit is at most `maxBackdateMs` old when it happens. A consistency buffer
 *   covers replica lag plus backdating, no more: an edit stamped further back than
 *   buffer − lag can surface below a cursor that already moved on, in any engine.
 */
import type { SandboxSource, SourceRecord } from '../../sandbox/server.js';
import { STAGES } from '../../sandbox/server.js';
import type { Random } from '../support/prng.js';

export type MutationKind = 'create' | 'update' | 'remove' | 'bulk' | 'burst';

export interface MutationCounts {
  create: number;
  update: number;
  remove: number;
  bulk: number;
  /** Contacts touched by bulk edits. */
  bulkRows: number;
  /** Records written several times within one second: created, updated, deleted. */
  burst: number;
}

export interface MutatorOptions {
  maxBackdateMs: number;
  /** The live contact count the mix steers towards, so long runs neither empty nor bloat the table. */
  targetSize: number;
  /** Also write one record two or three times within one second (see `burst`). */
  sameSecondWrites?: boolean;
}

export class Mutator {
  readonly counts: MutationCounts = { create: 0, update: 0, remove: 0, bulk: 0, bulkRows: 0, burst: 0 };
  /** Every write, in order, for the failure message of a seed that does not converge. */
  readonly log: string[] = [];
  private serial = 0;
  /** When each contact was last written (sandbox clock): a backdated edit's event is stamped now. */
  private readonly lastWrite = new Map<string, number>();

  constructor(
    private readonly source: SandboxSource,
    private readonly options: MutatorOptions,
  ) {}

  /**
   * One random write, drawn from `random`; synchronous, so it can run inside the sandbox's request
   * hook.
   */
  mutate(random: Random, where: string): void {
    const now = this.source.clock.now();
    const live = this.source.list('contacts');
    const writable = live.filter((record) => Math.max(Date.parse(record.updated_at), this.lastWrite.get(record.id) ?? 0) < now);
    const size = live.length / this.options.targetSize;
    const kind = random.weighted<MutationKind>({
      create: size < 0.8 ? 4 : 2,
      update: 3.5,
      remove: size > 1.2 ? 4 : 2,
      bulk: 1.5,
      burst: this.options.sameSecondWrites ? 3 : 0,
    });
    if (kind === 'create' || writable.length === 0) return this.create(random, where);
    if (kind === 'update') return this.update(random, where, random.pick(writable));
    if (kind === 'remove') return this.remove(where, random.pick(writable));
    if (kind === 'burst') return this.burst(random, where, writable);
    return this.bulk(random, where, writable, now);
  }

  /**
   * One record written two or three times in a row, within one second: a new one created, updated and
   * deleted; an existing one updated then deleted; or updated twice. Only the feed's order says which
   * of its events is the newest.
   */
  private burst(random: Random, where: string, writable: SourceRecord[]): void {
    const shape = random.weighted({ createUpdateDelete: 1, updateDelete: 1, updateUpdate: 1 });
    const n = ++this.serial;
    const target = shape === 'createUpdateDelete' || writable.length === 0
      ? this.source.create('contacts', { name: `Burst ${n}`, email: `burst-${n}@example.com`, stage: random.pick(STAGES) })
      : random.pick(writable);
    const steps = [shape === 'createUpdateDelete' || writable.length === 0 ? 'create' : null];
    const updated = this.source.update('contacts', target.id, this.patch(random));
    steps.push('update');
    if (shape === 'updateUpdate') {
      this.source.update('contacts', target.id, this.patch(random));
      steps.push('update');
      this.lastWrite.set(target.id, Date.parse(updated.updated_at));
    } else {
      this.source.remove('contacts', target.id);
      steps.push('remove');
    }
    this.record('burst', where, `${target.id}: ${steps.filter(Boolean).join(', ')} at ${updated.updated_at}`);
  }

  private create(random: Random, where: string): void {
    const n = ++this.serial;
    const record = this.source.create('contacts', { name: `Created ${n}`, email: `created-${n}@example.com`, stage: random.pick(STAGES) });
    this.lastWrite.set(record.id, Date.parse(record.updated_at));
    this.record('create', where, `${record.id} at ${record.updated_at}`);
  }

  private update(random: Random, where: string, target: SourceRecord): void {
    const record = this.source.update('contacts', target.id, this.patch(random));
    this.lastWrite.set(record.id, Date.parse(record.updated_at));
    this.record('update', where, `${record.id} at ${record.updated_at}`);
  }

  private remove(where: string, target: SourceRecord): void {
    const { deleted_at } = this.source.remove('contacts', target.id);
    this.record('remove', where, `${target.id} at ${deleted_at}`);
  }

  private bulk(random: Random, where: string, writable: SourceRecord[], now: number): void {
    const targets = random.sample(writable, random.int(10, 30));
    const newest = Math.max(...targets.map((record) => Date.parse(record.updated_at)));
    // Backdated within the budget, but after each target's own updated_at (which is < now).
    const at = new Date(Math.max(now - random.int(0, this.options.maxBackdateMs), newest + 1));
    const ids = targets.map((record) => record.id);
    this.source.bulkUpdate('contacts', ids, this.patch(random), at);
    const written = this.source.clock.now();
    for (const id of ids) this.lastWrite.set(id, written);
    this.counts.bulkRows += ids.length;
    this.record('bulk', where, `${ids.length} contacts at ${at.toISOString()} (${now - at.getTime()} ms back): ${ids.join(' ')}`);
  }

  /** One to three of the mapped fields, or only an unmapped one (a write that changes only Updated). */
  private patch(random: Random): Record<string, unknown> {
    const n = ++this.serial;
    const fields: Record<string, () => unknown> = {
      name: () => `Renamed ${n}`,
      email: () => `renamed-${n}@example.com`,
      stage: () => random.pick(STAGES),
      score: () => random.int(0, 1000) / 1000,
    };
    const chosen = random.sample(Object.keys(fields), random.int(1, 3));
    return Object.fromEntries(chosen.map((field) => [field, fields[field]()]));
  }

  private record(kind: MutationKind, where: string, what: string): void {
    this.counts[kind]++;
    this.log.push(`${kind} (${where}) ${what}`);
  }
}
