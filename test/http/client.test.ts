import { afterEach, describe, expect, test } from 'vitest';
import { createHttpClient, type HttpClientOptions, type RequestInfo } from '../../engine/http/client.js';
import { HttpError, ResponseFormatError } from '../../engine/http/errors.js';
import { Redactor } from '../../engine/http/redact.js';
import { Pacer } from '../../engine/http/pacer.js';
import { rateLimitRules } from '../../engine/http/rate-limit.js';
import { createAuthenticator } from '../../engine/http/auth/registry.js';
import type { AuthDeps } from '../../engine/http/auth/types.js';
import type { Auth } from '../../engine/spec/types.generated.js';
import { sendJson, sendText, startServer, type Handler, type TestServer } from '../support/http-server.js';

const SECRET = 's3cr3t-token-value';
const servers: TestServer[] = [];
const clients: { close(): void }[] = [];

afterEach(async () => {
  clients.splice(0).forEach((client) => client.close());
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(handler: Handler): Promise<TestServer> {
  const server = await startServer(handler);
  servers.push(server);
  return server;
}

function authDeps(redactor: Redactor): AuthDeps {
  return {
    secrets: { token: SECRET },
    vars: {},
    redactor,
    http: { postForm: () => Promise.reject(new Error('no token endpoint in this test')) },
  };
}

function client(server: TestServer, options: Partial<HttpClientOptions> & { authSpec?: Auth } = {}) {
  const redactor = options.redactor ?? new Redactor([SECRET]);
  const created = createHttpClient({
    baseUrl: server.url,
    headers: {},
    timeoutMs: 2000,
    retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
    redactor,
    auth: createAuthenticator(options.authSpec, authDeps(redactor)),
    ...options,
  });
  clients.push(created);
  return created;
}

const get = (url: string, query: Record<string, string> = {}) => ({ method: 'GET' as const, url, query, headers: {} });

/** Runs `fn`, expecting it to throw; returns the error. */
async function failure(promise: Promise<unknown>): Promise<HttpError> {
  try {
    await promise;
  } catch (error) {
    return error as HttpError;
  }
  throw new Error('expected a failure');
}

describe('successful requests', () => {
  test('parses JSON, resolves paths under the base URL prefix, merges headers, sends JSON bodies', async () => {
    const server = await serve((req, res) => sendJson(res, 200, { path: req.url, body: req.body, headers: req.headers }));
    const api = client(server, { baseUrl: `${server.url}/api/v2`, headers: { 'X-Api-Version': '7', 'X-Both': 'api' } });
    const response = await api.send({
      method: 'POST',
      url: '/search',
      query: { q: 'a b' },
      headers: { 'X-Both': 'request' },
      body: { filters: [{ value: 1 }] },
    });
    const echoed = response.body as { path: string; body: string; headers: Record<string, string> };
    expect(response.status).toBe(200);
    expect(echoed.path).toBe('/api/v2/search?q=a+b');
    expect(JSON.parse(echoed.body)).toEqual({ filters: [{ value: 1 }] });
    expect(echoed.headers['x-api-version']).toBe('7');
    expect(echoed.headers['x-both']).toBe('request');
    expect(echoed.headers['content-type']).toBe('application/json');
    expect(echoed.headers.accept).toBe('application/json');
    expect(response.url).toBe(`${server.url}/api/v2/search?q=a+b`);
    expect(response.request.url).toBe(`${server.url}/api/v2/search`);
  });

  test('an empty body is null', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(204);
      res.end();
    });
    expect((await client(server).send(get('/items'))).body).toBeNull();
  });

  test('keeps one connection alive across requests', async () => {
    const server = await serve((_req, res) => sendJson(res, 200, { ok: true }));
    const api = client(server);
    for (let i = 0; i < 5; i++) await api.send(get('/items'));
    expect(server.requests).toHaveLength(5);
    expect(server.connections).toBe(1);
  });

  test('reports every attempt to onRequest', async () => {
    let calls = 0;
    const server = await serve((_req, res) => (++calls === 1 ? sendJson(res, 502, { e: 1 }) : sendJson(res, 200, [])));
    const infos: RequestInfo[] = [];
    await client(server, { onRequest: (info) => infos.push(info) }).send(get('/items'));
    expect(infos.map(({ attempt, status, error }) => ({ attempt, status, error }))).toEqual([
      { attempt: 1, status: 502, error: '502 Bad Gateway: {"e":1}' },
      { attempt: 2, status: 200, error: undefined },
    ]);
    expect(infos[0].request.url).toBe(`${server.url}/items`);
  });
});

