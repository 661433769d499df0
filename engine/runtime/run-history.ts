/**
 * The run's one stream of facts, and its readers. The loop and the partitions tell what happens
 * (`RunFact`); `RunTeller` hands each fact to the run journal (run history) and, as a `RunEvent`,
 * to `onEvent` (the process log, progress bars, library callers).
 *
 * A page's commit line and the run's progress are written in the page's own transaction (the store
 * asks the journal for them inside it): one write per page, not three. Lines told between commits
 * (the start, rate-limit waits) go with the next write for the run — a commit, the run's end — or
 * on their own after FLUSH_AFTER_MS (a long wait, a slow page).
 */
import type { FailedRecord, RateLimitWait } from '../core/types.js';
import type { CommitResult, Cycle, RunJournalWrite, RunLogEntry, RunTrigger, Store } from '../store/store.js';
import { RunProgress, commitEntries, endEntries, resyncEntry, startEntry, waitEntries, type RunEnd } from './run-journal.js';
import type { RunEvent } from './run-types.js';

/** How long told lines may wait for the run's next write before they are written on their own. */
const FLUSH_AFTER_MS = 1000;
/**
 * A run's first commits each get a line; after that one in COMMITS_SAMPLED does (failed records
 * always do), so a million-record backfill leaves a few hundred lines, and its end line the totals.
 */
const COMMITS_LOGGED = 20;
const COMMITS_SAMPLED = 100;

export interface CommitFact {
  type: 'commit';
  partition: string;
  committed: CommitResult;
  failed: FailedRecord[];
  /** This commit's requests and retries; the run's requests so far. */
  requests: number;
  retries: number;
  requestsSoFar: number;
  progress: { done: number; total: number } | undefined;
  partitionDone: boolean;
}

export type RunFact =
  | { type: 'start'; cycle: Cycle; trigger: RunTrigger }
  | { type: 'resync'; cycle: Cycle }
  | { type: 'partitions'; count: number }
  /** A partition already finished in this cycle (by an earlier run). */
  | { type: 'partitionFinished'; partition: string }
  | { type: 'wait'; partition: string; wait: RateLimitWait };

export class RunJournal {
  private entries: RunLogEntry[] = [];
  private percent: number | undefined;
  private progress = new RunProgress(1);
  private timer: NodeJS.Timeout | undefined;
  private commits = 0;

  constructor(
    private readonly store: Store,
    private readonly runId: number,
    private readonly redact: (text: string) => string,
  ) {}

  record(fact: RunFact): void {
    switch (fact.type) {
      case 'start': return this.add([startEntry(fact.cycle, fact.trigger)]);
      case 'resync': return this.add([resyncEntry(fact.cycle)]);
      case 'partitions':
        this.progress = new RunProgress(fact.count);
        return;
      case 'partitionFinished':
        this.progress.finished(fact.partition);
        return;
      case 'wait': return this.add(waitEntries([fact.wait], fact.partition));
    }
  }

  /**
   * Called inside a page's commit: what it writes (the lines told before it, its own, the run's
   * percent), and `before`, what to restore should the commit fail (then nothing of it was written).
   */
  commit(fact: CommitFact): { write: RunJournalWrite; before: RunJournalWrite | undefined } {
    const before = this.take();
    const { partition, committed, failed, requests, retries } = fact;
    const percent = this.progress.update(partition, fact.progress, fact.partitionDone) ?? before?.progress;
    const [line, ...warnings] = commitEntries({ partition, ...committed, failed, requests, retries }, this.redact);
    this.commits++;
    const logged = this.commits <= COMMITS_LOGGED || this.commits % COMMITS_SAMPLED === 0;
    const sampling = this.commits === COMMITS_LOGGED + 1
      ? [{ at: line.at, level: 'info' as const, message: `${COMMITS_LOGGED} pages committed: from here on one commit in ${COMMITS_SAMPLED} is logged (the end line has the totals)` }]
      : [];
    const entries = [...(before?.entries ?? []), ...sampling, ...(logged ? [line] : []), ...warnings];
    return { write: { entries, ...(percent !== undefined && { progress: percent }) }, before };
  }

  /** What the run's next write takes: every line told so far, and the latest progress. */
  take(): RunJournalWrite | undefined {
    this.cancelFlush();
    if (this.entries.length === 0 && this.percent === undefined) return undefined;
    const write: RunJournalWrite = { entries: this.entries, ...(this.percent !== undefined && { progress: this.percent }) };
    this.entries = [];
    this.percent = undefined;
    return write;
  }

  /** Puts back what a write that failed had taken, before what was told since. */
  restore(write: RunJournalWrite | undefined): void {
    if (!write) return;
    this.entries = [...write.entries, ...this.entries];
    this.percent ??= write.progress;
  }

  /** The run's last write: what is left, and the end lines. */
  end(outcome: RunEnd): RunJournalWrite {
    const rest = this.take();
    return { ...rest, entries: [...(rest?.entries ?? []), ...endEntries(outcome)] };
  }

  private add(entries: RunLogEntry[]): void {
    this.entries.push(...entries);
    if (this.timer === undefined) {
      this.timer = setTimeout(() => this.flush(), FLUSH_AFTER_MS);
      this.timer.unref();
    }
  }

  /** Best effort: a line that cannot be written now (a busy database) must not fail the run. */
  private flush(): void {
    this.timer = undefined;
    const write = this.take();
    if (write) this.store.writeRunJournal(this.runId, write).catch(() => undefined);
  }

  private cancelFlush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** Tells each fact to the journal, and to `onEvent` as the RunEvent it is. */
export class RunTeller {
  constructor(
    readonly journal: RunJournal,
    private readonly sync: string,
    private readonly runId: number,
    private readonly onEvent: ((event: RunEvent) => void) | undefined,
  ) {}

  tell(fact: RunFact): void {
    this.journal.record(fact);
    const event = this.eventOf(fact);
    if (event) this.onEvent?.(event);
  }

  /** A page committed: the journal wrote it in the commit itself (RunJournal.commit); onEvent hears of it now. */
  committed(fact: CommitFact): void {
    this.onEvent?.(this.eventOf(fact)!);
  }

  private eventOf(fact: RunFact | CommitFact): RunEvent | undefined {
    const { sync, runId } = this;
    switch (fact.type) {
      case 'start': return { type: 'start', sync, runId, full: fact.cycle.full, resumed: fact.cycle.resumed };
      case 'wait': return { type: 'wait', sync, runId, partition: fact.partition, wait: fact.wait };
      case 'commit': return {
        type: 'commit', runId, progress: fact.progress ?? null, requests: fact.requestsSoFar,
        sync, partition: fact.partition, upserted: fact.committed.upserted, deleted: fact.committed.deleted, failed: fact.failed.length,
      };
      default: return undefined;
    }
  }
}
