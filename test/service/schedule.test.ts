/** The service's decisions, without timers: what is due, what starts, and when to look again. */
import { describe, expect, test } from 'vitest';
import type { Schedule } from '../../engine/core/types.js';
import { parseSchedule } from '../../engine/schedule/parse.js';
import { PENDING_RETRY_MS, describeSchedule, dueAt, lastRunOf, plan, type PlanInput, type ScheduledSync, type SyncHistory } from '../../engine/service/schedule.js';
import type { PendingRun, RunStatus } from '../../engine/store/store.js';

const NOW = new Date('2026-03-10T12:00:00.000Z');
const at = (iso: string) => new Date(iso);
const secondsAgo = (seconds: number) => new Date(NOW.getTime() - seconds * 1000);

function schedule(text: string): Schedule {
  const parsed = parseSchedule(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.schedule;
}

const sync = (name: string, text: string, group = name.split('.')[0]): ScheduledSync => ({ name, schedule: schedule(text), group });
const ran = (startedAt: Date, status: RunStatus = 'completed'): SyncHistory => ({ lastRun: { startedAt, status } });
const queued = (id: number, name: string, full = false): PendingRun => ({ id, sync: name, full, queuedAt: NOW.toISOString() });

function input(overrides: Partial<PlanInput>): PlanInput {
  return { now: NOW, syncs: [], history: new Map(), pending: [], running: new Set(), limit: 4, ...overrides };
}

describe('dueAt', () => {
  test('a manual sync is never due by schedule', () => {
    expect(dueAt(schedule('manual'), {}, NOW)).toBeNull();
    expect(dueAt(schedule('manual'), ran(secondsAgo(1e6)), NOW)).toBeNull();
  });

  test('a sync that never ran is due now', () => {
    expect(dueAt(schedule('5m'), {}, NOW)).toEqual(NOW);
  });

  test('an interval counts from the latest start', () => {
    expect(dueAt(schedule('5m'), ran(secondsAgo(60)), NOW)).toEqual(secondsAgo(60 - 300));
    expect(dueAt(schedule('5m'), ran(secondsAgo(400)), NOW)).toEqual(secondsAgo(100));
  });

  test('a failed run is retried after a backoff doubling with each failure in a row (1 min … 1 h), or at its next slot if sooner', () => {
    const failed = (startedAt: Date, failuresInRow: number): SyncHistory => ({ lastRun: { startedAt, status: 'failed', failuresInRow } });
    const start = secondsAgo(10);
    expect(dueAt(schedule('1d'), failed(start, 1), NOW)).toEqual(new Date(start.getTime() + 60_000));
    expect(dueAt(schedule('1d'), failed(start, 3), NOW)).toEqual(new Date(start.getTime() + 4 * 60_000));
    expect(dueAt(schedule('1d'), failed(start, 9), NOW)).toEqual(new Date(start.getTime() + 3_600_000));
    // A slot sooner than the backoff wins: a 5m sync failing a fourth time runs at its next 5 minutes, not in 8.
    expect(dueAt(schedule('5m'), failed(start, 4), NOW)).toEqual(new Date(start.getTime() + 300_000));
  });

  test('failures in a row are counted from the latest run back to one that did not fail', () => {
    const runs = [
      { startedAt: '2026-03-10T11:00:00.000Z', status: 'completed' as const },
      { startedAt: '2026-03-10T11:30:00.000Z', status: 'failed' as const },
      { startedAt: '2026-03-10T11:50:00.000Z', status: 'pending' as const },
      { startedAt: '2026-03-10T11:40:00.000Z', status: 'failed' as const },
    ];
    expect(lastRunOf(runs)).toEqual({ startedAt: at('2026-03-10T11:40:00.000Z'), status: 'failed', failuresInRow: 2 });
    expect(lastRunOf(runs.slice(1))).toMatchObject({ failuresInRow: 2 });
    expect(lastRunOf([])).toBeUndefined();
  });

  test('a cron expression fires at its next time after the latest start; a missed one is due at once', () => {
    const daily = schedule('0 3 * * *');
    expect(dueAt(daily, ran(at('2026-03-10T03:00:00.000Z')), NOW, 'UTC')).toEqual(at('2026-03-11T03:00:00.000Z'));
    expect(dueAt(daily, ran(at('2026-03-09T03:00:00.000Z')), NOW, 'UTC')).toEqual(at('2026-03-10T03:00:00.000Z'));
  });

  test('an interrupted run (cancelled by a stop, or left running by a killed process) is due at once, to resume its cycle', () => {
    expect(dueAt(schedule('1d'), ran(secondsAgo(60), 'cancelled'), NOW)).toEqual(secondsAgo(60));
    expect(dueAt(schedule('1d'), ran(secondsAgo(60), 'running'), NOW)).toEqual(secondsAgo(60));
  });

  test('after a refusal (the sync runs elsewhere) the schedule counts from the refusal, not from the run it refused to resume', () => {
    expect(dueAt(schedule('5m'), { ...ran(secondsAgo(60), 'running'), refusedAt: secondsAgo(10) }, NOW)).toEqual(secondsAgo(10 - 300));
    expect(dueAt(schedule('5m'), { refusedAt: secondsAgo(10) }, NOW)).toEqual(secondsAgo(10 - 300));
    // A run started since the refusal counts again.
    expect(dueAt(schedule('5m'), { ...ran(secondsAgo(5)), refusedAt: secondsAgo(10) }, NOW)).toEqual(secondsAgo(5 - 300));
  });
});

describe('plan', () => {
  test('starts the due syncs, the most overdue first, and wakes for the earliest one not yet due', () => {
    const syncs = [sync('a.fresh', '10m'), sync('b.late', '5m'), sync('c.later', '5m'), sync('d.never', '1h'), sync('e.manual', 'manual')];
    const history = new Map([
      ['a.fresh', ran(secondsAgo(60))],
      ['b.late', ran(secondsAgo(310))],
      ['c.later', ran(secondsAgo(900))],
    ]);
    expect(plan(input({ syncs, history }))).toEqual({
      start: [
        { sync: 'c.later', trigger: 'schedule' },
        { sync: 'b.late', trigger: 'schedule' },
        { sync: 'd.never', trigger: 'schedule' },
      ],
      wakeAt: secondsAgo(60 - 600),
    });
  });

  test('nothing due: no start, and a wake at the next due time; only manual syncs: no wake at all', () => {
    const history = new Map([['a.x', ran(secondsAgo(1))]]);
    expect(plan(input({ syncs: [sync('a.x', '30s')], history }))).toEqual({ start: [], wakeAt: secondsAgo(1 - 30) });
    expect(plan(input({ syncs: [sync('a.x', 'manual')] }))).toEqual({ start: [], wakeAt: null });
  });

  test('a sync running in this service is never started alongside itself, and its schedule waits for it', () => {
    const syncs = [sync('a.x', '1s'), sync('b.y', '1s')];
    expect(plan(input({ syncs, running: new Set(['a.x']) }))).toEqual({ start: [{ sync: 'b.y', trigger: 'schedule' }], wakeAt: null });
  });

  test('at most `limit` runs at once, counting the running ones; one at a time per group (connector)', () => {
    const syncs = [sync('a.one', '1m'), sync('a.two', '1m'), sync('b.one', '1m'), sync('c.one', '1m'), sync('d.one', '1m')];
    expect(plan(input({ syncs, limit: 2 })).start.map((run) => run.sync)).toEqual(['a.one', 'b.one']);
    expect(plan(input({ syncs, limit: 2, running: new Set(['c.one']) })).start.map((run) => run.sync)).toEqual(['a.one']);
    // a.two waits while a.one runs, though slots are free.
    expect(plan(input({ syncs, limit: 10, running: new Set(['a.one']) })).start.map((run) => run.sync)).toEqual(['b.one', 'c.one', 'd.one']);
  });

  test('queued runs start first, oldest first, manual syncs included, and stand for their sync\'s schedule', () => {
    const syncs = [sync('a.delta', '1m'), sync('a.backfill', 'manual'), sync('b.other', '1m')];
    const pending = [queued(7, 'a.backfill', true), queued(8, 'b.other'), queued(9, 'a.delta')];
    expect(plan(input({ syncs, pending }))).toEqual({
      start: [
        { sync: 'a.backfill', trigger: 'trigger', pending: pending[0] },
        { sync: 'b.other', trigger: 'trigger', pending: pending[1] },
      ],
      // a.delta has a queued run (waiting for its connector): its schedule does not start it too.
      wakeAt: null,
    });
  });

  test('several queued runs of one sync run one after another', () => {
    const syncs = [sync('a.backfill', 'manual')];
    const pending = [queued(3, 'a.backfill'), queued(4, 'a.backfill')];
    expect(plan(input({ syncs, pending })).start).toEqual([{ sync: 'a.backfill', trigger: 'trigger', pending: pending[0] }]);
    expect(plan(input({ syncs, pending, running: new Set(['a.backfill']) })).start).toEqual([]);
  });

  test('a queued run whose sync the config does not enable waits; the other syncs go on', () => {
    const syncs = [sync('a.delta', '1m')];
    expect(plan(input({ syncs, pending: [queued(5, 'a.gone')] })).start).toEqual([{ sync: 'a.delta', trigger: 'schedule' }]);
  });

  test('a queued run refused (the sync runs elsewhere) is retried after a pause', () => {
    const syncs = [sync('a.backfill', 'manual')];
    const pending = [queued(3, 'a.backfill')];
    const refused = (ms: number) => new Map([['a.backfill', { refusedAt: new Date(NOW.getTime() - ms) }]]);
    expect(plan(input({ syncs, pending, history: refused(PENDING_RETRY_MS - 1) })).start).toEqual([]);
    expect(plan(input({ syncs, pending, history: refused(PENDING_RETRY_MS) })).start).toEqual([{ sync: 'a.backfill', trigger: 'trigger', pending: pending[0] }]);
  });

  test('a limit below 1 is refused', () => {
    expect(() => plan(input({ limit: 0 }))).toThrow('a concurrency limit must be a whole number of at least 1, got 0');
  });
});

test('describeSchedule', () => {
  expect(['manual', '30s', '0 3 * * *'].map((text) => describeSchedule(schedule(text)))).toEqual(['manual', 'every 30s', 'cron 0 3 * * *']);
});
