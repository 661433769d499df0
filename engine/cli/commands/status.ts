/**
 * `syncspec status <config> [--json]`: for each enabled sync, its schedule and when it runs next,
 * where its cycle stands (phase and checkpoint, as the interpreter describes its state for `state
 * show` too: state-format.ts `describeState`), its active run and latest finished run with their
 * counts, and its last error.
 *
 * The next run is the service's own rule (engine/service/schedule.ts `dueAt`): a sync that never
 * ran, or whose latest run was interrupted, is due at once; otherwise the schedule counts from the
 * latest start. A moment already past shows as "due now".
 *
 * Full cycles: an incremental sync never sees a record leave a filter of its request (a var marked
 * `filters`, a field in `request.filters`: engine/spec/filters.ts) until a full cycle sweeps its
 * database — its own, or another sync's of the same database (a replace backfill). `lastFullCycle`
 * is the latest such sweep, for every sync; the table says it, under the rows, for the incremental
 * syncs whose request filters (for the others it matters less, and the JSON has it).
 */
import type { Command } from 'commander';
import type { OpenedProject } from '../../project.js';
import { fullSyncOf, syncFilters } from '../../spec/filters.js';
import type { Schedule, SyncDefinition } from '../../core/types.js';
import type { RunRecord } from '../../store/store.js';
import { nextRun } from '../../schedule/parse.js';
import { describeSchedule, dueAt, lastRunOf } from '../../service/schedule.js';
import { fittedTable, terminalWidth } from '../format.js';
import { openOrReport } from '../open.js';
import { ACTIVE_STATUSES, durationCell, localTime, progressCell, runView, shortError, waitsCell, type RunView } from '../run-view.js';
import { describeState, streamName } from '../../interpreter/state-format.js';

/** Runs of a sync looked at for its active run, latest run and last error. */
const RECENT_RUNS = 50;

export interface CheckpointStatus {
  /** 'in progress' (a cycle is open), 'done' (every partition finished its cycle), or 'anchored' (a delta waiting on its backfill's snapshot). */
  cycle: 'in progress' | 'done' | 'anchored';
  partitions: number;
  partitionsInProgress: number;
  /** Where the delta stands, as `state show` prints it; null with several partitions. */
  cursor: string | null;
  /** Where an interrupted cycle resumes; null with several partitions, or none. */
  page: string | null;
  updatedAt: string | null;
}

export interface SyncStatus {
  sync: string;
  schedule: string;
  /** ISO time; null for a manual sync. May be in the past: then the sync is due. */
  nextRun: string | null;
  /** 'delta' or 'deletes' for flip-flop delete streams; null otherwise. */
  phase: string | null;
  /** Flip-flop syncs: the stream failing its turns ('delta' or 'deletes'; lastError says why), else null. */
  failingStream: string | null;
  checkpoint: CheckpointStatus | null;
  /** A running or queued run. */
  activeRun: RunView | null;
  /** The newest completed, failed or cancelled run. */
  latestRun: RunView | null;
  /** The newest run that failed: its text, and its stable code and kind (see CycleSummary). */
  lastError: { runId: number; at: string; message: string; code: string | null; kind: string | null } | null;
  /** Incremental syncs: the interval of their full cycles as written (default 7d), or 'off'; null for replace syncs. */
  fullSync: string | null;
  /** Incremental syncs: what their request filters by (`vars.state`, `query parameter 'state'`); empty for replace syncs. */
  filters: string[];
  /**
   * The latest full cycle that swept this sync's database, by this sync or another of its connector
   * writing the same database (every completed replace cycle; a full cycle of an incremental sync);
   * null when none has.
   */
  lastFullCycle: { at: string; sync: string } | null;
}

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('each sync: schedule, next run, phase, checkpoint, active and latest run, last error')
    .argument('<config>', 'config file')
    .option('--json', 'print JSON')
    .action(async (config: string, options: { json?: boolean }) => {
      const opened = await openOrReport(config, 'looking');
      if (!opened) return;
      try {
        const now = new Date();
        const statuses: SyncStatus[] = [];
        for (const sync of opened.syncs) statuses.push(await syncStatus(opened, sync, now));
        process.stdout.write(`${options.json ? JSON.stringify(statuses, null, 2) : statusTable(statuses, now)}\n`);
      } finally {
        await opened.close();
      }
    });
}

