import { afterEach, describe, expect, test } from 'vitest';
import { createHttpClient, createTokenHttp } from '../../../engine/http/client.js';
import { Redactor } from '../../../engine/http/redact.js';
import { createAuthenticator } from '../../../engine/http/auth/registry.js';
import type { AuthOAuth2 } from '../../../engine/spec/types.generated.js';
import { sendJson, startServer, type ReceivedRequest, type TestServer } from '../../support/http-server.js';

const secrets = { id: 'client-id 1', secret: 'client-secret-xyz', refresh: 'refresh-token-1' };
const servers: TestServer[] = [];
const closers: (() => void)[] = [];

afterEach(async () => {
  closers.splice(0).forEach((close) => close());
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

interface Api {
  server: TestServer;
  tokenRequests: () => ReceivedRequest[];
  apiRequests: () => ReceivedRequest[];
}

/**
 * One server plays both roles: POST /token issues tok-1, tok-2… (after `tokenDelayMs`); /items accepts the
 * tokens `accepts` allows.
 */
async function oauthApi(
  options: {
    expiresIn?: number | string;
    tokenDelayMs?: number;
    accepts?: (token: string) => boolean;
    rotate?: boolean;
    /** Every 401 after the first is answered once a renewed token (tok-2) was issued: rejections one after the other. */
    holdLaterRejections?: boolean;
    tokenAnswer?: (n: number) => [number, unknown];
  } = {},
): Promise<Api> {
  let issued = 0;
  let rejections = 0;
  let renewedIssued!: () => void;
  const renewed = new Promise<void>((resolve) => (renewedIssued = resolve));
  const server = await startServer(async (req, res) => {
    if (req.path === '/token') {
      const n = ++issued;
      if (options.tokenDelayMs) await new Promise((resolve) => setTimeout(resolve, options.tokenDelayMs));
      if (options.tokenAnswer) {
        const [status, body] = options.tokenAnswer(n);
        return sendJson(res, status, body);
      }
      sendJson(res, 200, {
        access_token: `tok-${n}`,
        token_type: 'Bearer',
        ...(options.expiresIn !== undefined ? { expires_in: options.expiresIn } : {}),
        ...(options.rotate ? { refresh_token: `refresh-token-${n + 1}` } : {}),
      });
      if (n >= 2) renewedIssued();
      return;
    }
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    if (options.accepts && !options.accepts(token)) {
      if (++rejections > 1 && options.holdLaterRejections) await renewed;
      return sendJson(res, 401, { error: 'invalid_token' });
    }
    return sendJson(res, 200, { token });
  });
  servers.push(server);
  return {
    server,
    tokenRequests: () => server.requests.filter((r) => r.path === '/token'),
    apiRequests: () => server.requests.filter((r) => r.path !== '/token'),
  };
}

function setup(api: Api, spec: Partial<AuthOAuth2> = {}, now?: () => number) {
  const redactor = new Redactor(Object.values(secrets));
  const tokenHttp = createTokenHttp({ timeoutMs: 2000, retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 }, redactor });
  closers.push(tokenHttp.close);
  const auth = createAuthenticator(
    {
      type: 'oauth2',
      grant: 'clientCredentials',
      tokenUrl: '{{vars.authBase}}/token',
      clientId: { secret: 'id' },
      clientSecret: { secret: 'secret' },
      ...spec,
    },
    { secrets, vars: { authBase: api.server.url }, redactor, http: tokenHttp, now },
  );
  const client = createHttpClient({
    baseUrl: api.server.url,
    headers: {},
    timeoutMs: 2000,
    retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
    auth,
    redactor,
  });
  closers.push(client.close);
  const get = async () => ((await client.send({ method: 'GET', url: '/items', query: {}, headers: {} })).body as { token: string }).token;
  return { client, get, redactor };
}

const form = (request: ReceivedRequest) => Object.fromEntries(new URLSearchParams(request.body));

describe('oauth2', () => {
  test('client credentials in the body: one token request, the token reused', async () => {
    const api = await oauthApi({ expiresIn: 3600 });
    const { get } = setup(api, { scopes: ['read', 'write'] });
    expect(await get()).toBe('tok-1');
    expect(await get()).toBe('tok-1');
    expect(api.tokenRequests()).toHaveLength(1);
    const [tokenRequest] = api.tokenRequests();
    expect(tokenRequest.method).toBe('POST');
    expect(tokenRequest.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(form(tokenRequest)).toEqual({
      grant_type: 'client_credentials',
      scope: 'read write',
      client_id: 'client-id 1',
      client_secret: 'client-secret-xyz',
    });
    expect(tokenRequest.headers.authorization).toBeUndefined();
  });

  test('client credentials by basic auth, form-encoded first (RFC 6749 2.3.1)', async () => {
    const api = await oauthApi();
    const { get } = setup(api, { clientAuth: 'basic' });
    await get();
    const [tokenRequest] = api.tokenRequests();
    expect(tokenRequest.headers.authorization).toBe(`Basic ${Buffer.from('client-id+1:client-secret-xyz').toString('base64')}`);
    expect(form(tokenRequest)).toEqual({ grant_type: 'client_credentials' });
  });

  test('refresh-token grant, following a rotated refresh token', async () => {
    let clock = 0;
    const api = await oauthApi({ expiresIn: 600, rotate: true });
    const { get } = setup(api, { grant: 'refreshToken', refreshToken: { secret: 'refresh' } }, () => clock);
    expect(await get()).toBe('tok-1');
    clock += 600_000;
    expect(await get()).toBe('tok-2');
    expect(api.tokenRequests().map((r) => form(r).refresh_token)).toEqual(['refresh-token-1', 'refresh-token-2']);
    expect(form(api.tokenRequests()[0]).grant_type).toBe('refresh_token');
  });

  test('the token is renewed 60 s before it expires', async () => {
    let clock = 1_000_000;
    const api = await oauthApi({ expiresIn: '3600' });
    const { get } = setup(api, {}, () => clock);
    expect(await get()).toBe('tok-1');
    clock += 3539_000;
    expect(await get()).toBe('tok-1');
    clock += 2_000;
    expect(await get()).toBe('tok-2');
  });

  test('concurrent requests share one token request', async () => {
    const api = await oauthApi({ tokenDelayMs: 30 });
    const { get } = setup(api);
    expect(await Promise.all([get(), get(), get(), get(), get()])).toEqual(['tok-1', 'tok-1', 'tok-1', 'tok-1', 'tok-1']);
    expect(api.tokenRequests()).toHaveLength(1);
  });

  test('a 401 renews the token once and retries once', async () => {
    const api = await oauthApi({ accepts: (token) => token !== 'tok-1' });
    const { get, client } = setup(api);
    expect(await get()).toBe('tok-2');
    expect(api.tokenRequests()).toHaveLength(2);
    expect(api.apiRequests()).toHaveLength(2);
    expect(client.metrics.retries).toBe(1);
  });

  test('a 401 that persists after renewal fails, without a loop', async () => {
    const api = await oauthApi({ accepts: () => false });
    const { get } = setup(api);
    await expect(get()).rejects.toThrow(
      `GET ${api.server.url}/items: 401 Unauthorized: {"error":"invalid_token"} (gave up after 2 attempts)`,
    );
    expect(api.tokenRequests()).toHaveLength(2);
    expect(api.apiRequests()).toHaveLength(2);
  });

  test('a burst of 401s costs one renewal', async () => {
    const api = await oauthApi({ accepts: (token) => token !== 'tok-1', holdLaterRejections: true });
    const { get } = setup(api);
    // All three start with tok-1 and are rejected one after the other; the later ones find the token
    // already renewed and retry with it instead of renewing again.
    expect(await Promise.all([get(), get(), get()])).toEqual(['tok-2', 'tok-2', 'tok-2']);
    expect(api.tokenRequests()).toHaveLength(2);
    expect(api.apiRequests().map((r) => r.headers.authorization)).toEqual([
      'Bearer tok-1',
      'Bearer tok-1',
      'Bearer tok-1',
      'Bearer tok-2',
      'Bearer tok-2',
      'Bearer tok-2',
    ]);
  });

  test('token endpoint errors are clear and redacted', async () => {
    const api = await oauthApi({
      tokenAnswer: () => [400, { error: 'invalid_client', error_description: `unknown secret ${secrets.secret}` }],
    });
    const { get } = setup(api);
    const error = await get().catch((e: Error) => e);
    expect((error as Error).message).toBe(
      `OAuth2 token request (clientCredentials grant) failed: POST ${api.server.url}/token: 400 Bad Request: ` +
        '{"error":"invalid_client","error_description":"unknown secret [REDACTED]"}',
    );
    expect(api.apiRequests()).toHaveLength(0);
  });

  test('a token answer without access_token names what it got', async () => {
    const api = await oauthApi({ tokenAnswer: () => [200, { token: 'x', expires: 1 }] });
    const { get } = setup(api);
    await expect(get()).rejects.toThrow(
      `OAuth2 token request (clientCredentials grant) to POST ${api.server.url}/token returned no access_token (got keys token, expires)`,
    );
  });

  test('access tokens are redacted once obtained', async () => {
    const api = await oauthApi();
    const { get, redactor } = setup(api);
    await get();
    expect(redactor.redact('Bearer tok-1')).toBe('Bearer [REDACTED]');
  });

  test('the token URL must be absolute', async () => {
    const api = await oauthApi();
    expect(() => setup(api, { tokenUrl: '/oauth/token' })).toThrow('auth.tokenUrl must be an absolute URL, got "/oauth/token"');
  });

  test('the refresh-token grant needs a refresh token', async () => {
    const api = await oauthApi();
    expect(() => setup(api, { grant: 'refreshToken' })).toThrow('auth.refreshToken is required for the refreshToken grant');
  });
});
