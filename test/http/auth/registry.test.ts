import { describe, expect, test } from 'vitest';
import { authKinds, createAuthenticator } from '../../../engine/http/auth/registry.js';
import type { AuthDeps } from '../../../engine/http/auth/types.js';
import { Redactor } from '../../../engine/http/redact.js';
import type { HttpRequest } from '../../../engine/http/request.js';
import type { Auth } from '../../../engine/spec/types.generated.js';

const request: HttpRequest = { method: 'GET', url: 'https://api.x/items', query: { page: '1' }, headers: { authorization: 'old' } };

function deps(redactor = new Redactor()): AuthDeps {
  return {
    secrets: { token: 'tok_123', pass: 'pa:ss', key: 'k-456' },
    vars: { user: 'ann' },
    redactor,
    http: { postForm: () => Promise.reject(new Error('unused')) },
  };
}

const authenticate = (spec: Auth | undefined, d = deps()) => createAuthenticator(spec, d).authenticate(request);

describe('authenticators', () => {
  test('the registry covers every auth type of the schema', () => {
    expect(Object.keys(authKinds)).toEqual(['none', 'bearer', 'basic', 'apiKey', 'oauth2']);
  });

  test('none, and no auth at all, leave the request alone', async () => {
    expect(await authenticate(undefined)).toEqual(request);
    expect(await authenticate({ type: 'none' })).toEqual(request);
  });

  test('bearer replaces any spelling of the Authorization header', async () => {
    const authed = await authenticate({ type: 'bearer', token: { secret: 'token' } });
    expect(authed.headers).toEqual({ Authorization: 'Bearer tok_123' });
    expect(request.headers).toEqual({ authorization: 'old' }); // the input is not mutated
  });

  test('basic, with a templated username; the encoded pair becomes a redacted secret', async () => {
    const redactor = new Redactor();
    const authed = await authenticate({ type: 'basic', username: '{{vars.user}}', password: { secret: 'pass' } }, deps(redactor));
    const pair = Buffer.from('ann:pa:ss').toString('base64');
    expect(authed.headers).toEqual({ Authorization: `Basic ${pair}` });
    expect(redactor.redact(`Basic ${pair}`)).toBe('Basic [REDACTED]');
  });

  test('apiKey in a header with a prefix, or in the query', async () => {
    expect((await authenticate({ type: 'apiKey', name: 'Authorization', prefix: 'Token ', key: { secret: 'key' } })).headers).toEqual({
      Authorization: 'Token k-456',
    });
    expect((await authenticate({ type: 'apiKey', name: 'X-Api-Key', key: { secret: 'key' } })).headers).toEqual({
      authorization: 'old',
      'X-Api-Key': 'k-456',
    });
    expect((await authenticate({ type: 'apiKey', in: 'query', name: 'api_key', key: { secret: 'key' } })).query).toEqual({
      page: '1',
      api_key: 'k-456',
    });
  });

  test('a secret without a value fails when the authenticator is built', () => {
    expect(() => createAuthenticator({ type: 'bearer', token: { secret: 'missing' } }, deps())).toThrow(
      "auth.token: secret missing has no value; set it in the config's secrets (environment or .env file)",
    );
  });
});