export async function syncStatus(opened: OpenedProject, sync: SyncDefinition, now: Date): Promise<SyncStatus> {
  const runs = await opened.store.listRuns({ sync: sync.name, limit: RECENT_RUNS });
  const active = runs.find((run) => run.status === 'running') ?? runs.findLast((run) => run.status === 'pending');
  const latest = runs.find((run) => !ACTIVE_STATUSES.includes(run.status));
  // The last error is news only until a later run completes (a cancelled run, retried since, is not).
  const completed = runs.find((run) => run.status === 'completed');
  const failed = runs.find((run) => run.error !== null && (completed === undefined || run.id > completed.id));
  const { checkpoint, phase, failingStream } = await checkpointStatus(opened, sync.name);
  return {
    sync: sync.name,
    schedule: describeSchedule(sync.schedule),
    nextRun: nextRunOf(sync.schedule, runs, now)?.toISOString() ?? null,
    phase,
    failingStream,
    checkpoint,
    activeRun: active ? runView(active, now) : null,
    latestRun: latest ? runView(latest, now) : null,
    lastError: failed ? { runId: failed.id, at: failed.endedAt ?? failed.startedAt, message: failed.error!, code: failed.errorCode, kind: failed.errorKind } : null,
    ...(await fullCycleStatus(opened, sync.name)),
  };
}

async function fullCycleStatus(opened: OpenedProject, name: string): Promise<Pick<SyncStatus, 'fullSync' | 'filters' | 'lastFullCycle'>> {
  const connector = opened.project.connectors.find((candidate) => name.startsWith(`${candidate.name}.`));
  const key = connector && name.slice(connector.name.length + 1);
  const own = connector && key !== undefined && Object.hasOwn(connector.spec.syncs, key) ? connector.spec.syncs[key] : undefined;
  if (!connector || key === undefined || !own) return { fullSync: null, filters: [], lastFullCycle: null };
  const fullSync = fullSyncOf(own);
  let lastFullCycle: SyncStatus['lastFullCycle'] = null;
  for (const [other, sync] of Object.entries(connector.spec.syncs)) {
    if (sync.database !== own.database) continue;
    const qualified = `${connector.name}.${other}`;
    const at = await opened.store.lastFullCycleClosedAt(qualified);
    if (at !== undefined && (lastFullCycle === null || at > lastFullCycle.at)) lastFullCycle = { at, sync: qualified };
  }
  return { fullSync, filters: fullSync === null ? [] : syncFilters(connector.spec, key, connector.vars), lastFullCycle };
}

function nextRunOf(schedule: Schedule, runs: RunRecord[], now: Date): Date | null {
  const started = runs.find((run) => run.status !== 'pending');
  // A run going on now: the schedule counts from its start (dueAt would read it as interrupted).
  if (started?.status === 'running') return nextRun(schedule, new Date(started.startedAt));
  const lastRun = lastRunOf(runs);
  return dueAt(schedule, lastRun ? { lastRun } : {}, now);
}

interface CheckpointSummary {
  checkpoint: CheckpointStatus | null;
  phase: string | null;
  failingStream: string | null;
}

async function checkpointStatus(opened: OpenedProject, sync: string): Promise<CheckpointSummary> {
  const checkpoints = await opened.store.listCheckpoints(sync);
  if (checkpoints.length === 0) {
    const anchor = await opened.store.getAnchor(sync);
    if (anchor === undefined) return { checkpoint: null, phase: null, failingStream: null };
    const view = describeState(anchor, opened.redact);
    return {
      checkpoint: { cycle: 'anchored', partitions: 0, partitionsInProgress: 0, cursor: known(view.cursor), page: null, updatedAt: null },
      phase: known(view.phase),
      failingStream: null,
    };
  }
  const views = checkpoints.map((checkpoint) => describeState(checkpoint.state, opened.redact));
  const inProgress = checkpoints.filter((checkpoint) => checkpoint.doneInCycle === null).length;
  const single = checkpoints.length === 1 ? views[0] : undefined;
  const phases = [...new Set(views.map((view) => view.phase).filter((phase) => phase !== '-'))];
  return {
    checkpoint: {
      cycle: inProgress > 0 ? 'in progress' : 'done',
      partitions: checkpoints.length,
      partitionsInProgress: inProgress,
      cursor: single ? known(single.cursor) : null,
      page: single ? known(single.page) : null,
      updatedAt: checkpoints.map((checkpoint) => checkpoint.updatedAt).sort().at(-1) ?? null,
    },
    phase: phases.length > 0 ? phases.join(', ') : null,
    failingStream: [...new Set(views.map((view) => view.failing).filter((failing) => failing !== '-'))].join(', ') || null,
  };
}

