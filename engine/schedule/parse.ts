/**
 * Schedules as written in specs and configs: `manual`, an interval of one unit (`30s`, `5m`,
 * `1h`, `1d`), or a 5- or 6-field cron expression (6 = with seconds), validated by croner.
 */
import { Cron } from 'croner';
import type { Schedule } from '../core/types.js';

export type ScheduleParse = { ok: true; schedule: Schedule } | { ok: false; message: string };

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const satisfies Record<string, number>;

const INTERVAL = /^(\d+)(s|m|h|d)$/;

const EXPECTED = "expected 'manual', an interval such as 30s, 5m, 1h or 1d, or a 5- or 6-field cron expression";

export function parseSchedule(text: string): ScheduleParse {
  const trimmed = text.trim();
  if (trimmed === 'manual') return { ok: true, schedule: { kind: 'manual' } };
  const interval = INTERVAL.exec(trimmed);
  if (interval) {
    const count = Number(interval[1]);
    if (count <= 0) return { ok: false, message: `invalid interval '${text}': it must be greater than zero` };
    const ms = count * UNIT_MS[interval[2] as keyof typeof UNIT_MS];
    return { ok: true, schedule: { kind: 'interval', ms, text: trimmed } };
  }
  const fields = trimmed.split(/\s+/);
  if (fields.length === 1) return { ok: false, message: `invalid schedule '${text}': ${EXPECTED}` };
  if (fields.length !== 5 && fields.length !== 6) {
    return { ok: false, message: `invalid cron expression '${text}': expected 5 or 6 fields, got ${fields.length}` };
  }
  try {
    new Cron(trimmed, { paused: true });
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).replace(/^CronPattern:\s*/, '');
    return { ok: false, message: `invalid cron expression '${text}': ${reason}` };
  }
  return { ok: true, schedule: { kind: 'cron', expression: fields.join(' ') } };
}

/**
 * When a schedule next fires after `from`: null for manual. Cron expressions are read in the
 * machine's local time zone unless `timezone` (an IANA name such as 'UTC') is given.
 */
export function nextRun(schedule: Schedule, from: Date, options: { timezone?: string } = {}): Date | null {
  switch (schedule.kind) {
    case 'manual':
      return null;
    case 'interval':
      return new Date(from.getTime() + schedule.ms);
    case 'cron':
      return new Cron(schedule.expression, { paused: true, timezone: options.timezone }).nextRun(from);
  }
}
