/**
 * Malformed answers, on page 3 of a 4-page walk: an HTML page, truncated JSON, a records path that
 * does not fit the response, records that are not objects. The run fails with a message naming the
 * request (and the JSONPath, where one is involved), and nothing of the bad page is written: the rows
 * and the checkpoint are exactly those of page 2, and the next run resumes at page 3. A truncated body
 * is the exception that is retried: it is what a dropped connection delivers.
 */
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { startSandbox } from '../../sandbox/server.js';
import { commitsOnly, loadSpec, projectAt, rowsByKey, runSync, type SpecObject } from '../support/project.js';
import { sendJson, sendText, useServers, type ReceivedRequest } from '../support/http-server.js';

const PAGE = 5;
const ids = Array.from({ length: 4 * PAGE }, (_, i) => `r${String(i + 1).padStart(2, '0')}`);
const record = (id: string) => ({ id, name: `Name ${id}`, email: `${id}@example.com`, updated_at: '2024-01-01T00:00:00.000Z' });
const firstTwoPages = ids.slice(0, 2 * PAGE);

/** examples/token-last-record.yaml (Stripe: starting_after + has_more) on `path`, 5 a page, quick retries. */
function spec(path = '/items', sync: Record<string, unknown> = {}): SpecObject {
  return loadSpec('connectors/examples/token-last-record.yaml', (s) => {
    (s.api as Record<string, unknown>).retry = { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 };
    const contacts = (s.syncs as Record<string, Record<string, any>>).contacts;
    contacts.request = { path };
    contacts.paginate.pageSize = { value: PAGE, param: 'limit' };
    Object.assign(contacts, sync);
  });
}

/** A Stripe-style list of `ids`; `misbehave` may answer a request itself (page 3 is `starting_after=r10`). */
function stripeList(misbehave: (request: ReceivedRequest, response: ServerResponse) => boolean = () => false) {
  return (request: ReceivedRequest, response: ServerResponse) => {
    if (misbehave(request, response)) return;
    const after = request.query.get('starting_after');
    const start = after === null ? 0 : ids.indexOf(after) + 1;
    const data = ids.slice(start, start + PAGE).map(record);
    sendJson(response, 200, { object: 'list', data, has_more: start + PAGE < ids.length });
  };
}

const onPage3 = (request: ReceivedRequest) => request.query.get('starting_after') === 'r10';
const PAGE_3 = '/items?limit=5&starting_after=r10';