describe('retries', () => {
  test('a 500 is retried and then succeeds; retries are counted', async () => {
    let calls = 0;
    const server = await serve((_req, res) => (++calls <= 2 ? sendJson(res, 500, { error: 'boom' }) : sendJson(res, 200, [1])));
    const api = client(server);
    const response = await api.send(get('/items'));
    expect(response.body).toEqual([1]);
    expect(api.metrics).toEqual({ requests: 3, retries: 2 });
  });

  test('gives up after the configured attempts with a clear error', async () => {
    const server = await serve((_req, res) => sendJson(res, 500, { error: 'boom' }));
    const error = await failure(client(server).send(get('/items', { limit: '10' })));
    expect(error).toBeInstanceOf(HttpError);
    expect(error.message).toBe(
      `GET ${server.url}/items?limit=10: 500 Internal Server Error: {"error":"boom"} (gave up after 3 attempts)`,
    );
    expect(error.kind).toBe('retriable');
    expect(error.status).toBe(500);
    expect(server.requests).toHaveLength(3);
  });

  test('adds to the metrics object it is given', async () => {
    let calls = 0;
    const server = await serve((_req, res) => (++calls === 1 ? sendJson(res, 503, {}) : sendJson(res, 200, {})));
    const metrics = { requests: 10, retries: 1 };
    await client(server, { metrics }).send(get('/items'));
    expect(metrics).toEqual({ requests: 12, retries: 2 });
  });

  test('a shared client counts each call into its own metrics too, and honours its own signal', async () => {
    let calls = 0;
    const server = await serve((_req, res) => (++calls === 1 ? sendJson(res, 500, {}) : sendJson(res, 429, {}, { 'retry-after': '30' })));
    const api = client(server);
    const controller = new AbortController();
    // Cancelled as the 429's 30 s wait starts.
    const sync = { requests: 0, retries: 0, onWait: () => controller.abort(new Error('this sync was cancelled')) };
    const pending = api.send(get('/items'), { metrics: sync, signal: controller.signal });
    await expect(pending).rejects.toThrow('this sync was cancelled');
    expect(sync).toMatchObject({ requests: 2, retries: 2 });
    expect(api.metrics).toEqual({ requests: 2, retries: 2 });
  });

  test('429 with Retry-After in seconds waits that long', async () => {
    const times: number[] = [];
    const server = await serve((_req, res) => {
      times.push(performance.now());
      if (times.length === 1) sendJson(res, 429, { error: 'slow down' }, { 'retry-after': '0.15' });
      else sendJson(res, 200, { ok: true });
    });
    const api = client(server);
    await api.send(get('/items'));
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(145);
    expect(api.metrics.retries).toBe(1);
  });

  test('429 with Retry-After as an HTTP date waits until then', async () => {
    let resumeAt = 0;
    let calls = 0;
    const server = await serve((_req, res) => {
      if (++calls === 1) {
        resumeAt = Math.ceil((Date.now() + 1) / 1000) * 1000; // the next whole second: HTTP dates have no ms
        sendJson(res, 429, {}, { 'retry-after': new Date(resumeAt).toUTCString() });
      } else sendJson(res, 200, { at: Date.now() });
    });
    const response = await client(server).send(get('/items'));
    expect((response.body as { at: number }).at).toBeGreaterThanOrEqual(resumeAt - 5);
  });

  test("GitHub's 403 rate limit waits for x-ratelimit-reset and pauses the shared pacer", async () => {
    let resetAt = 0;
    let calls = 0;
    const server = await serve((req, res) => {
      if (req.path === '/limited' && ++calls === 1) {
        resetAt = Math.ceil((Date.now() + 1) / 1000) * 1000;
        sendJson(res, 403, { message: 'API rate limit exceeded' }, {
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(resetAt / 1000),
        });
      } else sendJson(res, 200, { at: Date.now() });
    });
    const pacer = new Pacer('github', { allowedRequests: 100, intervalMs: 1000 });
    const api = client(server, { pacer });
    let paused!: () => void;
    const pausing = new Promise<void>((resolve) => (paused = resolve));
    const limited = api.send(get('/limited'), { metrics: { requests: 0, retries: 0, onWait: () => paused() } });
    await pausing; // the 403 paused the pacer
    const other = await api.send(get('/other')); // another sync on the same pacer
    const retried = await limited;
    expect((retried.body as { at: number }).at).toBeGreaterThanOrEqual(resetAt - 5);
    expect((other.body as { at: number }).at).toBeGreaterThanOrEqual(resetAt - 5);
  });

  test('a 403 without rate-limit headers fails at once', async () => {
    const server = await serve((_req, res) => sendJson(res, 403, { message: 'Forbidden' }, { 'x-ratelimit-remaining': '4999' }));
    const error = await failure(client(server).send(get('/items')));
    expect(error.message).toBe(`GET ${server.url}/items: 403 Forbidden: {"message":"Forbidden"}`);
    expect(server.requests).toHaveLength(1);
  });

  test.each([
    [401, 'Unauthorized'],
    [404, 'Not Found'],
    [400, 'Bad Request'],
  ])('%i fails at once, the summary redacted', async (status, text) => {
    const server = await serve((req, res) => sendJson(res, status, { error: `rejected ${req.headers.authorization}` }));
    const error = await failure(client(server, { authSpec: { type: 'bearer', token: { secret: 'token' } } }).send(get('/items')));
    expect(error.message).toBe(`GET ${server.url}/items: ${status} ${text}: {"error":"rejected Bearer [REDACTED]"}`);
    expect(error.message).not.toContain(SECRET);
    expect(error.kind).toBe('fatal');
    expect(error.code).toBe('HTTP_STATUS');
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0].headers.authorization).toBe(`Bearer ${SECRET}`);
  });

  test('a long body is cut to 200 characters on one line', async () => {
    const server = await serve((_req, res) => sendText(res, 400, `line one\n\n${'x'.repeat(300)}`));
    const error = await failure(client(server).send(get('/items')));
    expect(error.summary).toBe(`400 Bad Request: line one ${'x'.repeat(191)}…`);
  });
});

