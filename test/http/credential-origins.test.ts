/**
 * Credentials never leave the API's origin, through `syncspec run` against two loopback servers on
 * different ports (two origins): the API, and "elsewhere" — the host a next link, a Link header or a
 * redirect points at. Whatever a secret reaches — the authenticator's header or query parameter, an
 * api.headers / request template that reads secrets.*, an OAuth2 token form — elsewhere sees none of it.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { sendJson, useServers, type ReceivedRequest, type TestServer } from '../support/http-server.js';
import { removeScratchDirs } from '../support/cli.js';
import { apiProject, itemsPage as page, itemsSpec, type ApiProject } from '../support/api-project.js';
import { expectNoLeaks } from '../support/leaks.js';

afterAll(removeScratchDirs);
const serve = useServers();

const KEY = 'k3y-0f-the-api-7d1c';
const CLIENT_SECRET = 'client-secret-9a8b7c';
const ACCESS_TOKEN = 'access-token-from-the-issuer-55';

const project = (api: TestServer, spec: Record<string, unknown>, key = KEY): ApiProject => apiProject(api.url, spec, { key });
const spec = (api: Record<string, unknown>, sync: Record<string, unknown>) => itemsSpec(api, sync, ['key']);

/** Everything elsewhere received, as one text to search. */
const received = (requests: ReceivedRequest[]) => JSON.stringify(requests.map(({ method, url, headers, body }) => ({ method, url, headers, body })));

async function run(p: ApiProject) {
  const result = await p.cli('run', p.config, '--quiet');
  return { ...result, outputs: { stdout: result.stdout, stderr: result.stderr } };
}

describe('a next page on another origin gets no credentials', () => {
  test('api.headers, request headers and query templates that read secrets stay with the API', async () => {
    const elsewhere = await serve((_req, res) => sendJson(res, 200, page(['b'], { next: null })));
    const api = await serve((_req, res) => sendJson(res, 200, page(['a'], { next: `${elsewhere.url}/items/page/2` })));
    const p = project(api, spec(
      { headers: { 'X-Custom-Auth': 'Token {{secrets.key}}', 'X-Client': 'syncspec-test' } },
      {
        request: { path: '/items', headers: { 'X-Request-Sig': 'sig {{secrets.key}}' }, query: { limit: '10' } },
        paginate: { type: 'nextUrl', path: '$.next' },
      },
    ));
    const result = await run(p);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(api.requests[0].headers['x-custom-auth']).toBe(`Token ${KEY}`);
    expect(api.requests[0].headers['x-request-sig']).toBe(`sig ${KEY}`);
    expect(elsewhere.requests).toHaveLength(1);
    const [hop] = elsewhere.requests;
    expect(hop.headers['x-custom-auth']).toBeUndefined();
    expect(hop.headers['x-request-sig']).toBeUndefined();
    // What carries no secret still goes: the next page is the same API's data.
    expect(hop.headers['x-client']).toBe('syncspec-test');
    expect(received(elsewhere.requests)).not.toContain(KEY);
  });

  test('an origin listed in api.credentialOrigins does get them', async () => {
    const regional = await serve((req, res) => sendJson(res, 200, page([req.headers['x-custom-auth'] === `Token ${KEY}` ? 'b' : 'refused'], { next: null })));
    const api = await serve((_req, res) => sendJson(res, 200, page(['a'], { next: `${regional.url}/items/page/2` })));
    const p = project(api, spec(
      { headers: { 'X-Custom-Auth': 'Token {{secrets.key}}' }, credentialOrigins: [regional.url] },
      { paginate: { type: 'nextUrl', path: '$.next' } },
    ));
    const result = await run(p);
    expect(result.code).toBe(0);
    expect(regional.requests[0].headers['x-custom-auth']).toBe(`Token ${KEY}`);
  });

  test('a request whose body reads a secret is not sent to another origin at all', async () => {
    const elsewhere = await serve((_req, res) => sendJson(res, 200, page(['b'], { next: null })));
    const api = await serve((_req, res) => sendJson(res, 200, page(['a'], { next: `${elsewhere.url}/search` })));
    const p = project(api, spec({}, {
      request: { method: 'POST', path: '/search', body: { apiKey: '{{secrets.key}}', limit: 10 } },
      paginate: { type: 'nextUrl', path: '$.next' },
    }));
    const result = await run(p);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`POST ${elsewhere.url}/search: not sent: its body carries credentials`);
    expect(result.stdout).toContain('api.credentialOrigins');
    expect(elsewhere.requests).toHaveLength(0);
    expectNoLeaks([KEY], { outputs: result.outputs, dirs: [p.dir] });
  });
});