const known = (cell: string): string | null => (cell === '-' ? null : cell);


const HEADERS = [
  'sync', 'schedule', 'next run', 'phase', 'checkpoint', 'active', 'latest', 'started', 'duration', 'upserted', 'deleted', 'failed', 'requests',
  'retries', 'waits',
];

/** What a narrow terminal loses first; sync, next run, active and latest always stay. */
const DROP_FIRST = ['retries', 'waits', 'deleted', 'requests', 'failed', 'started', 'duration', 'checkpoint', 'upserted', 'phase', 'schedule'];

/** The table, then each sync's last error (errors are long; a table cell would cut them). */
export function statusTable(statuses: SyncStatus[], now: Date): string {
  const rows = statuses.map((status) => {
    const latest = status.latestRun;
    return [
      status.sync,
      status.schedule,
      nextRunCell(status.nextRun, now),
      [status.checkpoint?.cycle, status.phase, status.failingStream && `${streamName(status.failingStream)} failing`].filter(Boolean).join(', ') || '-',
      checkpointCell(status.checkpoint),
      status.activeRun ? `#${status.activeRun.id} ${status.activeRun.status}${status.activeRun.progress === null ? '' : ` ${progressCell(status.activeRun)}`}` : '-',
      latest ? `#${latest.id} ${latest.status}` : '-',
      latest ? localTime(latest.startedAt) : '-',
      latest ? durationCell(latest) : '-',
      latest?.upserted ?? '-', latest?.deleted ?? '-', latest?.failed ?? '-', latest?.requests ?? '-', latest?.retries ?? '-',
      latest ? waitsCell(latest) : '-',
    ];
  });
  const fitted = fittedTable(HEADERS, rows, terminalWidth(), DROP_FIRST);
  const lines = [fitted.text];
  if (fitted.hidden.length > 0) lines.push(`(left out to fit the terminal: ${fitted.hidden.join(', ')}; --json or a wider terminal shows them)`);
  for (const status of statuses) {
    if (status.fullSync !== null && status.filters.length > 0) lines.push(`\n${fullCycleLine(status)}`);
  }
  for (const status of statuses) {
    if (status.lastError) lines.push(`\n${status.sync}: last error (run ${status.lastError.runId}, ${localTime(status.lastError.at)}): ${shortError(status.lastError.message, 300)}`);
  }
  return lines.join('\n');
}

/** `api.issues: filters by vars.state; last full cycle 2026-12-03 05:00:00 by api.backfill, fullSync off`. */
function fullCycleLine({ sync, filters, lastFullCycle: last, fullSync }: SyncStatus): string {
  const when = last === null ? 'never' : `${localTime(last.at)}${last.sync === sync ? '' : ` by ${last.sync}`}`;
  return `${sync}: filters by ${filters.join(', ')}; last full cycle ${when}, fullSync ${fullSync}`;
}

function nextRunCell(next: string | null, now: Date): string {
  if (next === null) return '-';
  return Date.parse(next) <= now.getTime() ? 'due now' : localTime(next);
}

function checkpointCell(checkpoint: CheckpointStatus | null): string {
  if (!checkpoint) return '-';
  if (checkpoint.partitions > 1) return `${checkpoint.partitions} partitions, ${checkpoint.partitionsInProgress} in progress`;
  const parts = [checkpoint.cursor, checkpoint.page].filter((part): part is string => part !== null);
  return parts.length > 0 ? parts.join('; ') : '-';
}
