/**
 * Incremental cursors against real feeds: a newest-first event feed (the cursor is the page
 * maximum, not its last record; versions let the newest event of each contact win), tied timestamps paged through keyset on (updated_at, id) with
 * nothing skipped or repeated, a zone-less (sql) keyset timestamp read as UTC whatever the
 * machine's zone, and a record whose cursor field cannot be read, which is reported as failed
 * rather than written while the cursor skips past it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { commitsOnly, harness, loadSpec, projectAt, rowsByKey, runSync, syncOf, type Harness, type SpecObject } from '../support/project.js';
import { sendJson, useServers } from '../support/http-server.js';
import { cycleStartedAt } from '../support/sqlite.js';
import { goodContacts, ids } from '../support/truth.js';

const contactMap = { Name: '$.name', ID: '$.id', Email: '$.email', Updated: '$.updated_at' };

/** examples/token-last-record.yaml's connector with its sync replaced. */
function contactsSpec(sync: Record<string, unknown>): SpecObject {
  return loadSpec('connectors/examples/token-last-record.yaml', (spec) => {
    spec.syncs = { contacts: { database: 'contacts', mode: 'incremental', map: contactMap, ...sync } };
  });
}

/**
 * The CRM's delta with another keyset page size and no buffer, so a write made between two cycles
 * is already below the second cycle's cap (with 5 s it would be read early and cut off by the cap).
 */
function deltaSpec(pageSize: number): SpecObject {
  return loadSpec('connectors/sandbox-crm.yaml', (spec) => {
    const delta = syncOf(spec, 'contactsDelta');
    delta.paginate.pageSize = pageSize;
    delta.cursor.bufferSeconds = 0;
  });
}

const keysetParams = (url: string) => {
  const query = new URL(url, 'http://sandbox').searchParams;
  return [query.get('since'), query.get('since_id')];
};

