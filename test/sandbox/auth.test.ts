/** Each credential style: 401 without, 200 with; OAuth issuance, refresh and expiry. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { get } from './helpers.js';

let sb: Sandbox;
beforeAll(async () => {
  sb = await startSandbox({ seed: 1, counts: { contacts: 5 }, auth: { tokenTtlSeconds: 60 } });
});
afterAll(() => sb.close());

const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

async function token(body: Record<string, string>, headers: Record<string, string> = {}) {
  const res = await fetch(`${sb.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(body).toString(),
  });
  return { status: res.status, body: (await res.json()) as any };
}

describe('static credentials', () => {
  it.each([
    ['bearer', '/v1/contacts', { authorization: 'Bearer sandbox-token' }, { authorization: 'Bearer wrong' }],
    ['basic', '/v1/basic/contacts', { authorization: basic('sandbox', 'sandbox-pass') }, { authorization: basic('sandbox', 'nope') }],
    ['api key header', '/v1/apikey/contacts', { 'x-api-key': 'sandbox-key' }, { 'x-api-key': 'nope' }],
  ])('%s: 401 JSON without or with wrong credentials, 200 with them', async (_kind, path, good, bad) => {
    for (const headers of [{}, bad]) {
      const res = await get(sb, path, headers);
      expect(res.status).toBe(401);
      expect(res.body.error).toBeTypeOf('string');
      expect(res.headers.get('www-authenticate')).toBeTruthy();
    }
    const ok = await get(sb, path, good);
    expect(ok.status).toBe(200);
    expect(ok.body.data).toHaveLength(5);
  });

  it('api key in the query string', async () => {
    expect((await get(sb, '/v1/apikey-query/contacts', {})).status).toBe(401);
    expect((await get(sb, '/v1/apikey-query/contacts?api_key=sandbox-key', {})).status).toBe(200);
  });

  it('the static bearer token does not open the OAuth-protected route', async () => {
    expect((await get(sb, '/v1/oauth/contacts')).status).toBe(401);
  });
});

describe('OAuth 2', () => {
  it('client_credentials with form body or Basic client auth issues a working bearer token', async () => {
    const before = sb.source.stats.tokensIssued;
    const viaForm = await token({ grant_type: 'client_credentials', client_id: 'sandbox-client', client_secret: 'sandbox-secret' });
    expect(viaForm.status).toBe(200);
    expect(viaForm.body).toMatchObject({ token_type: 'Bearer', expires_in: 60, refresh_token: 'sandbox-refresh' });
    const viaBasic = await token({ grant_type: 'client_credentials' }, { authorization: basic('sandbox-client', 'sandbox-secret') });
    expect(viaBasic.status).toBe(200);
    expect(viaBasic.body.access_token).not.toBe(viaForm.body.access_token);
    expect(sb.source.stats.tokensIssued - before).toBe(2);
    const res = await get(sb, '/v1/oauth/contacts', { authorization: `Bearer ${viaForm.body.access_token}` });
    expect(res.status).toBe(200);
  });

  it('rejects a wrong secret, a wrong refresh token and an unknown grant with RFC 6749 errors', async () => {
    expect(await token({ grant_type: 'client_credentials', client_id: 'sandbox-client', client_secret: 'x' })).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(await token({ grant_type: 'refresh_token', refresh_token: 'x' })).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(await token({ grant_type: 'password' })).toMatchObject({ status: 400, body: { error: 'unsupported_grant_type' } });
  });

  it('expired tokens answer 401 invalid_token; refresh_token issues a fresh one', async () => {
    const first = (await token({ grant_type: 'client_credentials', client_id: 'sandbox-client', client_secret: 'sandbox-secret' })).body.access_token;
    sb.source.clock.advance(61_000);
    const expired = await get(sb, '/v1/oauth/contacts', { authorization: `Bearer ${first}` });
    expect(expired.status).toBe(401);
    expect(expired.body.error).toBe('invalid_token');
    expect(expired.headers.get('www-authenticate')).toMatch(/invalid_token/);
    const refreshed = await token({ grant_type: 'refresh_token', refresh_token: 'sandbox-refresh' });
    expect(refreshed.status).toBe(200);
    expect((await get(sb, '/v1/oauth/contacts', { authorization: `Bearer ${refreshed.body.access_token}` })).status).toBe(200);
  });

  it('admin can force expiry of every issued token', async () => {
    const t = (await token({ grant_type: 'client_credentials', client_id: 'sandbox-client', client_secret: 'sandbox-secret' })).body.access_token;
    await fetch(`${sb.url}/_admin/expire-tokens`, { method: 'POST', body: JSON.stringify({ kind: 'oauth' }) });
    expect((await get(sb, '/v1/oauth/contacts', { authorization: `Bearer ${t}` })).status).toBe(401);
  });
});
