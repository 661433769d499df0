/**
 * Every auth type of the spec, end to end: a spec per type against the sandbox's protected
 * routes, run through openProject/runProject into SQLite. Secrets come from the environment and
 * appear nowhere in errors or the database.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { openProject, runProject } from '../../engine/project.js';
import { tempDir } from '../support/project.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ seed: 5, counts: { contacts: 30 }, clean: true, auth: { tokenTtlSeconds: 3600 } });
});
afterAll(() => sandbox.close());

const SECRET_ENV = {
  BASIC_PASSWORD: 'sandbox-pass',
  API_KEY: 'sandbox-key',
  CLIENT_ID: 'sandbox-client',
  CLIENT_SECRET: 'sandbox-secret',
  REFRESH_TOKEN: 'sandbox-refresh',
};

function spec(auth: string, path: string): string {
  return `syncspec: 1
name: auth
vars: { baseUrl: {} }
secrets: { password: {}, key: {}, clientId: {}, clientSecret: {}, refresh: {} }
api:
  baseUrl: "{{vars.baseUrl}}"
  auth: ${auth}
databases:
  contacts:
    primaryKeyProperty: ID
    properties: { Name: title, ID: richText }
syncs:
  contacts:
    database: contacts
    request: { path: ${path} }
    records: $.data[*]
    paginate: { type: token, token: { lastRecord: $.id }, param: starting_after, pageSize: { value: 10, param: limit }, stop: { hasMore: $.has_more } }
    map: { Name: $.name, ID: $.id }
`;
}

async function syncWith(auth: string, path: string, env: Record<string, string> = SECRET_ENV) {
  const dir = tempDir();
  writeFileSync(join(dir, 'auth.yaml'), spec(auth, path));
  writeFileSync(join(dir, 'config.yaml'), `syncspec: 1
connectors:
  auth:
    spec: auth.yaml
    vars: { baseUrl: "${sandbox.url}" }
    secrets:
      password: { env: BASIC_PASSWORD }
      key: { env: API_KEY }
      clientId: { env: CLIENT_ID }
      clientSecret: { env: CLIENT_SECRET }
      refresh: { env: REFRESH_TOKEN }
`);
  const opened = await openProject(join(dir, 'config.yaml'), { env });
  try {
    const [summary] = await runProject(opened);
    return { summary, rows: (await opened.store.readRows(opened.syncs[0].database)).total, dbFile: opened.project.storage.path };
  } finally {
    await opened.close();
  }
}

describe('auth types', () => {
  it.each([
    ['basic', '{ type: basic, username: sandbox, password: { secret: password } }', '/v1/basic/contacts'],
    ['apiKey in a header', '{ type: apiKey, in: header, name: X-API-Key, key: { secret: key } }', '/v1/apikey/contacts'],
    ['apiKey in the query', '{ type: apiKey, in: query, name: api_key, key: { secret: key } }', '/v1/apikey-query/contacts'],
    ['oauth2 client credentials', '{ type: oauth2, grant: clientCredentials, tokenUrl: "{{vars.baseUrl}}/oauth/token", clientId: { secret: clientId }, clientSecret: { secret: clientSecret } }', '/v1/oauth/contacts'],
    ['oauth2 refresh token', '{ type: oauth2, grant: refreshToken, tokenUrl: "{{vars.baseUrl}}/oauth/token", clientId: { secret: clientId }, clientSecret: { secret: clientSecret }, refreshToken: { secret: refresh } }', '/v1/oauth/contacts'],
  ])('%s', async (_name, auth, path) => {
    const tokensBefore = sandbox.source.stats.tokensIssued;
    const { summary, rows } = await syncWith(auth, path);
    expect(summary).toMatchObject({ status: 'completed', upserted: 30, requests: 3 });
    expect(rows).toBe(30);
    // OAuth2: one token for the whole cycle, not one per request.
    if (auth.includes('oauth2')) expect(sandbox.source.stats.tokensIssued - tokensBefore).toBe(1);
  });

  it('fails at once on a wrong credential, without retrying or echoing it', async () => {
    const wrong = { ...SECRET_ENV, API_KEY: 'wrong-key-12345' };
    sandbox.source.stats.clear();
    const { summary, dbFile } = await syncWith('{ type: apiKey, in: query, name: api_key, key: { secret: key } }', '/v1/apikey-query/contacts', wrong);
    expect(summary.status).toBe('failed');
    // The request is described before authentication, so the key is not even there to redact.
    expect(summary.error).toBe(`GET ${sandbox.url}/v1/apikey-query/contacts?limit=10: 401 Unauthorized: {"error":"unauthorized","message":"missing or invalid api_key parameter"}`);
    expect(summary.error).not.toContain('wrong-key-12345');
    expect(sandbox.source.stats.count({ pathPrefix: '/v1/apikey-query' })).toBe(1);
    expect(readFileSync(dbFile).toString('latin1')).not.toContain('wrong-key-12345');
  });
});
