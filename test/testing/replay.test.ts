import { describe, expect, it } from 'vitest';
import { exchangeKey } from '../../engine/testing/replay.js';
import { environmentName } from '../../engine/testing/connector-test.js';

describe('exchangeKey: what picks a recorded answer', () => {
  it('ignores the order of query parameters and of JSON body keys', () => {
    expect(exchangeKey('get', 'https://api.example.com/v1/items?b=2&a=1', undefined)).toBe(exchangeKey('GET', 'https://api.example.com/v1/items?a=1&b=2', ''));
    expect(exchangeKey('POST', 'https://api.example.com/search', '{"filter":{"x":1,"y":[1,2]},"limit":10}'))
      .toBe(exchangeKey('POST', 'https://api.example.com/search', '{"limit":10,"filter":{"y":[1,2],"x":1}}'));
  });

  it('tells apart methods, paths, values, repeated parameters and bodies', () => {
    const base = exchangeKey('GET', 'https://api.example.com/v1/items?page=2', undefined);
    for (const other of [
      exchangeKey('POST', 'https://api.example.com/v1/items?page=2', undefined),
      exchangeKey('GET', 'https://api.example.com/v1/item?page=2', undefined),
      exchangeKey('GET', 'https://api.example.com/v1/items?page=3', undefined),
      exchangeKey('GET', 'https://api.example.com/v1/items?page=2&page=2', undefined),
      exchangeKey('GET', 'https://api.example.com/v1/items?page=2', '{"a":1}'),
    ]) expect(other).not.toBe(base);
    // A body that is not JSON is compared as it is.
    expect(exchangeKey('POST', 'https://x.example/f', 'a=1&b=2')).not.toBe(exchangeKey('POST', 'https://x.example/f', 'b=2&a=1'));
  });
});

describe('environmentName: where a spec tested alone takes a secret from', () => {
  it.each([['apiToken', 'API_TOKEN'], ['client_secret', 'CLIENT_SECRET'], ['oauth2ClientId', 'OAUTH2_CLIENT_ID'], ['key', 'KEY']])('%s → %s', (secret, variable) => {
    expect(environmentName(secret)).toBe(variable);
  });
});
