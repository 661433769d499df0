/**
 * Expired delta positions (`resync`): connectors/examples/delta-token.yaml against the sandbox's
 * delta-token feed, whose old tokens answer 410 Gone. The sync then abandons the cycle and resyncs
 * in full — every contact from the start, unseen rows swept — and its deltas resume from the new
 * token. A response body can say the same (`resync.when`).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ResyncRequired } from '../../engine/core/errors.js';
import { executeContext, harness, loadSpec, projectAt, rowsByKey, runSync, stateOf, syncNamed, syncOf, type Harness } from '../support/project.js';
import { sendJson, useServers } from '../support/http-server.js';
import { ids } from '../support/truth.js';

const SYNC = 'graph.contacts';

describe('resync on an expired delta position', () => {
  let h: Harness | undefined;
  const serve = useServers();
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('410 Gone on an expired delta token: a full resync at once, then deltas resume', async () => {
    h = await harness({ graph: { spec: 'connectors/examples/delta-token.yaml' } }, { counts: { contacts: 20 }, clean: true });
    const { source } = h.sandbox;
    const opened = await h.open();
    expect(await runSync(opened, SYNC)).toMatchObject({ status: 'completed', upserted: 20, requests: 1, resynced: false });
    const first = (await stateOf(opened, SYNC)) as { cursor: { value: string; id: null } };
    expect(first).toEqual({ cursor: { value: expect.any(String), id: null } });

    // A delta with the token: only what changed.
    source.update('contacts', 'cus_000005', { name: 'Renamed' });
    source.remove('contacts', 'cus_000003');
    expect(await runSync(opened, SYNC)).toMatchObject({ status: 'completed', upserted: 1, deleted: 1, requests: 1 });

    // The token expires. The resync reads the feed from its start, which reports removals as markers too.
    source.expireTokens('delta');
    source.remove('contacts', 'cus_000007');
    source.stats.clear();
    const resync = await runSync(opened, SYNC);
    expect(resync).toMatchObject({ status: 'completed', error: null, resynced: true, full: true, upserted: 18, deleted: 1, swept: 0, requests: 2 });
    expect(source.stats.requests.map((request) => [request.status, new URL(request.url, 'http://x').searchParams.has('token')])).toEqual([
      [410, true], [200, false],
    ]);
    expect([...(await rowsByKey(opened, 'graph.contacts')).keys()].sort()).toEqual(ids(source.list('contacts')));

    // Deltas resume from the resync's token.
    const added = source.create('contacts', { name: 'Added' });
    source.stats.clear();
    expect(await runSync(opened, SYNC)).toMatchObject({ status: 'completed', resynced: false, full: false, upserted: 1, requests: 1 });
    expect(source.stats.requests.map((request) => request.status)).toEqual([200]);
    expect((await rowsByKey(opened, 'graph.contacts')).get(added.id)).toMatchObject({ Name: 'Added' });

    // A source restored from its seed forgets the contact without a trace: only the resync's sweep removes it.
    source.reset();
    const restored = await runSync(opened, SYNC);
    expect(restored).toMatchObject({ status: 'completed', resynced: true, upserted: 20, deleted: 1, swept: 1 });
    expect([...(await rowsByKey(opened, 'graph.contacts')).keys()].sort()).toEqual(ids(source.list('contacts')));
  });

  it('names the request that said the position expired', async () => {
    h = await harness({ graph: { spec: 'connectors/examples/delta-token.yaml' } }, { counts: { contacts: 5 }, clean: true });
    const opened = await h.open();
    expect(await runSync(opened, SYNC)).toMatchObject({ status: 'completed' });
    h.sandbox.source.expireTokens('delta');
    const attempt = syncNamed(opened, SYNC).execute(await stateOf(opened, SYNC), executeContext());
    await expect(attempt).rejects.toThrow(ResyncRequired);
    await expect(attempt).rejects.toThrow(
      `GET ${h.sandbox.url}/v1/delta/contacts?token=[REDACTED]&limit=50 answered 410 Gone: ` +
        '{"error":"token_expired","message":"the delta token expired; start over without a token (full resync)"}: ' +
        'the delta position expired (resync.status), so the sync resyncs in full',
    );
  });

  it('resync.when: a successful response whose body says the position expired', async () => {
    // The first listing hands out a position that has expired by the next cycle; later listings a good one.
    let listings = 0;
    const server = await serve((request, response) => {
      if (request.query.get('since') === 'old') sendJson(response, 200, { error: 'cursor_too_old', items: [] });
      else sendJson(response, 200, { items: [{ id: 'a', name: 'A' }], next: ++listings === 1 ? 'old' : 'fresh' });
    });
    const spec = loadSpec('connectors/examples/delta-token.yaml', (s) => {
      const sync = syncOf(s, 'contacts');
      sync.request = { path: '/changes', query: { since: '{{cursor.value}}' } };
      delete sync.paginate;
      sync.cursor = { type: 'opaque', field: '$.next' };
      sync.resync = { when: { path: '$.error', equals: 'cursor_too_old' } };
    });
    const project = await projectAt(server.url, { graph: { spec } });
    try {
      const opened = await project.open();
      expect(await runSync(opened, SYNC)).toMatchObject({ status: 'completed', upserted: 1, resynced: false });
      const attempt = syncNamed(opened, SYNC).execute(await stateOf(opened, SYNC), executeContext());
      await expect(attempt).rejects.toBeInstanceOf(ResyncRequired);
      await expect(attempt).rejects.toThrow(
        `GET ${server.url}/changes?since=old: the response matches resync.when ($.error equals "cursor_too_old"): ` +
          'the delta position expired, so the sync resyncs in full',
      );
      // Through the runtime: the resync lists everything again and ends with the new position.
      expect(await runSync(opened, SYNC)).toMatchObject({ status: 'completed', upserted: 1, resynced: true, full: true });
      expect(await stateOf(opened, SYNC)).toEqual({ cursor: { value: 'fresh', id: null } });
    } finally {
      await project.close();
    }
  });
});