describe('malformed responses', () => {
  const serve = useServers();

  /** Runs the walk against a server that misbehaves on page 3; checks what was kept; returns the failed summary. */
  async function failOnPage3(misbehave: (request: ReceivedRequest, response: ServerResponse) => boolean, sync: Record<string, unknown> = {}) {
    let healthy = false;
    const server = await serve(stripeList((request, response) => !healthy && misbehave(request, response)));
    const project = await projectAt(server.url, { api: { spec: spec('/items', sync) } });
    try {
      const opened = await project.open();
      let commits = 0;
      let afterPage2: Promise<unknown> | undefined;
      const summary = await runSync(opened, 'api.contacts', {
        onEvent: commitsOnly(() => {
          if (++commits === 2) afterPage2 = opened.store.listCheckpoints('api.contacts').then(([checkpoint]) => checkpoint.state);
        }),
      });
      expect(summary).toMatchObject({ status: 'failed', upserted: 2 * PAGE });
      const [run] = await opened.store.listRuns({ sync: 'api.contacts' });
      expect(run).toMatchObject({ status: 'failed', error: summary.error, upserted: 2 * PAGE });

      // Exactly pages 1 and 2: nothing of page 3, and the checkpoint is the one committed with page 2.
      expect([...(await rowsByKey(opened, 'api.contacts')).keys()]).toEqual(firstTwoPages);
      const [checkpoint] = await opened.store.listCheckpoints('api.contacts');
      expect(checkpoint.state).toMatchObject({ page: { position: { at: 'r10' }, skip: 0 } });
      expect(checkpoint.state).toEqual(await afterPage2);

      // Once the API behaves, the next run resumes at page 3 and finishes.
      healthy = true;
      const before = server.requests.length;
      const again = await runSync(opened, 'api.contacts');
      expect(again).toMatchObject({ status: 'completed', upserted: 2 * PAGE, failed: 0 });
      expect(server.requests.slice(before).map((r) => r.url)).toEqual([PAGE_3, '/items?limit=5&starting_after=r15']);
      expect([...(await rowsByKey(opened, 'api.contacts')).keys()]).toEqual(ids);
      return { summary, server, pageThreeRequests: server.requests.slice(0, before).filter(onPage3).length };
    } finally {
      await project.close();
    }
  }

  it('an HTML page in a 200 fails the run at once, naming the request', async () => {
    const page = '<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body>Please sign in</body></html>';
    const { summary, server, pageThreeRequests } = await failOnPage3(
      (request, response) => onPage3(request) && (sendText(response, 200, page, { 'content-type': 'text/html; charset=utf-8' }), true),
    );
    expect(summary.error).toBe(
      `GET ${server.url}${PAGE_3}: expected JSON, got text/html (200): <!DOCTYPE html> <html><head><title>Sign in</title></head><body>Please sign in</body></html>`,
    );
    expect(pageThreeRequests).toBe(1);
  });

  it('truncated JSON in a 200 is retried; truncated every time, the run fails after the attempts', async () => {
    const truncated = JSON.stringify({ object: 'list', data: ids.slice(10, 15).map(record), has_more: true }).slice(0, 60);
    const { summary, server, pageThreeRequests } = await failOnPage3(
      (request, response) => onPage3(request) && (sendText(response, 200, truncated, { 'content-type': 'application/json' }), true),
    );
    expect(summary.error).toMatch(
      new RegExp(`^GET ${escape(`${server.url}${PAGE_3}`)}: expected JSON, got invalid or truncated JSON \\(200; .+\\): ${escape(truncated)} \\(gave up after 3 attempts\\)$`),
    );
    expect(pageThreeRequests).toBe(3);
  });

  it('truncated JSON once is retried and the run completes, each record written once', async () => {
    let truncatedOnce = false;
    const server = await serve(
      stripeList((request, response) => {
        if (!onPage3(request) || truncatedOnce) return false;
        truncatedOnce = true;
        // Headers and the start of the body, then the connection drops.
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': '400' });
        response.write('{"object":"list","data":[{"id":"r11"');
        setTimeout(() => response.socket?.destroy(), 5);
        return true;
      }),
    );
    const project = await projectAt(server.url, { api: { spec: spec() } });
    try {
      const opened = await project.open();
      const summary = await runSync(opened, 'api.contacts');
      expect(summary).toMatchObject({ status: 'completed', upserted: ids.length, requests: 5, retries: 1, failed: 0 });
      expect(server.requests.filter(onPage3)).toHaveLength(2);
      expect([...(await rowsByKey(opened, 'api.contacts')).keys()]).toEqual(ids);
    } finally {
      await project.close();
    }
  });

  it('a records path that does not fit the response fails, naming the request, the path and what was there', async () => {
    const { summary, server, pageThreeRequests } = await failOnPage3(
      (request, response) => onPage3(request) && (sendJson(response, 200, { results: ids.slice(10, 15).map(record), has_more: true }), true),
    );
    expect(summary.error).toBe(
      `GET ${server.url}${PAGE_3}: records path $.data[*] found no array at $.data (it is missing; the response is object with keys results, has_more)`,
    );
    expect(pageThreeRequests).toBe(1);
  });

  it('records that are not in an array (an object keyed by id) fail the same way', async () => {
    const byId = Object.fromEntries(ids.slice(10, 15).map((id) => [id, record(id)]));
    const { summary, server } = await failOnPage3(
      (request, response) => onPage3(request) && (sendJson(response, 200, { data: byId, has_more: true }), true),
    );
    expect(summary.error).toBe(
      `GET ${server.url}${PAGE_3}: records path $.data[*] found no array at $.data (got object with keys r11, r12, r13, r14, r15)`,
    );
  });

  it('one record that is not an object fails alone; the rest of its page is written', async () => {
    const server = await serve(
      stripeList((request, response) => {
        if (!onPage3(request)) return false;
        sendJson(response, 200, { data: [record('r11'), 'r12', record('r13'), null, record('r15')], has_more: true });
        return true;
      }),
    );
    const project = await projectAt(server.url, { api: { spec: spec() } });
    try {
      const opened = await project.open();
      const summary = await runSync(opened, 'api.contacts');
      expect(summary).toMatchObject({
        status: 'completed',
        upserted: ids.length - 2,
        failed: 2,
        failures: [
          { key: null, reason: 'record is "r12", not an object' },
          { key: null, reason: 'record is null, not an object' },
        ],
      });
      expect([...(await rowsByKey(opened, 'api.contacts')).keys()]).toEqual(ids.filter((id) => id !== 'r12' && id !== 'r14'));
    } finally {
      await project.close();
    }
  });

  it("the sandbox's own faults: an HTML proxy page and truncated bodies, injected mid-run", async () => {
    const sandbox = await startSandbox({ seed: 3, counts: { contacts: 4 * PAGE, companies: 1 }, clean: true });
    const project = await projectAt(sandbox.url, { api: { spec: spec('/v1/contacts') } });
    try {
      const opened = await project.open();
      let commits = 0;
      const summary = (await runSync(opened, 'api.contacts', { onEvent: commitsOnly(() => ++commits === 2 && sandbox.source.faults.set({ htmlRate: 1 })) }));
      const contacts = sandbox.source.list('contacts').map((c) => c.id as string);
      const after = contacts[2 * PAGE - 1];
      expect(summary.error).toBe(
        `GET ${sandbox.url}/v1/contacts?limit=5&starting_after=${after}: expected JSON, got text/html (200): ` +
          '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1><p>The upstream server is temporarily unavailable. Please try again later.</p></body></html>',
      );
      expect([...(await rowsByKey(opened, 'api.contacts')).keys()]).toEqual(contacts.slice(0, 2 * PAGE));

      sandbox.source.faults.set({ malformedRate: 1 });
      sandbox.source.stats.clear();
      const truncated = await runSync(opened, 'api.contacts');
      expect(truncated).toMatchObject({ status: 'failed', requests: 3, retries: 2 });
      expect(truncated.error).toMatch(/: expected JSON, got invalid or truncated JSON \(200; .*\(gave up after 3 attempts\)$/);
      expect(sandbox.source.stats.faults).toEqual({ malformed: 3 });
      expect([...(await rowsByKey(opened, 'api.contacts')).keys()]).toEqual(contacts.slice(0, 2 * PAGE));

      sandbox.source.faults.clear();
      expect(await runSync(opened, 'api.contacts')).toMatchObject({ status: 'completed', upserted: 2 * PAGE });
      expect([...(await rowsByKey(opened, 'api.contacts')).keys()]).toEqual(contacts);
    } finally {
      await project.close();
      await sandbox.close();
    }
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