describe('redirects to another origin', () => {
  test.each([302, 307])('an API key in the query does not follow a cross-origin %i whose Location keeps the query', async (status) => {
    const elsewhere = await serve((_req, res) => sendJson(res, 200, page(['a', 'b'])));
    const api = await serve((req, res) => {
      res.writeHead(status, { location: `${elsewhere.url}/mirror${req.url}` });
      res.end();
    });
    const p = project(api, spec({ auth: { type: 'apiKey', in: 'query', name: 'api_key', key: { secret: 'key' } } }, { request: { path: '/items', query: { page: '1' } } }));
    const result = await run(p);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(api.requests[0].query.get('api_key')).toBe(KEY);
    expect(elsewhere.requests).toHaveLength(1);
    expect(elsewhere.requests[0].path).toBe('/mirror/items');
    expect(elsewhere.requests[0].query.get('page')).toBe('1');
    expect(elsewhere.requests[0].query.has('api_key')).toBe(false);
    expect(received(elsewhere.requests)).not.toContain(KEY);
    expectNoLeaks([KEY], { outputs: result.outputs, dirs: [p.dir] });
  });

  test('a redirect back to the API origin is authenticated again', async () => {
    let api: TestServer;
    const elsewhere = await serve((_req, res) => {
      res.writeHead(302, { location: `${api.url}/items/real` });
      res.end();
    });
    api = await serve((req, res) => {
      if (req.path === '/items') {
        res.writeHead(302, { location: `${elsewhere.url}/bounce` });
        res.end();
        return;
      }
      sendJson(res, 200, page([req.headers['x-api-key'] === KEY ? 'a' : 'unauthenticated']));
    });
    const p = project(api, spec({ auth: { type: 'apiKey', name: 'X-Api-Key', key: { secret: 'key' } } }, {}));
    const result = await run(p);
    expect(result.code).toBe(0);
    expect(elsewhere.requests[0].headers['x-api-key']).toBeUndefined();
    expect(api.requests.map((request) => request.headers['x-api-key'])).toEqual([KEY, KEY]);
  });

  test.each([302, 307])('an OAuth2 token endpoint answering %i to another origin never gets the client secret re-posted there', async (status) => {
    const elsewhere = await serve((_req, res) => sendJson(res, 200, { access_token: ACCESS_TOKEN, expires_in: 3600 }));
    const api = await serve((req, res) => {
      if (req.path === '/oauth/token') {
        res.writeHead(status, { location: `${elsewhere.url}/oauth/token` });
        res.end();
        return;
      }
      sendJson(res, 200, page(['a']));
    });
    const p = project(api, spec({
      auth: { type: 'oauth2', grant: 'clientCredentials', tokenUrl: '{{vars.baseUrl}}/oauth/token', clientId: 'the-client', clientSecret: { secret: 'key' } },
    }, {}), CLIENT_SECRET);
    const result = await run(p);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('OAuth2 token request (clientCredentials grant) failed');
    expect(result.stdout).toContain(`POST ${elsewhere.url}/oauth/token: not sent: its body carries credentials`);
    expect(elsewhere.requests).toHaveLength(0);
    expect(api.requests[0].body).toContain(`client_secret=${CLIENT_SECRET}`);
    expectNoLeaks([CLIENT_SECRET], { outputs: result.outputs, dirs: [p.dir] });
  });

  test('the token endpoint may redirect within its own origin', async () => {
    const api = await serve((req, res) => {
      if (req.path === '/oauth/token') {
        res.writeHead(307, { location: '/oauth/v2/token' });
        res.end();
        return;
      }
      if (req.path === '/oauth/v2/token') return sendJson(res, 200, { access_token: ACCESS_TOKEN, expires_in: 3600 });
      sendJson(res, 200, page([req.headers.authorization === `Bearer ${ACCESS_TOKEN}` ? 'a' : 'unauthenticated']));
    });
    const p = project(api, spec({
      auth: { type: 'oauth2', grant: 'clientCredentials', tokenUrl: '{{vars.baseUrl}}/oauth/token', clientId: 'the-client', clientSecret: { secret: 'key' } },
    }, {}));
    const result = await run(p);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(api.requests.map((request) => request.path)).toEqual(['/oauth/token', '/oauth/v2/token', '/items']);
    expect(api.requests[1].body).toContain(`client_secret=${KEY}`);
  });
});
