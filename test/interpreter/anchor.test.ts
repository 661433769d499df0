/**
 * Event anchors (`anchor` on a backfill): the snapshot of the paired delta's position, compiled
 * into SyncDefinition.anchor, is exactly a state the delta's execute starts from — now − buffer for
 * a timestamp delta, the position an `anchor.request` reads for others — and through the runtime a
 * delta with no position yet starts there, so what changed while the backfill ran is not lost.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { commitsOnly, harness, loadSpec, rowsByKey, runSync, stateOf, syncNamed, syncOf, type Harness, type SpecObject } from '../support/project.js';
import { ids } from '../support/truth.js';

const io = () => ({ signal: new AbortController().signal, metrics: { requests: 0, retries: 0 } });
const NOW = new Date('2024-06-01T12:00:00.000Z');

/** The CRM with its backfill anchored to its keyset delta (5 s buffer). */
const crmSpec = (edit?: (spec: SpecObject) => void) => loadSpec('connectors/sandbox-crm.yaml', (spec) => {
  syncOf(spec, 'contactsBackfill').anchor = { delta: 'contactsDelta' };
  edit?.(spec);
});

/** A backfill of /v1/contacts anchored to an ascending event feed, by the newest event's id. */
const feedSpec = loadSpec('connectors/examples/delete-markers.yaml', (spec) => {
  const map = { Name: '$.name', ID: '$.id', Email: '$.email', Updated: '$.updated_at' };
  spec.syncs = {
    backfill: {
      database: 'contacts',
      request: { path: '/v1/contacts' },
      records: '$.data[*]',
      paginate: { type: 'token', token: { lastRecord: '$.id' }, param: 'starting_after', pageSize: { value: 5, param: 'limit' }, stop: { hasMore: '$.has_more' } },
      version: '$.updated_at',
      anchor: { delta: 'events', request: { path: '/v1/events/recent', query: { limit: '1' } }, value: '$.data[0].id' },
      map,
    },
    events: {
      database: 'contacts',
      mode: 'incremental',
      request: { path: '/v1/events', query: { after: '{{cursor.value}}' } },
      records: '$.data[*]',
      object: '$.data.object',
      paginate: { type: 'token', token: { lastRecord: '$.id' }, param: 'after', pageSize: { value: 10, param: 'limit' }, stop: { hasMore: '$.has_more' } },
      cursor: { type: 'string', field: '$.id' },
      version: '$.created_at',
      deletes: { when: { path: '$.type', equals: 'contact.deleted' } },
      map,
    },
  };
});

describe('event anchors', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('snapshots a timestamp delta at now − its buffer, in the state its execute starts from', async () => {
    h = await harness({ crm: { spec: crmSpec() } }, { counts: { contacts: 10, companies: 2 }, clean: true });
    const opened = await h.open();
    const anchor = syncNamed(opened, 'crm.contactsBackfill').anchor!;
    expect(anchor.sync).toBe('crm.contactsDelta');
    expect(await anchor.snapshot({ ...io(), now: NOW })).toEqual({ cursor: { value: '2024-06-01T11:59:55.000Z', id: null } });
    expect(syncNamed(opened, 'crm.contactsDelta').anchor).toBeUndefined();
    expect(h.sandbox.source.stats.count()).toBe(0);

    // Through the runtime: the backfill anchors the delta, whose first cycle asks from the snapshot.
    expect(await runSync(opened, 'crm.contactsBackfill')).toMatchObject({ status: 'completed', upserted: 10 });
    const anchored = (await opened.store.getAnchor('crm.contactsDelta')) as { cursor: { value: string } };
    expect(anchored).toEqual({ cursor: { value: expect.any(String), id: null } });
    h.sandbox.source.stats.clear();
    expect(await runSync(opened, 'crm.contactsDelta')).toMatchObject({ status: 'completed', upserted: 0, requests: 1 });
    const [request] = h.sandbox.source.stats.filter({ pathPrefix: '/v1/keyset/contacts' });
    expect(new URL(request.url, 'http://x').searchParams.get('since')).toBe(anchored.cursor.value);
  });

  it('snapshots a flip-flop delta with its delete stream at the same moment', async () => {
    const spec = crmSpec((s) => {
      syncOf(s, 'contactsDelta').deletes = {
        stream: {
          request: { path: '/v1/contacts/deleted', query: { since: '{{cursor.value}}' } },
          records: '$.data[*]',
          key: '$.id',
          cursor: { field: '$.deleted_at', bufferSeconds: 30 },
        },
      };
    });
    h = await harness({ crm: { spec } }, { counts: { contacts: 10, companies: 2 }, clean: true });
    const opened = await h.open();
    expect(await syncNamed(opened, 'crm.contactsBackfill').anchor!.snapshot({ ...io(), now: NOW })).toEqual({
      phase: 'delta',
      cursor: { value: '2024-06-01T11:59:55.000Z', id: null },
      deletes: { cursor: { value: '2024-06-01T11:59:30.000Z', id: null } },
    });
  });

  it('reads the position of other deltas from anchor.request, and the delta picks up changes made during the backfill', async () => {
    h = await harness({ feed: { spec: feedSpec } }, { counts: { contacts: 20 }, clean: true });
    const { source } = h.sandbox;
    const opened = await h.open();
    const anchor = syncNamed(opened, 'feed.backfill').anchor!;
    expect(anchor.sync).toBe('feed.events');
    expect(await anchor.snapshot({ ...io(), now: NOW })).toEqual({ cursor: { value: 'evt_000020', id: null } });
    expect(source.stats.requests.map((request) => request.url)).toEqual(['/v1/events/recent?limit=1']);

    // A contact renamed while the backfill runs (after its first page) ...
    let renamed = false;
    const backfill = await runSync(opened, 'feed.backfill', {
      onEvent: commitsOnly(() => {
        if (!renamed) source.update('contacts', 'cus_000002', { name: 'Renamed Meanwhile' });
        renamed = true;
      }),
    });
    expect(backfill).toMatchObject({ status: 'completed', upserted: 20 });
    expect(await opened.store.getAnchor('feed.events')).toEqual({ cursor: { value: 'evt_000020', id: null } });

    // ... is the delta's first change: it starts from the snapshot, not from the start of the feed.
    source.stats.clear();
    expect(await runSync(opened, 'feed.events')).toMatchObject({ status: 'completed', upserted: 1, requests: 1 });
    expect(source.stats.requests.map((request) => request.url)).toEqual(['/v1/events?after=evt_000020&limit=10']);
    expect(await stateOf(opened, 'feed.events')).toEqual({ cursor: { value: 'evt_000021', id: null } });
    const rows = await rowsByKey(opened, 'feed.contacts');
    expect(rows.get('cus_000002')).toMatchObject({ Name: 'Renamed Meanwhile' });
    expect([...rows.keys()].sort()).toEqual(ids(source.list('contacts')));
  });

  it('an empty feed has no position yet: the delta starts from its initial cursor', async () => {
    h = await harness({ feed: { spec: feedSpec } }, { counts: { contacts: 0 }, clean: true });
    const opened = await h.open();
    expect(await syncNamed(opened, 'feed.backfill').anchor!.snapshot({ ...io(), now: NOW })).toEqual({});
  });
});
