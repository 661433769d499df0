/**
 * Both modes on one database: crm.contactsBackfill (replace) and crm.contactsDelta (incremental,
 * keyset on (updated_at, id), 5 s buffer). The delta picks up creates and updates but not
 * removals; the next backfill sweeps those. The delta's cursor outlives its cycles, never passes
 * now − buffer, and with nothing new it costs one request and moves up to now − buffer.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { OpenedProject } from '../../engine/project.js';
import { harness, loadSpec, rowsByKey, runSync, syncOf, type Harness } from '../support/project.js';
import { cycleStartedAt } from '../support/sqlite.js';
import { goodContacts, ids } from '../support/truth.js';

const DELTA = 'crm.contactsDelta';

async function deltaCursor(opened: OpenedProject) {
  const checkpoints = await opened.store.listCheckpoints(DELTA);
  expect(checkpoints).toHaveLength(1);
  return { ...checkpoints[0], cursor: (checkpoints[0].state as { cursor: { value: string; id: string | null } }).cursor };
}

describe('backfill + delta on one database', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('delta adds creates and updates, backfill sweeps removals, the cursor is capped at now − buffer', async () => {
    h = await harness({ crm: { spec: 'connectors/sandbox-crm.yaml' } }, { counts: { contacts: 60, companies: 4 } });
    const { source } = h.sandbox;
    const opened = await h.open();

    const backfill = await runSync(opened, 'crm.contactsBackfill');
    expect(backfill).toMatchObject({ status: 'completed', upserted: 59, failed: 1, swept: 0 });

    const created = source.create('contacts', { name: 'Newly Created', company_id: 'com_000001' });
    const updated = source.update('contacts', 'cus_000005', { name: 'Renamed Contact', stage: 'Customer' });
    source.remove('contacts', 'cus_000007');

    const delta = await runSync(opened, DELTA);
    // First delta cycle: from the anchor the backfill snapshotted when it started (its start − the
    // delta's 5 s buffer), not from the initial cursor: only the two writes made since.
    expect(delta).toMatchObject({ status: 'completed', upserted: 2, failed: 0, deleted: 0, swept: 0, requests: 1 });
    let rows = await rowsByKey(opened, 'crm.contacts');
    expect(rows.get(created.id)).toMatchObject({ Name: 'Newly Created', Company: ['com_000001'] });
    expect(rows.get('cus_000005')).toMatchObject({ Name: 'Renamed Contact', Stage: 'Customer', Updated: updated.updated_at });
    expect(rows.has('cus_000007')).toBe(true);

    // The writes are newer than now − 5 s: they are stored, but the cursor stops at the buffer.
    const first = await deltaCursor(opened);
    const firstUntil = new Date(cycleStartedAt(opened, first.cycle).getTime() - 5000).toISOString();
    expect(first.cursor).toEqual({ value: firstUntil, id: null });
    expect(first.doneInCycle).toBe(first.cycle);

    // Second cycle: from the persisted cursor; re-reads only what lay beyond the buffer.
    const again = await runSync(opened, DELTA);
    expect(again).toMatchObject({ status: 'completed', upserted: 2, failed: 0, requests: 1 });
    const [request] = source.stats.filter({ pathPrefix: '/v1/keyset/contacts' }).slice(-1);
    expect(new URL(request.url, 'http://x').searchParams.get('since')).toBe(firstUntil);
    expect(new URL(request.url, 'http://x').searchParams.has('since_id')).toBe(false);
    const second = await deltaCursor(opened);
    expect(second.cycle).toBeGreaterThan(first.cycle);
    expect(second.cursor).toEqual({ value: new Date(cycleStartedAt(opened, second.cycle).getTime() - 5000).toISOString(), id: null });

    // The removed contact stays until a backfill cycle finishes without seeing it.
    expect((await rowsByKey(opened, 'crm.contacts')).has('cus_000007')).toBe(true);
    const sweep = await runSync(opened, 'crm.contactsBackfill');
    expect(sweep).toMatchObject({ status: 'completed', swept: 1, deleted: 1, upserted: 59 });
    rows = await rowsByKey(opened, 'crm.contacts');
    expect([...rows.keys()].sort()).toEqual(ids(goodContacts(h.sandbox)));
    expect(rows.has('cus_000007')).toBe(false);
    expect(rows.get('cus_000005')).toMatchObject({ Name: 'Renamed Contact' });

    // The backfill's sweep left the delta's cursor alone.
    expect((await deltaCursor(opened)).cursor).toEqual(second.cursor);
  });

  it('a delta with no changes costs one request and moves the cursor up to now − buffer', async () => {
    // bufferSeconds 0: writes made before the cycle starts are already below the cap.
    const spec = loadSpec('connectors/sandbox-crm.yaml', (s) => {
      syncOf(s, 'contactsDelta').cursor.bufferSeconds = 0;
    });
    h = await harness({ crm: { spec } }, { counts: { contacts: 30, companies: 3 } });
    const opened = await h.open();

    const created = h.sandbox.source.create('contacts', { name: 'Latest' });
    const first = await runSync(opened, DELTA);
    expect(first).toMatchObject({ status: 'completed', upserted: 30, requests: 1 });
    // Everything was below the cap: the cursor is the last record's position, tie-breaker included.
    expect((await deltaCursor(opened)).cursor).toEqual({ value: created.updated_at, id: created.id });

    const idle = await runSync(opened, DELTA);
    expect(idle).toMatchObject({ status: 'completed', upserted: 0, failed: 0, requests: 1 });
    const after = await deltaCursor(opened);
    expect(after.cursor).toEqual({ value: cycleStartedAt(opened, after.cycle).toISOString(), id: null });
    expect(after.cursor.value > created.updated_at).toBe(true);

    // And the next cycle asks from there: nothing is skipped that was written since.
    const later = h.sandbox.source.create('contacts', { name: 'Later' });
    const next = await runSync(opened, DELTA);
    expect(next).toMatchObject({ status: 'completed', upserted: 1, requests: 1 });
    expect((await rowsByKey(opened, 'crm.contacts')).get(later.id)).toMatchObject({ Name: 'Later' });
  });
});