describe('network faults', () => {
  test('a timeout is retried, then reported clearly', async () => {
    const server = await serve((_req, res) => {
      setTimeout(() => sendJson(res, 200, {}), 300);
    });
    const error = await failure(client(server, { timeoutMs: 40, retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 } }).send(get('/slow')));
    expect(error.message).toBe(`GET ${server.url}/slow: no response within 40 ms (gave up after 2 attempts)`);
    expect(error.code).toBe('HTTP_TIMEOUT');
    expect(error.kind).toBe('retriable');
    expect(server.requests).toHaveLength(2);
  });

  test('a reset connection is retried', async () => {
    let calls = 0;
    const server = await serve((req, res) => {
      if (++calls === 1) res.socket?.destroy();
      else sendJson(res, 200, { ok: req.url });
    });
    const api = client(server);
    expect((await api.send(get('/items'))).body).toEqual({ ok: '/items' });
    expect(api.metrics.retries).toBe(1);
  });

  test('a refused connection is retried, then reported', async () => {
    const server = await serve((_req, res) => sendJson(res, 200, {}));
    await server.close();
    const error = await failure(client(server).send(get('/items')));
    expect(error.message).toMatch(
      new RegExp(`^GET ${server.url}/items: network error \\(ECONNREFUSED\\): .*ECONNREFUSED.* \\(gave up after 3 attempts\\)$`),
    );
    expect(error.code).toBe('HTTP_NETWORK');
  });

  test('an abort stops a backoff wait at once', async () => {
    const server = await serve((_req, res) => sendJson(res, 429, {}, { 'retry-after': '30' }));
    const controller = new AbortController();
    const api = client(server, { signal: controller.signal });
    // Aborted as the 30 s wait starts: the rejection comes long before it would end (the test's timeout is 5 s).
    const pending = api.send(get('/items'), { metrics: { requests: 0, retries: 0, onWait: () => controller.abort(new Error('sync cancelled')) } });
    await expect(pending).rejects.toThrow('sync cancelled');
  });
});

