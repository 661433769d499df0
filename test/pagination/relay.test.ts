import { describe, expect, test } from 'vitest';
import { sendJson, useServers } from '../support/http-server.js';
import { collection, ids, walk } from './walk.js';

const serve = useServers();

const query = 'query($first: Int!, $after: String) { repository { issues(first: $first, after: $after) { nodes { id } pageInfo { endCursor hasNextPage } } } }';

describe('relay pagination', () => {
  test('pageInfo.endCursor into variables.after until hasNextPage is false', async () => {
    const all = collection(5);
    const server = await serve((req, res) => {
      const { variables } = JSON.parse(req.body) as { variables: { first: number; after?: string } };
      const start = variables.after ? Number(Buffer.from(variables.after, 'base64').toString()) : 0;
      const nodes = all.slice(start, start + variables.first);
      const end = start + nodes.length;
      sendJson(res, 200, {
        data: {
          repository: {
            issues: {
              nodes,
              pageInfo: { endCursor: Buffer.from(String(end)).toString('base64'), hasNextPage: end < all.length },
            },
          },
        },
      });
    });
    const result = await walk({
      server,
      spec: { type: 'relay', pageInfo: '$.data.repository.issues.pageInfo', pageSize: 2 },
      method: 'POST',
      path: '/graphql',
      body: { query, variables: { first: '{{page.size}}' } },
      records: '$.data.repository.issues.nodes[*]',
    });
    expect(ids(result.pages)).toEqual([[1, 2], [3, 4], [5]]);
    expect(result.reason).toBe('missingToken');
    expect(result.requests.map((r) => (JSON.parse(r.body) as { variables: object }).variables)).toEqual([
      { first: 2 },
      { first: 2, after: 'Mg==' },
      { first: 2, after: 'NA==' },
    ]);
  });

  test('a pageInfo path that finds nothing is an error', async () => {
    const server = await serve((_req, res) => sendJson(res, 200, { data: { items: { nodes: [{ id: 1 }] } } }));
    await expect(
      walk({
        server,
        spec: { type: 'relay', pageInfo: '$.data.items.page_info' },
        method: 'POST',
        path: '/graphql',
        body: { query: '{ items { nodes { id } } }' },
        records: '$.data.items.nodes[*]',
      }),
    ).rejects.toThrow(
      `POST ${server.url}/graphql: pageInfo path $.data.items.page_info found no object (got nothing; the response is object with keys data)`,
    );
  });

  test('hasNextPage without an endCursor is an error', async () => {
    const server = await serve((_req, res) =>
      sendJson(res, 200, { data: { items: { nodes: [{ id: 1 }], pageInfo: { hasNextPage: true, endCursor: null } } } }),
    );
    await expect(
      walk({
        server,
        spec: { type: 'relay', pageInfo: '$.data.items.pageInfo' },
        method: 'POST',
        path: '/graphql',
        body: { query: '{ items { nodes { id } } }' },
        records: '$.data.items.nodes[*]',
      }),
    ).rejects.toThrow(`POST ${server.url}/graphql: pageInfo at $.data.items.pageInfo says hasNextPage but has no endCursor (got null)`);
  });
});
