/** A run's log lines: appended a batch at a time, all or nothing, read back in order. */
import { describe, expect, it } from 'vitest';
import type { RunLogEntry } from '../../../engine/store/store.js';
import { useStores } from './fixture.js';

const stores = useStores();

const entry = (message: string, extra: Partial<RunLogEntry> = {}): RunLogEntry => ({ at: '2026-01-02T03:04:05.000Z', level: 'info', message, ...extra });

describe('run logs', () => {
  it('reads back each run’s entries in the order appended, fields included only when given', async () => {
    const store = stores.open();
    const one = await store.startRun('crm.delta');
    const two = await store.startRun('crm.backfill');
    await store.appendRunLogs(one, [entry('cycle 1 started'), entry('page committed: 2 upserted, 0 deleted, 0 failed', { fields: { upserted: 2, partition: '' } })]);
    await store.appendRunLogs(two, [entry('cycle 2 started')]);
    await store.appendRunLogs(one, [entry('failed: boom', { level: 'error' })]);
    await store.appendRunLogs(one, []);
    expect(await store.listRunLogs(one)).toEqual([
      entry('cycle 1 started'),
      entry('page committed: 2 upserted, 0 deleted, 0 failed', { fields: { upserted: 2, partition: '' } }),
      entry('failed: boom', { level: 'error' }),
    ]);
    expect(await store.listRunLogs(two)).toEqual([entry('cycle 2 started')]);
    expect(await store.listRunLogs(3)).toEqual([]);
  });

  it('writes a batch all or nothing, and names the entry it refuses', async () => {
    const store = stores.open();
    const runId = await store.startRun('crm.delta');
    await expect(store.appendRunLogs(runId, [entry('fine'), entry('loud', { level: 'fatal' as 'error' })])).rejects.toThrow(
      `Run ${runId}: log entry 2 has level "fatal"; use one of debug, info, warn, error`,
    );
    await expect(store.appendRunLogs(runId, [entry('when?', { at: 'yesterday' })])).rejects.toThrow(
      `Run ${runId}: log entry 1 needs an ISO timestamp in "at", got "yesterday"`,
    );
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(store.appendRunLogs(runId, [entry('x', { fields: cyclic })])).rejects.toThrow(`Run ${runId}: log entry 1: fields cannot be saved as JSON`);
    await expect(store.appendRunLogs(77, [entry('orphan')])).rejects.toThrow('Run 77 does not exist');
    expect(await store.listRunLogs(runId)).toEqual([]);
  });
});
