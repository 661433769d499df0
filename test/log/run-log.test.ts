/** The log line of each run event: exact messages, levels and fields. */
import { describe, expect, test } from 'vitest';
import { runLogLine, percent } from '../../engine/log/run-log.js';
import type { CycleSummary } from '../../engine/runtime/loop.js';

const summary = (overrides: Partial<CycleSummary>): CycleSummary => ({
  sync: 'crm.contacts', runId: 4, status: 'completed', full: false, resynced: false, notSwept: null, upserted: 120, deleted: 3, swept: 0,
  failed: 0, stale: 0, requests: 6, retries: 1, durationMs: 2345, error: null, failures: [], ...overrides,
});

describe('runLogLine', () => {
  test.each([
    [{ full: true, resumed: false }, 'crm.contacts: run 4 started (full cycle)'],
    [{ full: false, resumed: false }, 'crm.contacts: run 4 started (new cycle)'],
    [{ full: true, resumed: true }, 'crm.contacts: run 4 started (resuming its cycle)'],
  ])('start %o', (flags, message) => {
    expect(runLogLine({ type: 'start', sync: 'crm.contacts', runId: 4, ...flags })).toEqual({
      level: 'info', message, fields: { sync: 'crm.contacts', runId: 4, ...flags },
    });
  });

  test('a commit names its partition and the progress the source told', () => {
    const line = runLogLine({ type: 'commit', sync: 'gh.issues', runId: 2, partition: 'acme/api', upserted: 50, deleted: 1, failed: 2, requests: 7, progress: { done: 150, total: 400 } });
    expect(line).toEqual({
      level: 'info',
      message: 'gh.issues: committed 50 upserted, 1 deleted, 2 failed (partition acme/api), 37% done',
      fields: { sync: 'gh.issues', runId: 2, partition: 'acme/api', upserted: 50, deleted: 1, failed: 2, requests: 7, progress: 37 },
    });
  });

  test.each([
    [summary({}), 'info', 'crm.contacts: completed in 2.3s: 120 upserted, 3 deleted, 0 failed, 6 requests, 1 retries'],
    [summary({ durationMs: 87, failed: 2, failures: [{ key: 'a', reason: 'bad' }] }), 'warn', 'crm.contacts: completed in 87ms: 120 upserted, 3 deleted, 2 failed, 6 requests, 1 retries'],
    [summary({ resynced: true }), 'info', 'crm.contacts: completed in 2.3s: 120 upserted, 3 deleted, 0 failed, 6 requests, 1 retries (resynced in full)'],
    [summary({ status: 'failed', error: 'GET https://x/v1: 500' }), 'error', 'crm.contacts: failed after 2.3s: GET https://x/v1: 500'],
    [summary({ status: 'cancelled', error: 'crm.contacts: cancelled' }), 'warn', 'crm.contacts: cancelled after 2.3s: 120 upserted, 3 deleted, 0 failed, 6 requests, 1 retries'],
    [summary({ status: 'skipped', runId: null, error: 'crm.contacts is running elsewhere' }), 'warn', 'crm.contacts is running elsewhere'],
  ])('finish %#', (s, level, message) => {
    const line = runLogLine({ type: 'finish', summary: s });
    expect({ level: line.level, message: line.message }).toEqual({ level, message });
    expect(line.fields).toMatchObject({ sync: 'crm.contacts', status: s.status, upserted: s.upserted, failed: s.failed, requests: 6, retries: 1 });
  });

  test('failed records ride along in the finish fields', () => {
    const failures = [{ key: 'cus_1', reason: 'Email: invalid' }];
    expect(runLogLine({ type: 'finish', summary: summary({ failed: 1, failures }) }).fields.failures).toEqual(failures);
  });
});

test('percent: whole, clamped, and 0 for an empty total', () => {
  expect([percent({ done: 1, total: 3 }), percent({ done: 5, total: 4 }), percent({ done: 0, total: 0 })]).toEqual([33, 100, 0]);
});