describe('response format', () => {
  test('an HTML page is not JSON: fatal, naming the request', async () => {
    const server = await serve((_req, res) =>
      sendText(res, 200, '<!DOCTYPE html>\n<html><body>Login</body></html>', { 'content-type': 'text/html; charset=utf-8' }),
    );
    const error = await failure(client(server).send(get('/contacts')));
    expect(error).toBeInstanceOf(ResponseFormatError);
    expect(error.message).toBe(`GET ${server.url}/contacts: expected JSON, got text/html (200): <!DOCTYPE html> <html><body>Login</body></html>`);
    expect(error.kind).toBe('fatal');
    expect(server.requests).toHaveLength(1);
  });

  test('truncated JSON in a 200 is retried (a dropped connection behind a proxy looks like this)', async () => {
    let calls = 0;
    const server = await serve((_req, res) =>
      ++calls === 1 ? sendText(res, 200, '{"data": [1, 2', { 'content-type': 'application/json' }) : sendJson(res, 200, { data: [1, 2, 3] }),
    );
    const api = client(server);
    expect((await api.send(get('/contacts'))).body).toEqual({ data: [1, 2, 3] });
    expect(api.metrics).toEqual({ requests: 2, retries: 1 });
  });

  test('truncated JSON every time gives up, naming the request', async () => {
    const server = await serve((_req, res) => sendText(res, 200, '{"data": [1, 2', { 'content-type': 'application/json' }));
    const error = await failure(client(server).send(get('/contacts')));
    expect(error).toBeInstanceOf(ResponseFormatError);
    expect(error.message).toBe(
      `GET ${server.url}/contacts: expected JSON, got invalid or truncated JSON (200; Expected ',' or ']' after array element in JSON at position 14): {"data": [1, 2` +
        ' (gave up after 3 attempts)',
    );
    expect(error.code).toBe('HTTP_FORMAT');
    expect(server.requests).toHaveLength(3);
  });

  test('plain text that is not JSON is fatal', async () => {
    const server = await serve((_req, res) => sendText(res, 200, 'OK', { 'content-type': 'text/plain' }));
    const error = await failure(client(server).send(get('/contacts')));
    expect(error.message).toBe(`GET ${server.url}/contacts: expected JSON, got text/plain (200): OK`);
    expect(server.requests).toHaveLength(1);
  });

  test('truncated JSON in a 5xx is retried', async () => {
    let calls = 0;
    const server = await serve((_req, res) =>
      ++calls === 1 ? sendText(res, 502, '{"err', { 'content-type': 'application/json' }) : sendJson(res, 200, { ok: 1 }),
    );
    expect((await client(server).send(get('/x'))).body).toEqual({ ok: 1 });
  });

  test('a body cut short of its Content-Length is retried', async () => {
    let calls = 0;
    const server = await serve((_req, res) => {
      if (++calls === 1) {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
        res.write('{"data": [1');
        setTimeout(() => res.socket?.destroy(), 5);
      } else sendJson(res, 200, { data: [1, 2] });
    });
    const api = client(server);
    expect((await api.send(get('/x'))).body).toEqual({ data: [1, 2] });
    expect(api.metrics.retries).toBe(1);
  });
});

