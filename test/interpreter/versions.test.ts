/**
 * Versions on changes: every upsert and delete carries the record's version — the sync's `version`
 * path, or by default its timestamp/number cursor field — so the store can let the newest win. Read
 * from the raw record; timestamps in epoch ms, numbers as they are; a record without a readable
 * version is a failed record, never an unversioned write.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Change } from '../../engine/core/types.js';
import { executeContext, harness, loadSpec, projectAt, syncNamed, syncOf, type Harness } from '../support/project.js';
import { sendJson, useServers } from '../support/http-server.js';

const versionsOf = (changes: Change[]) => Object.fromEntries(changes.map((change) => [change.key, [change.type, change.version]]));

describe('versions on changes', () => {
  let h: Harness | undefined;
  const serve = useServers();
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('a delta is versioned by its cursor field, a backfill by its version path, in epoch ms', async () => {
    h = await harness({ crm: { spec: 'connectors/sandbox-crm.yaml' } }, { counts: { contacts: 5, companies: 2 }, clean: true });
    const opened = await h.open();
    const expected = Object.fromEntries(h.sandbox.source.list('contacts').map((c) => [c.id, ['upsert', Date.parse(c.updated_at)]]));
    for (const sync of ['crm.contactsDelta', 'crm.contactsBackfill']) {
      const result = await syncNamed(opened, sync).execute(undefined, executeContext());
      expect(versionsOf(result.changes), sync).toEqual(expected);
    }
    // No version path and no cursor: unversioned, as before.
    const companies = await syncNamed(opened, 'crm.companies').execute(undefined, executeContext());
    expect(companies.changes.every((change) => change.version === undefined)).toBe(true);
  });

  it('delete markers and delete streams carry the time of the deletion', async () => {
    const spec = loadSpec('connectors/examples/delete-markers.yaml', (s) => {
      syncOf(s, 'markers').deletes = {
        when: { path: '$.deleted', equals: true },
        stream: {
          request: { path: '/v1/contacts/deleted', query: { since: '{{cursor.value}}' } },
          records: '$.data[*]',
          key: '$.id',
          cursor: { field: '$.deleted_at' },
        },
      };
    });
    h = await harness({ del: { spec } }, { counts: { contacts: 4 }, clean: true });
    const { source } = h.sandbox;
    const removed = source.remove('contacts', 'cus_000002');
    const opened = await h.open();
    const sync = syncNamed(opened, 'del.markers');

    const delta = await sync.execute(undefined, executeContext());
    expect(versionsOf(delta.changes)).toEqual({
      ...Object.fromEntries(source.list('contacts').map((c) => [c.id, ['upsert', Date.parse(c.updated_at)]])),
      cus_000002: ['delete', Date.parse(removed.deleted_at)],
    });
    const deletes = await sync.execute({ phase: 'deletes' }, executeContext());
    expect(deletes.changes).toEqual([{ type: 'delete', key: 'cus_000002', version: Date.parse(removed.deleted_at) }]);
  });

  it('reads numbers as they are and text as a number or a UTC time; a record without one fails', async () => {
    const server = await serve((_request, response) => sendJson(response, 200, [
      { id: 'n', v: 42 },
      { id: 's', v: '17' },
      { id: 'iso', v: '2024-05-01T10:00:00+02:00' },
      { id: 'sql', v: '2024-05-01 10:00:00' },
      { id: 'missing' },
      { id: 'junk', v: 'yesterday' },
      { id: 'object', v: { at: 1 } },
      { id: 'gone', v: 7, deleted: true },
    ]));
    const spec = loadSpec('connectors/examples/delete-markers.yaml', (s) => {
      s.syncs = {
        items: {
          database: 'contacts', mode: 'incremental',
          request: { path: '/items' },
          cursor: { type: 'opaque', field: '$.next' },
          version: '$.v',
          deletes: { when: { path: '$.deleted', equals: true } },
          map: { Name: '$.id', ID: '$.id' },
        },
      };
    });
    const project = await projectAt(server.url, { api: { spec } });
    try {
      const opened = await project.open();
      const result = await syncNamed(opened, 'api.items').execute(undefined, executeContext());
      expect(versionsOf(result.changes)).toEqual({
        n: ['upsert', 42],
        s: ['upsert', 17],
        iso: ['upsert', Date.UTC(2024, 4, 1, 8)],
        sql: ['upsert', Date.UTC(2024, 4, 1, 10)],
        gone: ['delete', 7],
      });
      expect(result.failed).toEqual([
        { key: 'missing', reason: 'version $.v: expected a timestamp or a number, got nothing (field missing)' },
        { key: 'junk', reason: 'version $.v: expected a timestamp or a number, got "yesterday"' },
        { key: 'object', reason: 'version $.v: expected a timestamp or a number, got {"at":1}' },
      ]);
    } finally {
      await project.close();
    }
  });
});
