/**
 * Deletions in incremental syncs (connectors/examples/delete-markers.yaml): tombstone records in
 * the change feed recognised by `deletes.when` (/v1/marked/contacts: `deleted: true`), and ids
 * listed beside the records by `deletes.ids` (/v1/sync/contacts: `deleted_ids`); and, test-local,
 * `deletes.when` on an event type in an oldest-first event feed whose cursor is the last event id.
 * Either way the rows go in the next cycle, without waiting for a backfill's sweep.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { commitsOnly, harness, loadSpec, rowsByKey, runSync, type Harness } from '../support/project.js';
import { ids } from '../support/truth.js';

describe('delete markers', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  async function setUp() {
    h = await harness({ del: { spec: 'connectors/examples/delete-markers.yaml' } }, { counts: { contacts: 40 }, clean: true });
    return { opened: await h.open(), source: h.sandbox.source };
  }

  it.each([
    ['deletes.when on `deleted: true` markers', 'del.markers', '/v1/marked/contacts'],
    ['deletes.ids on `deleted_ids`', 'del.syncFeed', '/v1/sync/contacts'],
  ])('%s removes rows in the next cycle', async (_title, sync, path) => {
    const { opened, source } = await setUp();
    const first = await runSync(opened, sync);
    expect(first).toMatchObject({ status: 'completed', upserted: 40, deleted: 0, failed: 0, requests: 2 });
    expect([...(await rowsByKey(opened, 'del.contacts')).keys()].sort()).toEqual(ids(source.list('contacts')));

    source.remove('contacts', 'cus_000003');
    source.remove('contacts', 'cus_000017');
    const renamed = source.update('contacts', 'cus_000010', { name: 'Still Here' });
    source.stats.clear();

    const second = await runSync(opened, sync);
    expect(second).toMatchObject({ status: 'completed', deleted: 2, swept: 0, failed: 0, requests: 1 });
    expect(source.stats.count({ pathPrefix: path })).toBe(1);
    const rows = await rowsByKey(opened, 'del.contacts');
    expect([...rows.keys()].sort()).toEqual(ids(source.list('contacts')));
    expect(rows.has('cus_000003') || rows.has('cus_000017')).toBe(false);
    expect(rows.get('cus_000010')).toMatchObject({ Name: 'Still Here', Updated: renamed.updated_at });
    expect(await opened.store.getRun(second.runId)).toMatchObject({ status: 'completed', deleted: 2 });
  });

  it('splits listed deletions with the records so no commit exceeds maxChangesPerCommit', async () => {
    const spec = loadSpec('connectors/examples/delete-markers.yaml', (s) => {
      s.syncs.syncFeed.maxChangesPerCommit = 3;
    });
    h = await harness({ del: { spec } }, { counts: { contacts: 20 }, clean: true });
    const { source } = h.sandbox;
    const opened = await h.open();
    await runSync(opened, 'del.syncFeed');
    for (const id of ['cus_000002', 'cus_000005', 'cus_000007', 'cus_000011', 'cus_000013']) source.remove('contacts', id);
    source.update('contacts', 'cus_000001', { name: 'Changed' });
    const sizes: number[] = [];
    const summary = await runSync(opened, 'del.syncFeed', { onEvent: commitsOnly((event) => sizes.push(event.upserted + event.deleted + event.failed)) });
    expect(summary).toMatchObject({ status: 'completed', upserted: 1, deleted: 5, requests: 1 });
    expect(sizes).toEqual([3, 3]);
    expect([...(await rowsByKey(opened, 'del.contacts')).keys()].sort()).toEqual(ids(source.list('contacts')));
  });

  it('deletes.when on a `contact.deleted` event of an oldest-first feed', async () => {
    const spec = loadSpec('connectors/examples/delete-markers.yaml', (s) => {
      s.syncs = {
        events: {
          database: 'contacts',
          mode: 'incremental',
          request: { path: '/v1/events', query: { after: '{{cursor.value}}' } },
          records: '$.data[*]',
          object: '$.data.object',
          paginate: { type: 'token', token: { lastRecord: '$.id' }, param: 'after', pageSize: { value: 10, param: 'limit' }, stop: { hasMore: '$.has_more' } },
          // The feed's position is the id of the last event read.
          cursor: { type: 'opaque', field: '$.data[-1:].id' },
          deletes: { when: { path: '$.type', equals: 'contact.deleted' } },
          map: { Name: '$.name', ID: '$.id', Email: '$.email', Updated: '$.updated_at' },
        },
      };
    });
    h = await harness({ feed: { spec } }, { counts: { contacts: 30 }, clean: true });
    const { source } = h.sandbox;
    const opened = await h.open();
    expect(await runSync(opened, 'feed.events')).toMatchObject({ status: 'completed', upserted: 30, requests: 3 });
    expect((await opened.store.listCheckpoints('feed.events'))[0].state).toEqual({ cursor: { value: source.events().at(-1)!.id, id: null } });

    source.update('contacts', 'cus_000003', { name: 'Renamed' });
    source.remove('contacts', 'cus_000004');
    const added = source.create('contacts', { name: 'Added' });
    const second = await runSync(opened, 'feed.events');
    // Only the three new events, from after the stored event id.
    expect(second).toMatchObject({ status: 'completed', upserted: 2, deleted: 1, requests: 1 });
    const rows = await rowsByKey(opened, 'feed.contacts');
    expect([...rows.keys()].sort()).toEqual(ids(source.list('contacts')));
    expect(rows.get('cus_000003')).toMatchObject({ Name: 'Renamed' });
    expect(rows.get(added.id)).toMatchObject({ Name: 'Added' });
    expect((await opened.store.listCheckpoints('feed.events'))[0].state).toEqual({ cursor: { value: source.events().at(-1)!.id, id: null } });
  });
});
