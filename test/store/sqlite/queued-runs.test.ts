/**
 * Runs queued for a service (`syncspec trigger`), their claim by a runner, triggers and progress.
 * A queued run is `pending` until one runner claims it; two runners racing for it cannot both win,
 * and a dead process's takeover never touches it.
 */
import { describe, expect, it } from 'vitest';
import { useStores } from './fixture.js';

const stores = useStores();

describe('queued runs', () => {
  it('queues pending runs with trigger "trigger", lists them oldest first, and keeps --full', async () => {
    const store = stores.open();
    const first = await store.queueRun('crm.backfill', { full: true });
    const second = await store.queueRun('crm.delta');
    await store.startRun('crm.delta');
    expect(await store.pendingRuns()).toEqual([
      { id: first, sync: 'crm.backfill', full: true, queuedAt: expect.any(String) },
      { id: second, sync: 'crm.delta', full: false, queuedAt: expect.any(String) },
    ]);
    expect(await store.getRun(first)).toMatchObject({ status: 'pending', trigger: 'trigger', progress: null, endedAt: null });
  });

  it('a claim turns the pending run into a running one, started now, keeping its trigger', async () => {
    let now = Date.parse('2026-01-01T00:00:00.000Z');
    const store = stores.open('store.db', { clock: { now: () => now } });
    const queued = await store.queueRun('crm.delta');
    expect((await store.pendingRuns())[0].queuedAt).toBe('2026-01-01T00:00:00.000Z');
    now += 5_000;
    expect(await store.startRun('crm.delta', { runId: queued, trigger: 'schedule' })).toBe(queued);
    const run = await store.getRun(queued);
    expect(run).toMatchObject({ id: queued, status: 'running', trigger: 'trigger', startedAt: '2026-01-01T00:00:05.000Z' });
    expect(await store.pendingRuns()).toEqual([]);
  });

  it('refuses to claim a run that is not pending, of another sync, or unknown; the second of two runners loses', async () => {
    const store = stores.open();
    const other = stores.open();
    const queued = await store.queueRun('crm.delta');
    await expect(store.startRun('crm.backfill', { runId: queued })).rejects.toThrow(`Run ${queued} belongs to sync "crm.delta", not "crm.backfill"`);
    await store.startRun('crm.delta', { runId: queued });
    await expect(other.startRun('crm.delta', { runId: queued })).rejects.toThrow(
      `Run ${queued} of sync "crm.delta" is running, not pending; it cannot be started again`,
    );
    await store.finishRun(queued, { status: 'completed' });
    await expect(store.startRun('crm.delta', { runId: queued })).rejects.toThrow(`Run ${queued} of sync "crm.delta" is completed, not pending`);
    await expect(store.startRun('crm.delta', { runId: 99 })).rejects.toThrow('Run 99 does not exist');
  });

  it('records the trigger of a new run, manual by default, and refuses an unknown one', async () => {
    const store = stores.open();
    const manual = await store.startRun('crm.delta');
    const scheduled = await store.startRun('crm.delta', { trigger: 'schedule' });
    expect((await store.getRun(manual))!.trigger).toBe('manual');
    expect((await store.getRun(scheduled))!.trigger).toBe('schedule');
    await expect(store.startRun('crm.delta', { trigger: 'cron' as 'schedule' })).rejects.toThrow(
      'Run of sync "crm.delta": unknown trigger "cron"; use one of manual, schedule, trigger',
    );
  });

  it('taking over a dead holder’s lock fails its running run but leaves queued runs pending', async () => {
    const store = stores.open();
    const running = await store.startRun('crm.delta');
    const queued = await store.queueRun('crm.delta');
    expect(await store.acquireLock('crm.delta', { id: 'a', pid: process.pid, host: 'here' })).toEqual({ acquired: true });
    expect(await store.getRun(running)).toMatchObject({ status: 'failed', error: 'process died before the run finished' });
    expect(await store.getRun(queued)).toMatchObject({ status: 'pending', error: null });
  });

  it('stores progress clamped to 0–100', async () => {
    const store = stores.open();
    const runId = await store.startRun('crm.delta');
    await store.setRunProgress(runId, 37.5);
    expect((await store.getRun(runId))!.progress).toBe(37.5);
    await store.setRunProgress(runId, 140);
    expect((await store.getRun(runId))!.progress).toBe(100);
    await store.setRunProgress(runId, -3);
    expect((await store.getRun(runId))!.progress).toBe(0);
    await expect(store.setRunProgress(runId, Number.NaN)).rejects.toThrow(`Run ${runId}: progress must be a number, got NaN`);
    await expect(store.setRunProgress(42, 10)).rejects.toThrow('Run 42 does not exist');
  });
});