describe('apiKey in the query', () => {
  test('is sent, left out of response.url, and redacted from errors', async () => {
    const server = await serve((req, res) =>
      req.path === '/missing' ? sendJson(res, 404, { url: req.url }) : sendJson(res, 200, { url: req.url }),
    );
    const authSpec: Auth = { type: 'apiKey', in: 'query', name: 'api_key', key: { secret: 'token' } };
    const api = client(server, { authSpec });
    const ok = await api.send(get('/items', { page: '2' }));
    expect((ok.body as { url: string }).url).toBe(`/items?page=2&api_key=${SECRET}`);
    expect(ok.url).toBe(`${server.url}/items?page=2`);
    const error = await failure(api.send(get('/missing')));
    expect(error.message).toBe(`GET ${server.url}/missing: 404 Not Found: {"url":"/missing?api_key=[REDACTED]"}`);
  });
});

describe('rate-limit headers', () => {
  const quota = rateLimitRules({ remainingHeader: 'X-Quota-Left', resetHeader: 'X-Quota-Reset', resetFormat: 'seconds' });

  test('an answer that spends the budget pauses every caller on the pacer until the reset, before any 429', async () => {
    const times: number[] = [];
    const server = await serve((_req, res) => {
      times.push(performance.now());
      sendJson(res, 200, { n: times.length }, times.length === 1 ? { 'x-quota-left': '0', 'x-quota-reset': '0.3' } : { 'x-quota-left': '5' });
    });
    const pacer = new Pacer('quota', { allowedRequests: 100, intervalMs: 1000 });
    const api = client(server, { pacer, rateLimit: quota });
    await api.send(get('/first'), { owner: 'a' });
    await Promise.all([api.send(get('/second'), { owner: 'a' }), api.send(get('/third'), { owner: 'b' })]);
    expect(times).toHaveLength(3);
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(290);
    expect(times[2] - times[0]).toBeGreaterThanOrEqual(290);
    expect(api.metrics.retries).toBe(0);
  });

  test('a client without a pacer holds its own later calls the same way', async () => {
    const times: number[] = [];
    const server = await serve((_req, res) => {
      times.push(performance.now());
      sendJson(res, 200, {}, times.length === 1 ? { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Date.now() + 200) } : {});
    });
    const api = client(server, { rateLimit: { ...quota, remainingHeader: 'x-ratelimit-remaining', resetHeader: 'x-ratelimit-reset', resetFormat: 'epochMillis' } });
    await api.send(get('/first'));
    await api.send(get('/second'));
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(190);
  });

  test("a 403 is a rate limit by the spec's headers: waits for their reset", async () => {
    const times: number[] = [];
    const server = await serve((_req, res) => {
      times.push(performance.now());
      if (times.length === 1) sendJson(res, 403, { message: 'quota' }, { 'x-quota-left': '0', 'x-quota-reset': '0.2' });
      else sendJson(res, 200, { ok: true });
    });
    const api = client(server, { rateLimit: quota });
    expect((await api.send(get('/items'))).body).toEqual({ ok: true });
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(190);
  });

  test('a wait longer than the maximum fails at once with the reset time; the pause holds every later call without sending it', async () => {
    let resumeAt = 0;
    const server = await serve((_req, res) => {
      resumeAt = Math.ceil(Date.now() / 1000) * 1000 + 3_600_000;
      sendJson(res, 429, { error: 'quota exhausted' }, { 'retry-after': new Date(resumeAt).toUTCString() });
    });
    const pacer = new Pacer('hourly', { allowedRequests: 100, intervalMs: 1000 });
    const api = client(server, { pacer, maxWaitMs: 60_000 });
    const error = await failure(api.send(get('/items')));
    const until = new Date(resumeAt).toISOString().replace('.000Z', 'Z');
    expect(error.message).toMatch(
      new RegExp(
        `^GET ${server.url}/items: 429 Too Many Requests: \\{"error":"quota exhausted"\\}; ` +
          `the API asks to wait until ${until} \\(in 360[01] s\\), longer than the longest wait \\(60 s\\)$`,
      ),
    );
    expect(error).toMatchObject({ kind: 'rateLimited', code: 'HTTP_RATE_LIMIT', status: 429, attempts: 1 });

    const other = client(server, { pacer }); // another connector's client on the same pacer
    const refused = await failure(other.send(get('/other')));
    expect(refused.message).toMatch(
      new RegExp(`^GET ${server.url}/other: not sent: the API asks to wait until ${until} \\(in 360[01] s\\), longer than the longest wait \\(900 s\\)$`),
    );
    expect(refused.code).toBe('HTTP_RATE_LIMIT');
    // Neither waited the hour: the second was never sent.
    expect(server.requests.map((r) => r.path)).toEqual(['/items']);
  });

  test('a call already queued on the pacer gives up too when a pause longer than the maximum begins', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let arrived!: () => void;
    const slowArrived = new Promise<void>((resolve) => (arrived = resolve));
    const server = await serve(async (req, res) => {
      if (req.path === '/slow') {
        arrived();
        await gate;
        sendJson(res, 429, { error: 'quota exhausted' }, { 'retry-after': '5' });
      } else sendJson(res, 200, { ok: true });
    });
    // One slot: the second call queues behind the first, then the first's 429 asks for 5 s.
    const pacer = new Pacer('one', { allowedRequests: 1, intervalMs: 10 });
    const api = client(server, { pacer, maxWaitMs: 1000 });
    const first = failure(api.send(get('/slow')));
    const queued = failure(api.send(get('/queued')));
    // The first holds the slot (its request reached the server); the second waits behind it.
    await slowArrived;
    release();
    expect((await first).code).toBe('HTTP_RATE_LIMIT');
    const refused = await queued;
    expect(refused.message).toMatch(new RegExp(`^GET ${server.url}/queued: not sent: .*longer than the longest wait \\(1 s\\)$`));
    // Refused without sitting out the 5 s: it was never sent.
    expect(server.requests.map((r) => r.path)).toEqual(['/slow']);
  });

  test('a 503 asking for a wait longer than the maximum fails at once too', async () => {
    const server = await serve((_req, res) => sendJson(res, 503, { error: 'maintenance' }, { 'retry-after': '7200' }));
    const error = await failure(client(server, { maxWaitMs: 60_000 }).send(get('/items')));
    expect(error.message).toMatch(
      new RegExp(`^GET ${server.url}/items: 503 Service Unavailable: \\{"error":"maintenance"\\}; the API asks to wait until \\S+Z \\(in 7200 s\\), longer than the longest wait \\(60 s\\)$`),
    );
    expect(error).toMatchObject({ kind: 'retriable', code: 'HTTP_STATUS', status: 503 });
    expect(server.requests).toHaveLength(1);
  });
});

