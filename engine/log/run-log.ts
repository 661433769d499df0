/**
 * What a run's events say in the process log (terminal or JSON lines): one entry per event (start,
 * each commit, the end), with the numbers as fields so JSON logs can be queried. Run history's own
 * log lines (`syncspec runs logs`) are written by the loop (engine/runtime/run-journal.ts).
 */
import type { RunEvent, CycleSummary } from '../runtime/loop.js';
import type { RunLogEntry } from '../store/store.js';
import type { Logger } from './logger.js';
import { describeWait } from '../runtime/run-journal.js';
import { formatDuration } from '../core/duration.js';

/** A log entry before it is stamped with a time. */
export type RunLogLine = Omit<RunLogEntry, 'at'> & { fields: Record<string, unknown> };

/** Failed records named one by one in the finish line's fields; the rest are in run history. */
const FAILURES_IN_LOG = 20;

export function runLogLine(event: RunEvent): RunLogLine {
  switch (event.type) {
    case 'start': {
      const kind = event.resumed ? 'resuming its cycle' : event.full ? 'full cycle' : 'new cycle';
      return {
        level: 'info',
        message: `${event.sync}: run ${event.runId} started (${kind})`,
        fields: { sync: event.sync, runId: event.runId, full: event.full, resumed: event.resumed },
      };
    }
    case 'commit': {
      const where = event.partition ? ` (partition ${event.partition})` : '';
      const progress = event.progress ? `, ${percent(event.progress)}% done` : '';
      return {
        level: 'info',
        message: `${event.sync}: committed ${event.upserted} upserted, ${event.deleted} deleted, ${event.failed} failed${where}${progress}`,
        fields: {
          sync: event.sync, runId: event.runId, partition: event.partition, upserted: event.upserted, deleted: event.deleted,
          failed: event.failed, requests: event.requests, ...(event.progress ? { progress: percent(event.progress) } : {}),
        },
      };
    }
    case 'wait': {
      const where = event.partition ? ` (partition ${event.partition})` : '';
      const { wait } = event;
      return {
        level: 'info',
        message: `${event.sync}: waiting ${formatDuration(wait.ms)}${where}: ${describeWait(wait)}`,
        fields: { sync: event.sync, runId: event.runId, partition: event.partition, reason: wait.reason, headers: wait.headers, ms: wait.ms, request: wait.request },
      };
    }
    case 'finish':
      return finishLine(event.summary);
  }
}

function finishLine(summary: CycleSummary): RunLogLine {
  const waited = summary.waits > 0 ? `, ${summary.waits} rate-limit waits (${formatDuration(summary.waitedMs)})` : '';
  const counts = `${summary.upserted} upserted, ${summary.deleted} deleted, ${summary.failed} failed, ${summary.requests} requests, ${summary.retries} retries${waited}`;
  const fields: Record<string, unknown> = {
    sync: summary.sync, runId: summary.runId, status: summary.status, durationMs: summary.durationMs, upserted: summary.upserted,
    deleted: summary.deleted, swept: summary.swept, failed: summary.failed, stale: summary.stale, requests: summary.requests, retries: summary.retries,
    waits: summary.waits, waitedMs: summary.waitedMs,
  };
  if (summary.error) fields.error = summary.error;
  if (summary.failures.length > 0) fields.failures = summary.failures.slice(0, FAILURES_IN_LOG);
  switch (summary.status) {
    case 'completed': {
      const notes = [summary.resynced ? 'resynced in full' : '', summary.notSwept ? 'not swept' : ''].filter(Boolean);
      const level = summary.failed > 0 || summary.notSwept ? 'warn' : 'info';
      return { level, message: `${summary.sync}: completed in ${formatDuration(summary.durationMs)}: ${counts}${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`, fields };
    }
    case 'failed':
      return { level: 'error', message: `${summary.sync}: failed after ${formatDuration(summary.durationMs)}: ${summary.error}`, fields };
    case 'cancelled':
      return { level: 'warn', message: `${summary.sync}: cancelled after ${formatDuration(summary.durationMs)}: ${counts}`, fields };
    case 'skipped':
      return { level: 'warn', message: `${summary.error}`, fields };
  }
}

/** Writes the event's line to `logger` (which redacts it). */
export function logRunEvent(logger: Logger, event: RunEvent): void {
  const line = runLogLine(event);
  logger[line.level](line.fields, line.message);
}

export function percent(progress: { done: number; total: number }): number {
  if (progress.total <= 0) return 0;
  return Math.min(100, Math.floor((progress.done / progress.total) * 100));
}
