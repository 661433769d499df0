/**
 * The same-timestamp deadlock (connectors/examples/search-requery.yaml against the sandbox's
 * HubSpot-style POST /v1/search/contacts): a search API that sorts by one field cannot page past a
 * timestamp shared by more records than a page holds. Requery pagination pages through that value
 * alone by id, then continues after it: every record of a bulk edit is synced, none is read more
 * than the tie walk requires, and the walk never stalls.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { commitsOnly, harness, loadSpec, rowsByKey, runSync, stateOf, syncOf, type Harness } from '../support/project.js';
import { cycleStartedAt } from '../support/sqlite.js';
import { ids } from '../support/truth.js';

const SYNC = 'hs.contacts';

/** The example with pages of 10 and no buffer: writes made before a cycle are below its cap. */
const spec = loadSpec('connectors/examples/search-requery.yaml', (s) => {
  const sync = syncOf(s, 'contacts');
  sync.paginate.pageSize.value = 10;
  sync.cursor.bufferSeconds = 0;
});

describe('requery pagination against a one-field search API', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('syncs 35 contacts bulk-edited to one timestamp, 10 per page, without stalling', async () => {
    h = await harness({ hs: { spec } }, { counts: { contacts: 40 }, clean: true });
    const { source } = h.sandbox;
    const opened = await h.open();
    // The seeded contacts come in import batches sharing one updated_at, so this cycle walks ties too.
    expect(await runSync(opened, SYNC)).toMatchObject({ status: 'completed', failed: 0, error: null });
    expect([...(await rowsByKey(opened, SYNC)).keys()].sort()).toEqual(ids(source.list('contacts')));

    const bulk = source.list('contacts').slice(0, 35).map((contact) => contact.id);
    const at = new Date();
    source.bulkUpdate('contacts', bulk, { name: 'Bulk Edited' }, at);
    source.stats.clear();

    const summary = await runSync(opened, SYNC);
    // One page after the cursor (10 of the 35), the tie walk through all 35 by id (10, 10, 10, 5),
    // then an empty page after the tied timestamp. The first page's 10 are the only re-reads.
    expect(summary).toMatchObject({ status: 'completed', upserted: 10 + 35, failed: 0, requests: 6 });
    expect(source.stats.count({ pathPrefix: '/v1/search/contacts' })).toBe(6);

    const rows = await rowsByKey(opened, SYNC);
    expect([...rows.keys()].sort()).toEqual(ids(source.list('contacts')));
    const edited = [...rows.values()].filter((row) => row.Name === 'Bulk Edited');
    expect(edited.map((row) => row._key).sort()).toEqual(bulk);
    expect(edited.every((row) => row.Updated === at.toISOString())).toBe(true);

    // Caught up: the empty page after the tie moves the cursor up to now − buffer (0 s).
    const [checkpoint] = await opened.store.listCheckpoints(SYNC);
    expect(await stateOf(opened, SYNC)).toEqual({ cursor: { value: cycleStartedAt(opened, checkpoint.cycle).toISOString(), id: null } });

    // And the next cycle asks once, from there.
    source.stats.clear();
    expect(await runSync(opened, SYNC)).toMatchObject({ status: 'completed', upserted: 0, requests: 1 });
  });

  it('resumes a tie walk where a crash left it', async () => {
    h = await harness({ hs: { spec } }, { counts: { contacts: 30 }, clean: true });
    const { source } = h.sandbox;
    const opened = await h.open();
    expect(await runSync(opened, SYNC)).toMatchObject({ status: 'completed' });
    const bulk = source.list('contacts').map((contact) => contact.id);
    const at = new Date();
    source.bulkUpdate('contacts', bulk, { name: 'Bulk Edited' }, at);

    // Cancel after the third commit: inside the walk through the tied timestamp.
    const controller = new AbortController();
    let commits = 0;
    const cancelled = await runSync(opened, SYNC, { signal: controller.signal, onEvent: commitsOnly(() => ++commits === 3 && controller.abort()) });
    expect(cancelled).toMatchObject({ status: 'cancelled', upserted: 30 });
    const midWalk = (await stateOf(opened, SYNC)) as { page: { position: { at: unknown } } };
    expect(midWalk.page.position.at).toEqual({ value: at.toISOString(), id: bulk[19], tie: true });

    const resumed = await runSync(opened, SYNC);
    // The rest of the tie (a full page of 10, so an empty tie page follows), then the empty page after it.
    expect(resumed).toMatchObject({ status: 'completed', upserted: 10, requests: 3 });
    const rows = await rowsByKey(opened, SYNC);
    expect([...rows.values()].every((row) => row.Name === 'Bulk Edited')).toBe(true);
    expect(rows.size).toBe(30);
  });
});
