/**
 * Settings that passed `validate` and then failed the first request or misbehaved, refused where they
 * are written: a static baseUrl that is no URL, one a config's vars render into no URL, an OAuth2
 * tokenUrl likewise, and millisecond settings past what a timer can hold (Node fires a 1e12 ms
 * timeout after 1 ms).
 */
import { describe, expect, test } from 'vitest';
import { MINIMAL_SPEC, yaml } from './harness.js';
import { validateCli } from '../support/validate-cli.js';

describe('URLs', () => {
  test('a static baseUrl that is not an http(s) URL', async () => {
    const run = await validateCli({ spec: MINIMAL_SPEC.replace('baseUrl: https://api.example.com', 'baseUrl: api.example.com/v1') });
    expect(run.code).toBe(2);
    expect(run.lines).toEqual(["crm.yaml:4:12  api.baseUrl: api.baseUrl must be an absolute http:// or https:// URL: 'api.example.com/v1' is not a URL"]);
    const ftp = await validateCli({ spec: MINIMAL_SPEC.replace('baseUrl: https://api.example.com', 'baseUrl: ftp://files.example.com') });
    expect(ftp.lines).toEqual(["crm.yaml:4:12  api.baseUrl: api.baseUrl must be an absolute http:// or https:// URL: 'ftp://files.example.com' uses ftp"]);
  });

  test("a baseUrl template checked as the config's vars render it", async () => {
    const spec = MINIMAL_SPEC.replace('name: crm', 'name: crm\nvars: { host: {} }').replace('baseUrl: https://api.example.com', 'baseUrl: "{{vars.host}}/api"');
    const config = yaml`
      syncspec: 1
      connectors:
        crm: { spec: crm.yaml, vars: { host: "tenant.example.com" } }
    `;
    const run = await validateCli({ spec, config });
    expect(run.code).toBe(2);
    expect(run.lines).toEqual([
      "crm.yaml:5:12  api.baseUrl: api.baseUrl must be an absolute http:// or https:// URL (rendered with the config's vars: 'tenant.example.com/api'): 'tenant.example.com/api' is not a URL",
    ]);
    const fixed = await validateCli({ spec, config: config.replace('"tenant.example.com"', '"https://tenant.example.com"') });
    expect(fixed.code).toBe(0);
  });

  test('an OAuth2 tokenUrl', async () => {
    const spec = MINIMAL_SPEC.replace('name: crm', 'name: crm\nsecrets: { secret: {} }').replace(
      'baseUrl: https://api.example.com',
      'baseUrl: https://api.example.com\n  auth: { type: oauth2, grant: clientCredentials, tokenUrl: /oauth/token, clientId: app, clientSecret: { secret: secret } }',
    );
    const config = 'syncspec: 1\nconnectors:\n  crm: { spec: crm.yaml, secrets: { secret: { env: S } } }\n';
    const run = await validateCli({ spec, config, env: { S: 'a-client-secret' } });
    expect(run.code).toBe(2);
    expect(run.lines).toEqual(["crm.yaml:6:61  api.auth.tokenUrl: auth.tokenUrl must be an absolute http:// or https:// URL: '/oauth/token' is not a URL"]);
  });
});

describe('milliseconds a timer can hold', () => {
  test.each([
    ['api.timeoutMs', 'baseUrl: https://api.example.com\n  timeoutMs: 1000000000000', 'crm.yaml:5:14  api.timeoutMs: must be at most 3600000, got 1000000000000'],
    ['api.retry.maxDelayMs', 'baseUrl: https://api.example.com\n  retry: { maxDelayMs: 99999999999 }', 'crm.yaml:5:24  api.retry.maxDelayMs: must be at most 3600000, got 99999999999'],
  ])('%s past its maximum', async (_name, api, expected) => {
    const run = await validateCli({ spec: MINIMAL_SPEC.replace('baseUrl: https://api.example.com', api) });
    expect(run.code).toBe(2);
    expect(run.lines).toEqual([expected]);
  });

  test('a pacer interval and a consistency buffer past theirs', async () => {
    const spec = MINIMAL_SPEC.replace('name: crm', 'name: crm\npacers: { api: { allowedRequests: 5, intervalMs: 1e12 } }')
      .replace('request: { path: /contacts }', 'request: { path: /contacts }\n    mode: incremental\n    cursor: { field: $.updated_at, bufferSeconds: 1e12 }');
    const run = await validateCli({ spec });
    expect(run.code).toBe(2);
    expect(run.lines).toEqual([
      "crm.yaml:3:11  warning: pacers.api: pacer 'api' is named by no sync (pacer: api), so it limits nothing",
      'crm.yaml:3:50  pacers.api.intervalMs: must be at most 86400000, got 1000000000000',
      'crm.yaml:17:51  syncs.contacts.cursor.bufferSeconds: must be at most 31536000, got 1000000000000',
    ]);
  });
});

describe('relative initial cursors', () => {
  const withCursor = (cursor: string) =>
    MINIMAL_SPEC.replace('    request: { path: /contacts }', `    mode: incremental\n    request: { path: /contacts }\n    cursor: ${cursor}`);

  test('initial: { ago } on a timestamp cursor is valid; on a number cursor it is refused where written', async () => {
    expect((await validateCli({ spec: withCursor('{ field: $.updated_at, initial: { ago: 15d } }') })).code).toBe(0);
    const number = await validateCli({ spec: withCursor('{ field: $.seq, type: number, initial: { ago: 15d } }') });
    expect(number.code).toBe(2);
    expect(number.lines).toEqual([
      'crm.yaml:16:59  syncs.contacts.cursor.initial.ago: initial: { ago } counts back from now, so it needs a timestamp cursor; a number cursor takes a value',
    ]);
    const unit = await validateCli({ spec: withCursor('{ field: $.updated_at, initial: { ago: 2 weeks } }') });
    expect(unit.code).toBe(2);
    expect(unit.lines.join('\n')).toContain('syncs.contacts.cursor.initial');
  });
});