describe('credentials stay with the API origin', () => {
  const apiKey: Auth = { type: 'apiKey', in: 'header', name: 'X-Api-Key', key: { secret: 'token' } };

  test('a redirect to another origin does not carry the API key header', async () => {
    const seen: Record<string, unknown>[] = [];
    const other = await serve((req, res) => {
      seen.push(req.headers);
      sendJson(res, 200, { ok: true });
    });
    const api = await serve((_req, res) => {
      res.writeHead(302, { location: `${other.url}/elsewhere` });
      res.end();
    });
    const response = await client(api, { authSpec: apiKey }).send(get('/moved'));
    expect(response.body).toEqual({ ok: true });
    expect(seen).toHaveLength(1);
    expect(JSON.stringify(seen[0])).not.toContain(SECRET);
    expect(seen[0]['x-api-key']).toBeUndefined();
  });

  test('a next-page URL on another host is fetched without credentials', async () => {
    const seen: Record<string, unknown>[] = [];
    const other = await serve((req, res) => {
      seen.push(req.headers);
      sendJson(res, 200, { page: 2 });
    });
    const api = await serve((req, res) => sendJson(res, 200, { key: req.headers['x-api-key'] }));
    const http = client(api, { authSpec: apiKey });
    expect((await http.send(get('/first'))).body).toEqual({ key: SECRET });
    await http.send(get(`${other.url}/page/2`));
    expect(seen[0]['x-api-key']).toBeUndefined();
  });
});
