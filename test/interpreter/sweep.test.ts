/**
 * Mark-and-sweep safety of replace mode. A failed cycle sweeps nothing; the resumed cycle sweeps
 * exactly the records removed at the source. And a row another sync (the delta) wrote after the
 * backfill cycle began is never swept by that cycle, even though the backfill never saw it: the
 * store sweeps only rows whose write sequence is at or below the cycle's start.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { OpenedProject } from '../../engine/project.js';
import type { CommitEvent } from '../../engine/runtime/loop.js';
import { commitsOnly, harness, loadSpec, rowsByKey, runSync, syncOf, type Harness } from '../support/project.js';
import { goodContacts, ids } from '../support/truth.js';

const BACKFILL = 'crm.contactsBackfill';

/** The CRM with the backfill in pages of 10 (60 contacts: 6 pages). */
const spec = loadSpec('connectors/sandbox-crm.yaml', (s) => {
  syncOf(s, 'contactsBackfill').paginate.pageSize = { value: 10, param: 'limit' };
});

/** Runs the backfill so that the request after its `commits`-th commit answers 404. */
function backfillFailingAfter(h: Harness, opened: OpenedProject, commits: number) {
  let seen = 0;
  return runSync(opened, BACKFILL, {
    onEvent: commitsOnly((_event: CommitEvent) => {
      if (++seen === commits) h.sandbox.source.faults.failNext({ status: 404, pathPrefix: '/v1/contacts' });
    }),
  });
}

const keys = async (opened: OpenedProject) => [...(await rowsByKey(opened, 'crm.contacts')).keys()].sort();

describe('replace-mode sweep', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('a failed cycle never sweeps; the resumed cycle sweeps exactly the removed records', async () => {
    h = await harness({ crm: { spec } }, { counts: { contacts: 60, companies: 3 } });
    const { source } = h.sandbox;
    const opened = await h.open();
    expect(await runSync(opened, BACKFILL)).toMatchObject({ status: 'completed', upserted: 59, swept: 0, requests: 6 });
    const before = await keys(opened);

    source.remove('contacts', 'cus_000021');
    source.remove('contacts', 'cus_000045');
    const failed = await backfillFailingAfter(h, opened, 2);
    expect(failed).toMatchObject({ status: 'failed', swept: 0, deleted: 0, upserted: 19, failed: 1, requests: 3 });
    expect(failed.error).toBe(`GET ${h.sandbox.url}/v1/contacts?limit=10&starting_after=cus_000020: 404 Not Found: {"error":"injected_fault","message":"injected 404"}`);
    expect(await opened.store.getRun(failed.runId)).toMatchObject({ status: 'failed', deleted: 0 });
    // Nothing was swept: the rows of the removed contacts are still there.
    expect(await keys(opened)).toEqual(before);

    const resumed = await runSync(opened, BACKFILL);
    // Pages 3–6 only (58 contacts left), then the sweep.
    expect(resumed).toMatchObject({ status: 'completed', swept: 2, deleted: 2, upserted: 38, requests: 4 });
    expect(await keys(opened)).toEqual(ids(goodContacts(h.sandbox)));
    expect(before.filter((key) => !ids(goodContacts(h!.sandbox)).includes(key))).toEqual(['cus_000021', 'cus_000045']);
  });

  it('never sweeps a row the delta wrote after the backfill cycle began', async () => {
    h = await harness({ crm: { spec } }, { counts: { contacts: 60, companies: 3 } });
    const { source } = h.sandbox;
    const opened = await h.open();
    // The delta catches up first, so that later it writes only what is new.
    expect(await runSync(opened, 'crm.contactsDelta')).toMatchObject({ status: 'completed', upserted: 59 });

    // The backfill cycle begins and stops after its first page: the cycle stays open.
    expect(await backfillFailingAfter(h, opened, 1)).toMatchObject({ status: 'failed', upserted: 10 });

    // Meanwhile: a contact appears and the delta writes it; an old contact is removed.
    const late = source.create('contacts', { name: 'Written By The Delta' });
    source.remove('contacts', 'cus_000050');
    expect(await runSync(opened, 'crm.contactsDelta')).toMatchObject({ status: 'completed', upserted: 1 });
    expect(await keys(opened)).toContain(late.id);
    // The new contact is gone again before the backfill could see it.
    source.remove('contacts', late.id);

    const resumed = await runSync(opened, BACKFILL);
    // It swept the old row nobody rewrote, not the one the delta wrote during the cycle.
    expect(resumed).toMatchObject({ status: 'completed', swept: 1 });
    const after = await keys(opened);
    expect(after).not.toContain('cus_000050');
    expect(after).toContain(late.id);

    // The next full cycle began after the delta's write, so it sweeps that row too.
    expect(await runSync(opened, BACKFILL)).toMatchObject({ status: 'completed', swept: 1 });
    expect(await keys(opened)).toEqual(ids(goodContacts(h.sandbox)));
  });
});