describe('incremental cursors', () => {
  let h: Harness | undefined;
  const serve = useServers();
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  describe('a newest-first event feed', () => {
    const eventsSpec = contactsSpec({
      request: { path: '/v1/events/recent' },
      records: '$.data[*]',
      object: '$.data.object',
      paginate: {
        type: 'token', token: { lastRecord: '$.id' }, param: 'starting_after',
        pageSize: { value: 10, param: 'limit' }, stop: { hasMore: '$.has_more' },
      },
      cursor: { field: '$.created_at', order: 'descending', bufferSeconds: 0 },
      version: '$.created_at',
      deletes: { when: { path: '$.type', equals: 'contact.deleted' } },
    });

    it('keeps the maximum of the pages as its cursor, not the last (oldest) record', async () => {
      h = await harness({ feed: { spec: eventsSpec } }, { counts: { contacts: 30 }, clean: true });
      const opened = await h.open();
      const summary = await runSync(opened, 'feed.contacts');
      expect(summary).toMatchObject({ status: 'completed', upserted: 30, failed: 0, requests: 3 });

      const events = h.sandbox.source.events();
      const newest = events.map((event) => event.created_at).sort().at(-1)!;
      const oldest = events.map((event) => event.created_at).sort()[0];
      expect(newest > oldest).toBe(true);
      const [checkpoint] = await opened.store.listCheckpoints('feed.contacts');
      expect(checkpoint.state).toEqual({ cursor: { value: newest, id: null } });

      const rows = await rowsByKey(opened, 'feed.contacts');
      expect([...rows.keys()].sort()).toEqual(ids(goodContacts(h.sandbox)));
    });

    it('keeps the maximum when pages are split over several commits', async () => {
      const split = structuredClone(eventsSpec);
      syncOf(split, 'contacts').maxChangesPerCommit = 3;
      h = await harness({ feed: { spec: split } }, { counts: { contacts: 30 }, clean: true });
      const opened = await h.open();
      const commits: number[] = [];
      const summary = await runSync(opened, 'feed.contacts', { onEvent: commitsOnly((event) => commits.push(event.upserted)) });
      // The newest record is in the first commit of the first page; the last commit holds the oldest.
      expect(summary).toMatchObject({ status: 'completed', upserted: 30, requests: 3 });
      expect(commits).toEqual(Array.from({ length: 12 }, (_, i) => (i % 4 === 3 ? 1 : 3)));
      const newest = h.sandbox.source.events().map((event) => event.created_at).sort().at(-1)!;
      const [checkpoint] = await opened.store.listCheckpoints('feed.contacts');
      expect(checkpoint.state).toEqual({ cursor: { value: newest, id: null } });
    });

    // Page order is newest first, so an older event comes after a newer one of the same contact:
    // each change carries its event's time as version, and the store lets the newer one win.
    it('applies the newest event of each contact: updates stick, deleted contacts stay deleted', async () => {
      h = await harness({ feed: { spec: eventsSpec } }, { counts: { contacts: 30 }, clean: true });
      const opened = await h.open();
      expect(await runSync(opened, 'feed.contacts')).toMatchObject({ status: 'completed' });

      h.sandbox.source.update('contacts', 'cus_000003', { name: 'Updated Name' });
      h.sandbox.source.remove('contacts', 'cus_000004');
      expect(await runSync(opened, 'feed.contacts')).toMatchObject({ status: 'completed' });

      const rows = await rowsByKey(opened, 'feed.contacts');
      expect(rows.get('cus_000003')).toMatchObject({ Name: 'Updated Name' });
      expect(rows.has('cus_000004')).toBe(false);
    });
  });

  describe('tied timestamps through keyset (updated_at, id)', () => {
    it('pages through the seeded import batches without skipping or repeating a record', async () => {
      // Pages of 3 split every batch of 4 contacts that share one updated_at.
      h = await harness({ crm: { spec: deltaSpec(3) } }, { counts: { contacts: 60, companies: 3 }, clean: true });
      const source = h.sandbox.source.list('contacts');
      for (const batch of [[0, 4], [25, 29], [50, 54]]) {
        expect(new Set(source.slice(batch[0], batch[1]).map((c) => c.updated_at)).size).toBe(1);
      }
      const opened = await h.open();
      const summary = await runSync(opened, 'crm.contactsDelta');
      // 60 records in 20 full pages, then one empty page ends it: each record upserted exactly once.
      expect(summary).toMatchObject({ status: 'completed', upserted: 60, failed: 0, requests: 21 });
      expect([...(await rowsByKey(opened, 'crm.contacts')).keys()].sort()).toEqual(ids(source));
    });

    it('pages through 30 records bulk-updated to one timestamp, 10 per page', async () => {
      h = await harness({ crm: { spec: deltaSpec(10) } }, { counts: { contacts: 60, companies: 3 }, clean: true });
      const opened = await h.open();
      expect(await runSync(opened, 'crm.contactsDelta')).toMatchObject({ status: 'completed', upserted: 60 });

      // Every other contact, with one shared updated_at.
      const bulk = h.sandbox.source.list('contacts').filter((_, index) => index % 2 === 1).map((c) => c.id);
      expect(bulk).toHaveLength(30);
      const at = new Date();
      h.sandbox.source.bulkUpdate('contacts', bulk, { stage: 'Churned', name: 'Bulk Edited' }, at);
      h.sandbox.source.stats.clear();

      const summary = await runSync(opened, 'crm.contactsDelta');
      expect(summary).toMatchObject({ status: 'completed', upserted: 30, failed: 0, requests: 4 });
      // The tie-breaker carries the walk through the tie: since stays, since_id advances.
      const stamp = at.toISOString();
      expect(h.sandbox.source.stats.filter({ pathPrefix: '/v1/keyset/contacts' }).map((r) => keysetParams(r.url)).slice(1))
        .toEqual([[stamp, bulk[9]], [stamp, bulk[19]], [stamp, bulk[29]]]);

      const rows = await rowsByKey(opened, 'crm.contacts');
      const edited = [...rows.values()].filter((row) => row.Name === 'Bulk Edited');
      expect(edited.map((row) => row._key).sort()).toEqual(bulk);
      expect(edited.every((row) => row.Stage === 'Churned' && row.Updated === stamp)).toBe(true);
      const [checkpoint] = await opened.store.listCheckpoints('crm.contactsDelta');
      // The empty page after the tie ends the walk; the cursor moves up to now − buffer (0 s here).
      expect(checkpoint.state).toEqual({ cursor: { value: cycleStartedAt(opened, checkpoint.cycle).toISOString(), id: null } });
      expect((checkpoint.state as { cursor: { value: string } }).cursor.value >= stamp).toBe(true);
    });
  });

  describe('a zone-less (sql) keyset timestamp', () => {
    const zone = process.env.TZ;
    afterEach(() => {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    });

    it('is read as UTC on a machine in another time zone', async () => {
      // Five hours behind UTC, no DST: a local reading of '2024-06-01 10:00:00' is 15:00 UTC.
      process.env.TZ = 'Etc/GMT+5';
      expect(new Date(2024, 5, 1).getTimezoneOffset()).toBe(300);
      const spec = loadSpec('connectors/examples/keyset.yaml', (s) => {
        syncOf(s, 'contacts').paginate.pageSize = 2;
      });
      h = await harness({ snow: { spec } }, { counts: { contacts: 3 }, clean: true });
      // One hour apart: a position misread by five hours skips the third.
      ['cus_000001', 'cus_000002', 'cus_000003'].forEach((id, hour) => {
        h!.sandbox.source.update('contacts', id, {}, { at: new Date(Date.UTC(2024, 5, 1, 10 + hour)) });
      });
      const opened = await h.open();
      const summary = await runSync(opened, 'snow.contacts');
      expect(summary).toMatchObject({ status: 'completed', upserted: 3, requests: 2 });
      const queries = h.sandbox.source.stats.filter({ pathPrefix: '/v1/snow/contacts' }).map((r) => new URL(r.url, 'http://sandbox').searchParams.get('sysparm_query'));
      expect(queries[1]).toBe('sys_updated_on>2024-06-01 11:00:00^NQsys_updated_on=2024-06-01 11:00:00^sys_id>cus_000002^ORDERBYsys_updated_on^ORDERBYsys_id');
      expect([...(await rowsByKey(opened, 'snow.contacts')).keys()]).toEqual(['cus_000001', 'cus_000002', 'cus_000003']);
    });
  });

  it('reports a record whose cursor field is unreadable as failed, and writes the others', async () => {
    const server = await serve((_request, response) => sendJson(response, 200, {
      data: [
        { id: 'a', name: 'A', updated_at: '2024-03-01T10:00:00.000Z' },
        { id: 'b', name: 'B', updated_at: 'not a date' },
        { id: 'c', name: 'C' },
        { id: 'd', name: 'D', updated_at: '2024-03-02T10:00:00.000Z' },
      ],
    }));
    const project = await projectAt(server.url, {
      api: { spec: contactsSpec({ request: { path: '/items' }, records: '$.data[*]', cursor: { field: '$.updated_at' }, map: { Name: '$.name', ID: '$.id' } }) },
    });
    try {
      const opened = await project.open();
      const summary = await runSync(opened, 'api.contacts');
      const failures = [
        { key: 'b', reason: 'cursor field $.updated_at: expected a timestamp (format iso), got "not a date"' },
        { key: 'c', reason: 'cursor field $.updated_at: expected a timestamp (format iso), got nothing (field missing)' },
      ];
      expect(summary).toMatchObject({ status: 'completed', upserted: 2, failed: 2, failures });
      expect(await opened.store.listFailures(summary.runId)).toEqual(failures);
      expect([...(await rowsByKey(opened, 'api.contacts')).keys()]).toEqual(['a', 'd']);
      const [checkpoint] = await opened.store.listCheckpoints('api.contacts');
      // The newest readable record is on a whole second long past now − buffer, so the cursor steps
      // just past that second: nothing newer can still appear inside it.
      expect(checkpoint.state).toEqual({ cursor: { value: '2024-03-02T10:00:01.000Z', id: null } });
    } finally {
      await project.close();
    }
  });
});
