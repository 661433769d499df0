/**
 * A delete stream charged to its own pacer, through `syncspec run` against a loopback API in HubSpot's
 * CRM v3 shape: the contact list (`GET /crm/v3/objects/contacts`, `after` paging) with its archived
 * list (`?archived=true`) as the delete stream, and deals read through the search endpoint (`POST
 * /crm/v3/objects/deals/search`). HubSpot counts the archived list against the search budget, so both
 * name the `search` pacer: one request per window between them, whichever sync sends it. Only lower
 * bounds are asserted (a gap the pacer must leave), never how fast anything ran.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { sendJson, useServers } from '../support/http-server.js';
import { removeScratchDirs } from '../support/cli.js';
import { apiProject } from '../support/api-project.js';
import { validateCli } from '../support/validate-cli.js';
import { MINIMAL_SPEC } from '../spec/harness.js';

afterAll(removeScratchDirs);
const serve = useServers();

const WINDOW_MS = 700;

function hubspotSpec(): Record<string, unknown> {
  const paging = { type: 'token', token: { path: '$.paging.next.after' }, param: 'after', pageSize: { value: 2, param: 'limit' } };
  return {
    syncspec: 1,
    name: 'api',
    vars: { baseUrl: {} },
    api: { baseUrl: '{{vars.baseUrl}}', retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } },
    pacers: { search: { allowedRequests: 1, intervalMs: WINDOW_MS } },
    databases: {
      contacts: { primaryKeyProperty: 'ID', properties: { Name: 'title', ID: 'richText' } },
      deals: { primaryKeyProperty: 'ID', properties: { Name: 'title', ID: 'richText' } },
    },
    syncs: {
      contacts: {
        database: 'contacts',
        mode: 'incremental',
        fullSync: 'off',
        request: { path: '/crm/v3/objects/contacts' },
        records: '$.results[*]',
        paginate: paging,
        cursor: { field: '$.updatedAt', bufferSeconds: 0 },
        deletes: {
          stream: {
            pacer: 'search',
            request: { path: '/crm/v3/objects/contacts', query: { archived: 'true' } },
            records: '$.results[*]',
            key: '$.id',
            paginate: paging,
            cursor: { field: '$.archivedAt', bufferSeconds: 0, initial: '2020-01-01T00:00:00Z' },
          },
        },
        map: { Name: '$.properties.firstname', ID: '$.id' },
      },
      deals: {
        database: 'deals',
        pacer: 'search',
        request: { method: 'POST', path: '/crm/v3/objects/deals/search', body: { limit: 2 } },
        records: '$.results[*]',
        paginate: { type: 'token', token: { path: '$.paging.next.after' }, param: { in: 'body', name: 'after' } },
        map: { Name: '$.properties.dealname', ID: '$.id' },
      },
    },
  };
}

/** HubSpot's list and search answers: `results`, and `paging.next.after` while more remain. */
function page<T>(items: T[], after: string | null, size: number) {
  const start = after === null ? 0 : Number(after);
  const next = start + size < items.length ? { paging: { next: { after: String(start + size), link: '' } } } : {};
  return { results: items.slice(start, start + size), ...next };
}

describe('a delete stream with its own pacer', () => {
  test("HubSpot's archived list shares the search budget with the deal search", async () => {
    const at = '2026-11-01T10:00:00.000Z';
    const contacts = ['1', '2', '3'].map((id) => ({ id, properties: { firstname: `C${id}` }, updatedAt: at, archived: false }));
    // Contact 3 was archived after the delta read it.
    const archived = ['3', '8', '9'].map((id) => ({ id, properties: {}, archivedAt: '2026-11-02T10:00:00.000Z', archived: true }));
    const deals = ['d1', 'd2', 'd3', 'd4'].map((id) => ({ id, properties: { dealname: `Deal ${id}` } }));
    /** Budgeted requests (archived list, search) as the server saw them: arrival and when answered. */
    const budgeted: { what: string; arrived: number; answered: number }[] = [];
    const api = await serve((req, res) => {
      const arrived = performance.now();
      const body = req.body ? JSON.parse(req.body) as { after?: string } : {};
      let answer: unknown;
      if (req.path === '/crm/v3/objects/contacts') {
        const list = req.query.get('archived') === 'true' ? archived : contacts;
        answer = page(list, req.query.get('after'), Number(req.query.get('limit')));
      } else if (req.path === '/crm/v3/objects/deals/search' && req.method === 'POST') {
        answer = page(deals, body.after || null, 2);
      } else {
        return sendJson(res, 404, { status: 'error', message: 'not found' });
      }
      if (req.path.endsWith('/search') || req.query.get('archived') === 'true') budgeted.push({ what: req.url, arrived, answered: performance.now() });
      sendJson(res, 200, answer);
    });
    const project = apiProject(api.url, hubspotSpec());

    // The contacts' delta first; its next cycle is the archived list's.
    const delta = await project.cli('run', project.config, '--sync', 'contacts', '--json');
    expect(delta.code, delta.stdout + delta.stderr).toBe(0);
    expect(budgeted).toEqual([]);

    const both = await project.cli('run', project.config, '--json');
    expect(both.code, both.stdout + both.stderr).toBe(0);
    expect(JSON.parse(both.stdout)).toMatchObject([
      { sync: 'api.contacts', status: 'completed', deleted: 1 },
      { sync: 'api.deals', status: 'completed', upserted: 4 },
    ]);
    // Two archived pages and two search pages, and between any two of them a whole window.
    expect(budgeted.map((request) => request.what.includes('archived') ? 'archived' : 'search').sort()).toEqual(['archived', 'archived', 'search', 'search']);
    for (let i = 1; i < budgeted.length; i++) {
      expect(budgeted[i].arrived - budgeted[i - 1].answered, `${budgeted[i - 1].what} → ${budgeted[i].what}`).toBeGreaterThanOrEqual(WINDOW_MS - 5);
    }
  });

  test('validate names an unknown pacer where the delete stream names it', async () => {
    const spec = MINIMAL_SPEC.replace('    request: { path: /contacts }', [
      '    mode: incremental',
      '    request: { path: /contacts }',
      '    cursor: { field: $.updated_at }',
      '    deletes:',
      '      stream: { pacer: serch, request: { path: /contacts/deleted }, key: $.id }',
    ].join('\n')).replace('  baseUrl: https://api.example.com', '  baseUrl: https://api.example.com\npacers:\n  search: { allowedRequests: 5, intervalMs: 1000 }');
    const run = await validateCli({ spec });
    expect(run.code).toBe(2);
    expect(run.lines).toEqual([
      // The pacer meant is named by nothing now: it limits nothing.
      expect.stringMatching(/^crm\.yaml:\d+:\d+  warning: pacers\.search: pacer 'search' is named by no sync/),
      expect.stringMatching(/^crm\.yaml:\d+:\d+  syncs\.contacts\.deletes\.stream\.pacer: unknown pacer 'serch' .*search/),
    ]);
  });
});
