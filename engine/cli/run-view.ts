/**
 * A run of the history as `status` and `runs` show it: the same keys in their JSON (what scripts
 * read — keep them stable) and the same words and times in their tables.
 */
import type { RunRecord } from '../store/store.js';
import { duration } from './format.js';

export interface RunView {
  id: number;
  sync: string;
  status: RunRecord['status'];
  trigger: RunRecord['trigger'];
  /** When it started (ISO); for a pending run, when it was queued. */
  startedAt: string;
  endedAt: string | null;
  /** Until `endedAt`, or until now for a running run; null for a pending one. */
  durationMs: number | null;
  upserted: number;
  deleted: number;
  failed: number;
  requests: number;
  retries: number;
  /** Waits the API's rate limit imposed, and their total length (each is a line of `runs logs`). */
  waits: number;
  waitedMs: number;
  /** Whole percent done, when the source told a total; else null. */
  progress: number | null;
  error: string | null;
  /** The failure's stable code and kind (`HTTP_STATUS`, `fatal`), null when it has none. */
  errorCode: string | null;
  errorKind: string | null;
}

export function runView(run: RunRecord, now: Date): RunView {
  const end = run.endedAt ? Date.parse(run.endedAt) : run.status === 'running' ? now.getTime() : null;
  return {
    id: run.id,
    sync: run.sync,
    status: run.status,
    trigger: run.trigger,
    startedAt: run.startedAt,
    endedAt: run.endedAt,
    durationMs: end === null ? null : Math.max(0, end - Date.parse(run.startedAt)),
    upserted: run.upserted,
    deleted: run.deleted,
    failed: run.failed,
    requests: run.requests,
    retries: run.retries,
    waits: run.waits,
    waitedMs: run.waitedMs,
    progress: run.progress === null ? null : Math.floor(run.progress),
    error: run.error,
    errorCode: run.errorCode,
    errorKind: run.errorKind,
  };
}

export const ACTIVE_STATUSES: readonly RunRecord['status'][] = ['running', 'pending'];

/** `2026-11-22 09:21:45`: local time, to the second (JSON keeps the stored ISO time). */
export function localTime(iso: string | Date): string {
  const date = typeof iso === 'string' ? new Date(iso) : iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** `2 (7.9 s)`, or `0`. */
export function waitsCell(run: RunView): string {
  return run.waits === 0 ? '0' : `${run.waits} (${duration(run.waitedMs)})`;
}

export function durationCell(run: RunView): string {
  return run.durationMs === null ? '-' : duration(run.durationMs);
}

export function progressCell(run: RunView): string {
  return run.progress === null ? '-' : `${run.progress}%`;
}

/** Errors are cut in tables (they can be long: a request and its answer); --json has them whole. */
export function shortError(error: string | null, max = 60): string {
  if (error === null) return '-';
  const line = error.replace(/\s+/g, ' ');
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
