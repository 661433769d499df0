/**
 * Found by the fault-injection suite: a page split over commits (more records than
 * maxChangesPerCommit) used to resume by count — `{ position, skip }` — so when the source changed
 * between an interruption and the resume (a committed record of that page removed, or, for a
 * keyset delta, updated and so moved to the end), the page fetched again had shifted and `skip`
 * passed over a record never written: the replace cycle ended without it (its sweep would delete
 * the row an earlier cycle stored); the delta's cursor moved past it. A split page now remembers
 * the keys it committed (`page.done`) and resumes with the records it has not.
 *
 * Reached by any interruption between the commits of a page: SIGKILL, a crash, or Ctrl-C (the
 * loop stops between commits, which are parts of a page). Here a graceful stop after the first
 * commit, and a second project opened as the next process would (nothing of the page cached).
 */
import { afterEach, describe, expect, test } from 'vitest';
import type { SandboxSource } from '../../sandbox/server.js';
import { commitsOnly, harness, rowsByKey, runSync, type Harness } from '../support/project.js';
import { sandboxSpec } from '../support/cli.js';

const spec = sandboxSpec({ pageSize: 20, maxChangesPerCommit: 7, deltaBufferSeconds: 0 });

describe('a split page resumed after the source changed', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  /**
   * Commits the first 7 records of the first page, stops, applies `write` to the second one
   * committed, and finishes the cycle in a new project; returns the live records not stored.
   */
  async function interruptedThenResumed(sync: string, write: (source: SandboxSource, committedId: string) => void): Promise<string[]> {
    await h?.close();
    h = await harness({ crm: { spec } }, { counts: { contacts: 60 }, clean: true });
    const first = await h.open();
    const stop = new AbortController();
    expect(await runSync(first, sync, { signal: stop.signal, onEvent: commitsOnly(() => stop.abort()) })).toMatchObject({ status: 'cancelled', upserted: 7 });
    const [checkpoint] = await first.store.listCheckpoints(sync);
    expect(checkpoint.state).toMatchObject({ page: { skip: 7 } });

    const committed = [...(await rowsByKey(first, 'crm.contacts')).keys()];
    write(h.sandbox.source, committed[1]);
    const next = await h.open();
    expect(await runSync(next, sync)).toMatchObject({ status: 'completed' });
    const rows = await rowsByKey(next, 'crm.contacts');
    return h.sandbox.source.list('contacts').filter((record) => rows.get(record.id)?.Updated !== record.updated_at).map((record) => record.id);
  }

  test('replace backfill: a committed record removed before the resume costs nothing', async () => {
    // The page fetched again starts one record later; resuming by count would pass over cus_000008.
    expect(await interruptedThenResumed('crm.contactsBackfill', (source, id) => source.remove('contacts', id))).toEqual([]);
  });

  test('keyset delta: a committed record updated before the resume moves away, and no record is passed over', async () => {
    // The first page fetched again lacks the moved record; resuming by count would pass over
    // cus_000050 and the cursor would leave it behind.
    expect(await interruptedThenResumed('crm.contactsDelta', (source, id) => source.update('contacts', id, { name: 'Moved to the end' }))).toEqual([]);
  });

  test('without a write in between, the resumed page commits exactly the rest', async () => {
    expect(await interruptedThenResumed('crm.contactsBackfill', () => undefined)).toEqual([]);
    expect(await interruptedThenResumed('crm.contactsDelta', () => undefined)).toEqual([]);
  });
});
