/**
 * Event-feed deltas: the sandbox's contact events (`evt_000123`, ordered as strings), each mapped
 * by type through `object` and `deletes.when`, versioned by the event's time. Events younger than
 * now − buffer are not consumed and the cursor never moves past them: an ascending feed
 * (/v1/events?after=) stops at the first young event, a newest-first one (/v1/events/recent) skips
 * the young events and takes the older ones.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { executeContext, harness, loadSpec, rowsByKey, runSync, stateOf, syncNamed, type Harness, type SpecObject } from '../support/project.js';

const BUFFER_SECONDS = 2;

function feedSpec(sync: Record<string, unknown>): SpecObject {
  return loadSpec('connectors/examples/delete-markers.yaml', (spec) => {
    spec.syncs = {
      events: {
        database: 'contacts',
        mode: 'incremental',
        records: '$.data[*]',
        object: '$.data.object',
        version: '$.created_at',
        deletes: { when: { path: '$.type', equals: 'contact.deleted' } },
        map: { Name: '$.name', ID: '$.id', Email: '$.email', Updated: '$.updated_at' },
        ...sync,
      },
    };
  });
}

const ascending = feedSpec({
  request: { path: '/v1/events', query: { after: '{{cursor.value}}' } },
  paginate: { type: 'token', token: { lastRecord: '$.id' }, param: 'after', pageSize: { value: 10, param: 'limit' }, stop: { hasMore: '$.has_more' } },
  cursor: { type: 'string', field: '$.id', timeField: '$.created_at', bufferSeconds: BUFFER_SECONDS },
});

const newestFirst = feedSpec({
  request: { path: '/v1/events/recent' },
  paginate: { type: 'token', token: { lastRecord: '$.id' }, param: 'starting_after', pageSize: { value: 10, param: 'limit' }, stop: { hasMore: '$.has_more' } },
  cursor: { type: 'string', field: '$.id', order: 'descending', timeField: '$.created_at', bufferSeconds: BUFFER_SECONDS },
});

const SYNC = 'feed.events';
const cursorAt = (id: string) => ({ cursor: { value: id, id: null } });

describe('event-feed deltas', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('an ascending feed consumes events up to the first one younger than the buffer', async () => {
    h = await harness({ feed: { spec: ascending } }, { counts: { contacts: 20 }, clean: true });
    const { source } = h.sandbox;
    // The test moves time on for both sides, the sandbox (its events' times) and the store (when a cycle starts).
    let ahead = 0;
    const clock = { now: () => Date.now() + ahead };
    const opened = await h.open({ clock });
    expect(await runSync(opened, SYNC)).toMatchObject({ status: 'completed', upserted: 20, requests: 2 });
    expect(await stateOf(opened, SYNC)).toEqual(cursorAt('evt_000020'));

    const renamed = source.update('contacts', 'cus_000003', { name: 'Renamed' });
    // The rename ages past the buffer; the removal made now is young when the cycle runs.
    const step = (BUFFER_SECONDS + 1) * 1000;
    source.clock.advance(step);
    ahead += step;
    source.remove('contacts', 'cus_000004');
    expect(source.events().slice(-2).map((event) => [event.id, event.type])).toEqual([
      ['evt_000021', 'contact.updated'], ['evt_000022', 'contact.deleted'],
    ]);

    const summary = await runSync(opened, SYNC);
    expect(summary).toMatchObject({ status: 'completed', upserted: 1, deleted: 0, failed: 0, requests: 1 });
    const rows = await rowsByKey(opened, 'feed.contacts');
    expect(rows.get('cus_000003')).toMatchObject({ Name: 'Renamed', Updated: renamed.updated_at });
    expect(rows.has('cus_000004')).toBe(true);
    // The cursor stops before the young event: the next cycle asks from there.
    expect(await stateOf(opened, SYNC)).toEqual(cursorAt('evt_000021'));

    // Once the buffer has passed, the deletion is consumed (a cycle starting 3 s from now).
    const later = await syncNamed(opened, SYNC).execute(await stateOf(opened, SYNC), executeContext({
      cycleStartedAt: new Date(clock.now() + step),
    }));
    const deletedAt = Date.parse(source.events().at(-1)!.created_at);
    expect(later).toEqual({ changes: [{ type: 'delete', key: 'cus_000004', version: deletedAt }], failed: [], hasMore: false, nextState: cursorAt('evt_000022') });
  });

  it('a newest-first feed skips the young events, takes the older ones, and keeps the maximum taken', async () => {
    h = await harness({ feed: { spec: newestFirst } }, { counts: { contacts: 12 }, clean: true });
    const { source } = h.sandbox;
    const opened = await h.open();
    const sync = syncNamed(opened, SYNC);
    source.update('contacts', 'cus_000002', { name: 'Young' });
    source.remove('contacts', 'cus_000005');

    const events = source.events();
    expect(events.map((event) => event.id).slice(-3)).toEqual(['evt_000012', 'evt_000013', 'evt_000014']);

    const now = await sync.execute(undefined, executeContext());
    // Page 1, newest first: evt_000014 and evt_000013 are young; evt_000012 … evt_000005 are taken.
    const taken = events.slice(4, 12).reverse().map((event) => event.data.object.id);
    expect(now.changes.map((change) => change.key)).toEqual(taken);
    expect(now).toMatchObject({ hasMore: true, nextState: { high: { value: 'evt_000012', id: null } } });
    const end = await sync.execute(now.nextState, executeContext({ cycleStartedAt: new Date() }));
    expect(end).toMatchObject({ hasMore: false, nextState: cursorAt('evt_000012') });

    const later = await sync.execute(undefined, executeContext({ cycleStartedAt: new Date(Date.now() + (BUFFER_SECONDS + 1) * 1000) }));
    expect(later.changes.slice(0, 3)).toEqual([
      { type: 'delete', key: 'cus_000005', version: Date.parse(events[13].created_at) },
      expect.objectContaining({ type: 'upsert', key: 'cus_000002', properties: expect.objectContaining({ Name: 'Young' }) }),
      expect.objectContaining({ type: 'upsert', key: taken[0] }),
    ]);
    expect(later.nextState).toMatchObject({ high: { value: 'evt_000014', id: null } });
  });
});
