/**
 * Progress bars for `syncspec run` on an interactive terminal: one line per sync that started, fed
 * by the run's events. A sync whose source tells a total (offset or page-number totals) gets a
 * percentage bar; the others a counter. Every line shows pages (committed results), records
 * (upserted + deleted + failed) and the rate. Log lines written meanwhile go through `logStream`,
 * which prints them above the bars instead of through them.
 *
 * Only for terminals: on anything else the caller logs plain lines and creates no board.
 *
 * What a real terminal (tmux, a narrow pane) needs: each bar line cut to the terminal's width, so it
 * never wraps onto a row the redraw does not know of; every bar drawn on every frame (cli-progress
 * skips a bar whose text did not change, and a log line may have just written over it); the screen
 * below cleared before log lines are written over the bars (a shorter line would leave the end of a
 * longer bar behind); and line wrapping left on, so a long log line wraps instead of losing its end.
 */
import { Writable } from 'node:stream';
import cliProgress from 'cli-progress';
import type { RunEvent } from '../runtime/loop.js';
import { percent } from '../log/run-log.js';

export interface SyncProgress {
  sync: string;
  /** When the run started (ms since epoch). */
  startedAt: number;
  /** When it ended; null while it runs. */
  endedAt: number | null;
  status: 'running' | 'completed' | 'failed' | 'cancelled' | 'skipped';
  pages: number;
  records: number;
  /** The source's own count, when it tells one. */
  progress: { done: number; total: number } | null;
}

export interface ProgressBoardOptions {
  /** Names are padded to the longest of these, so the bars line up. */
  syncs: string[];
  /** The clock the rate is measured with (tests pass their own). */
  now?: () => number;
  /** Characters of the bar itself. @default 20 */
  barWidth?: number;
  /** Redraws per second. @default 10 */
  fps?: number;
  /** A finished sync's bar goes (its line was logged): for the service, where syncs come and go. */
  removeFinished?: boolean;
}

export interface ProgressBoard {
  onEvent(event: RunEvent): void;
  /** Log lines written here appear above the bars while they are drawn. */
  readonly logStream: Writable;
  /** Draws the bars a last time (final counts stay on screen) and lets the terminal go. */
  stop(): void;
}

type Terminal = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

/** ED 0: erase from the cursor to the end of the screen. */
const CLEAR_BELOW = '\x1b[J';

export function createProgressBoard(stream: Terminal, options: ProgressBoardOptions): ProgressBoard {
  const now = options.now ?? Date.now;
  const barWidth = options.barWidth ?? 20;
  const nameWidth = Math.max(0, ...options.syncs.map((name) => name.length));
  // One column short of the width: a line that fills the last column leaves some terminals about to wrap.
  const width = () => Math.max(20, (stream.columns ?? 80) - 1);
  const multibar = new cliProgress.MultiBar({
    stream,
    fps: options.fps ?? 10,
    hideCursor: true,
    linewrap: true,
    forceRedraw: true,
    // The process handles SIGINT itself (first: finish the page, second: abort); the bars stop with it.
    gracefulExit: false,
    format: (_options, _params, payload: { state: SyncProgress }) => progressLine(payload.state, { now: now(), nameWidth, barWidth }).slice(0, width()),
  });
  const bars = new Map<number, { bar: cliProgress.SingleBar; state: SyncProgress }>();
  let stopped = false;
  let drawn = false;

  const logStream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      const text = chunk.toString();
      // Written where the bars begin: what is below goes first, then the bars are drawn again under it.
      if (multibar.isActive) multibar.log(`${CLEAR_BELOW}${text.endsWith('\n') ? text : `${text}\n`}`);
      else stream.write(text);
      callback();
    },
  });

  return {
    logStream,
    onEvent(event) {
      if (stopped) return;
      switch (event.type) {
        case 'start': {
          const state: SyncProgress = { sync: event.sync, startedAt: now(), endedAt: null, status: 'running', pages: 0, records: 0, progress: null };
          bars.set(event.runId, { bar: multibar.create(1, 0, { state }), state });
          drawn = true;
          return;
        }
        case 'commit': {
          const entry = bars.get(event.runId);
          if (!entry) return;
          entry.state.pages += 1;
          entry.state.records += event.upserted + event.deleted + event.failed;
          if (event.progress) entry.state.progress = event.progress;
          entry.bar.update(entry.state.pages, { state: entry.state });
          return;
        }
        case 'finish': {
          const { summary } = event;
          const entry = summary.runId === null ? undefined : bars.get(summary.runId);
          if (!entry) return;
          entry.state.status = summary.status;
          entry.state.endedAt = now();
          // The summary's counts are the run's own; commits may not have told the sweep.
          entry.state.records = summary.upserted + summary.deleted + summary.failed;
          entry.bar.update(entry.state.pages, { state: entry.state });
          if (options.removeFinished) {
            multibar.remove(entry.bar);
            bars.delete(summary.runId!);
          }
          return;
        }
      }
    },
    stop() {
      if (stopped) return;
      stopped = true;
      // Nothing was drawn: nothing to finish (stop() would still print an empty line).
      if (!drawn) return;
      // stop() alone drops the log lines still waiting for the next redraw: print them first.
      if (multibar.isActive) multibar.update();
      multibar.stop();
    },
  };
}

/**
 * One sync's line:
 *   `crm.issues    [########------------]  40% | 4 pages | 60 records | 120/s`
 *   `crm.contacts  running | 4 pages | 245 records | 98/s`
 * A finished sync's line ends with its status (the bar stays at the percentage it reached).
 */
export function progressLine(state: SyncProgress, options: { now: number; nameWidth: number; barWidth: number }): string {
  const elapsedMs = (state.endedAt ?? options.now) - state.startedAt;
  const rate = elapsedMs > 0 ? Math.round((state.records * 1000) / elapsedMs) : 0;
  const name = state.sync.padEnd(options.nameWidth);
  const counts = `${count(state.pages, 'page')} | ${count(state.records, 'record')} | ${rate}/s`;
  const head = state.progress ? bar(percent(state.progress), options.barWidth) : state.status === 'running' ? 'running' : '';
  const parts = [head, counts, state.status === 'running' ? '' : state.status].filter(Boolean);
  return `${name}  ${parts.join(' | ')}`;
}

function bar(percentDone: number, width: number): string {
  const filled = Math.round((percentDone / 100) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(percentDone).padStart(3)}%`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
