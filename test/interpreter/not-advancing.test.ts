/**
 * The non-advancing guard, against APIs that misbehave on purpose: a next token that repeats
 * forever, and a page parameter the API ignores. The run fails with a message naming the request
 * and the repeated token, run history says `failed`, and the pages committed before stay, with
 * the checkpoint at the last of them.
 */
import { describe, expect, it } from 'vitest';
import { loadSpec, projectAt, rowsByKey, runSync, type SpecObject } from '../support/project.js';
import { sendJson, useServers } from '../support/http-server.js';

const record = (id: string) => ({ id, name: `Name ${id}`, email: `${id}@example.com`, updated_at: '2024-01-01T00:00:00.000Z' });

/** examples/token-last-record.yaml's connector with another request and paginator. */
function specWith(sync: Record<string, unknown>): SpecObject {
  return loadSpec('connectors/examples/token-last-record.yaml', (spec) => {
    spec.syncs = { contacts: { database: 'contacts', map: { Name: '$.name', ID: '$.id', Email: '$.email' }, records: '$.data[*]', ...sync } };
  });
}

describe('non-advancing pagination', () => {
  const serve = useServers();

  it('fails on a repeated next token, keeping the committed page and its checkpoint', async () => {
    const server = await serve((request, response) => {
      const cursor = request.query.get('cursor');
      // Different records each time, so only the token (not the page digest) shows the loop.
      const data = cursor === null ? [record('a'), record('b')] : [record(`c${server.requests.length}`)];
      sendJson(response, 200, { data, next_cursor: 'tok-1' });
    });
    const project = await projectAt(server.url, {
      api: { spec: specWith({ request: { path: '/items' }, paginate: { type: 'token', token: { path: '$.next_cursor' }, param: 'cursor' } }) },
    });
    try {
      const opened = await project.open();
      const summary = await runSync(opened, 'api.contacts');
      const message = `GET ${server.url}/items?cursor=tok-1: the next page token 'tok-1' is the same as the current one; the API's pagination is not advancing`;
      expect(summary).toMatchObject({ status: 'failed', error: message, upserted: 2, requests: 2 });
      expect(server.requests.map((r) => r.url)).toEqual(['/items', '/items?cursor=tok-1']);

      const [run] = await opened.store.listRuns({ sync: 'api.contacts' });
      expect(run).toMatchObject({ id: summary.runId, status: 'failed', error: message, upserted: 2 });
      expect([...(await rowsByKey(opened, 'api.contacts')).keys()]).toEqual(['a', 'b']);

      // The checkpoint is the position after page 1, the last one committed.
      const [checkpoint] = await opened.store.listCheckpoints('api.contacts');
      expect(checkpoint).toMatchObject({ doneInCycle: null, state: { page: { position: { at: 'tok-1' }, skip: 0 } } });

      // A rerun resumes there: it does not fetch page 1 again, and fails the same way.
      const again = await runSync(opened, 'api.contacts');
      expect(again).toMatchObject({ status: 'failed', error: message, requests: 1 });
      expect(server.requests.map((r) => r.url).slice(2)).toEqual(['/items?cursor=tok-1']);
    } finally {
      await project.close();
    }
  });

  it('fails when the API ignores the page parameter and repeats the same page', async () => {
    const server = await serve((_request, response) => sendJson(response, 200, { data: [record('a'), record('b')], total_pages: 10 }));
    const project = await projectAt(server.url, {
      api: { spec: specWith({ request: { path: '/items' }, paginate: { type: 'pageNumber', param: 'page', stop: { total: '$.total_pages' } } }) },
    });
    try {
      const opened = await project.open();
      const summary = await runSync(opened, 'api.contacts');
      expect(summary).toMatchObject({
        status: 'failed',
        error: `GET ${server.url}/items?page=2: this page has the same records as the page before it; the API's pagination is not advancing (does it read the page number where the spec sends it?)`,
        requests: 2,
      });
      expect((await opened.store.getRun(summary.runId))?.status).toBe('failed');
      expect([...(await rowsByKey(opened, 'api.contacts')).keys()]).toEqual(['a', 'b']);
    } finally {
      await project.close();
    }
  });
});
