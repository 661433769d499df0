/**
 * Runs the cycles of a randomized run — one after the other, or overlapping — optionally writing
 * to the source inside a running cycle, and keeps the tally: what the runs did, which failed, and
 * whether any cycle deleted a row whose record is still live.
 */
import type { Sandbox } from '../../sandbox/server.js';
import { runProject, type OpenedProject } from '../../engine/project.js';
import type { CycleSummary } from '../../engine/runtime/loop.js';
import { onRequest } from '../support/cli.js';
import { rowsByKey, runSync } from '../support/project.js';
import type { Random } from '../support/prng.js';
import type { Mutator } from './mutator.js';
import { DATABASE } from './rows.js';
import type { CyclePlan } from './strategies.js';

/** Writes made when the sandbox answers the `atRequest`-th request of the cycle. */
export interface WritesDuring {
  atRequest: number;
  writes: number;
}

export class CycleRunner {
  count = 0;
  overlaps = 0;
  midCycle = 0;
  /** Cycles with replace semantics: backfills, and full cycles of incremental syncs. */
  full = 0;
  /** Rows deleted by delete changes (markers, events, the delete stream), rows swept, stale changes refused. */
  deleted = 0;
  swept = 0;
  stale = 0;
  /** Runs that did not complete cleanly: status, error, first failed record. */
  readonly problems: string[] = [];
  /** Rows a cycle deleted although their record was live at the source when it ended. */
  readonly deletedLive: string[] = [];

  /** `random` draws the writes made inside cycles. */
  constructor(
    private readonly opened: OpenedProject,
    private readonly sandbox: Sandbox,
    private readonly mutator: Mutator,
    private readonly random: Random,
  ) {}

  async run(plan: CyclePlan, label: string, during?: WritesDuring): Promise<void> {
    const stop = during && onRequest(this.sandbox, (_entry, count) => {
      if (count !== during.atRequest) return;
      for (let i = 0; i < during.writes; i++) this.mutator.mutate(this.random, `during ${label}, after request ${count}`);
      this.midCycle += during.writes;
    });
    try {
      const before = await rowsByKey(this.opened, DATABASE);
      const summaries = plan.overlap
        ? await Promise.all(plan.syncs.map((sync) => runSync(this.opened, sync)))
        : await runProject(this.opened, { syncs: plan.syncs });
      for (const summary of summaries) this.record(summary, label);
      if (plan.overlap) this.overlaps++;
      await this.checkDeletions(before, `${label}: ${plan.syncs.join(' + ')}`);
    } finally {
      stop?.();
    }
  }

  /**
   * Safety between the end states: whatever a cycle deletes (a marker, an event, the delete stream,
   * a sweep) must be gone at the source. A live row deleted and restored later still converges, but
   * a destination would lose the page, its comments and its links in between.
   */
  private async checkDeletions(before: Map<string, unknown>, where: string): Promise<void> {
    const after = await rowsByKey(this.opened, DATABASE);
    for (const key of before.keys()) {
      if (!after.has(key) && this.sandbox.source.get('contacts', key)) this.deletedLive.push(`${where} deleted ${key}`);
    }
  }

  private record(summary: CycleSummary, label: string): void {
    this.count++;
    if (summary.full) this.full++;
    // A run's `deleted` includes what its sweep removed.
    this.deleted += summary.deleted - summary.swept;
    this.swept += summary.swept;
    this.stale += summary.stale;
    if (summary.status !== 'completed' || summary.failed > 0) {
      const error = summary.error ? `: ${summary.error}` : '';
      const failed = summary.failed ? `; ${summary.failed} failed records, first: ${JSON.stringify(summary.failures[0])}` : '';
      this.problems.push(`${label}: ${summary.sync} run ${summary.runId} ${summary.status}${error}${failed}`);
    }
  }
}
