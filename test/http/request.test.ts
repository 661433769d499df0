import { describe, expect, test } from 'vitest';
import { describeRequest, headerValue, headerValues, maskUrl, requestUrl, resolveUrl } from '../../engine/http/request.js';
import { Redactor } from '../../engine/http/redact.js';

describe('resolveUrl', () => {
  test.each([
    ['https://x/api/v2', '/items', 'https://x/api/v2/items'],
    ['https://x/api/v2/', 'items', 'https://x/api/v2/items'],
    ['https://x/api/v2', 'items/1?a=b', 'https://x/api/v2/items/1?a=b'],
    ['https://x', '/items', 'https://x/items'],
    ['https://x/', '', 'https://x/'],
    // A path that already carries the base's prefix (Salesforce nextRecordsUrl) is not doubled.
    ['https://x/services/data/v58.0', '/services/data/v58.0/query/01g-2000', 'https://x/services/data/v58.0/query/01g-2000'],
    ['https://x/api/v2', '/api/v2x/items', 'https://x/api/v2/api/v2x/items'],
    ['https://x/api/v2', 'https://other/next?page=2', 'https://other/next?page=2'],
    ['https://x/api/v2', '?page=2', 'https://x/api/v2?page=2'],
    ['https://x/api?api-version=7', '/items?top=1', 'https://x/api/items?top=1&api-version=7'],
  ])('%s + %s', (base, path, expected) => {
    expect(resolveUrl(base, path)).toBe(expected);
  });
});

describe('requestUrl', () => {
  test("the query is set on top of the URL's own", () => {
    expect(requestUrl({ url: 'https://x/items?page=2&limit=5', query: { limit: '10', q: 'a b' } })).toBe(
      'https://x/items?page=2&limit=10&q=a+b',
    );
  });

  test("an opaque URL's query is kept byte for byte when the query only adds names", () => {
    expect(requestUrl({ url: 'https://x/a?$top=2&sig=a%2Fb', query: { api_key: 'k y' } })).toBe(
      'https://x/a?$top=2&sig=a%2Fb&api_key=k+y',
    );
    expect(requestUrl({ url: 'https://x/a?$top=2', query: {} })).toBe('https://x/a?$top=2');
  });
});

describe('describeRequest', () => {
  test('method and URL with the query', () => {
    expect(describeRequest({ method: 'GET', url: 'https://api.x/v1/items', query: { limit: '10' } })).toBe(
      'GET https://api.x/v1/items?limit=10',
    );
  });

  test('credential-like query parameters, URL credentials and known secrets are redacted', () => {
    const redactor = new Redactor(['hunter22']);
    const text = describeRequest(
      {
        method: 'POST',
        url: 'https://user:pw@api.x/v1/search?api_key=abc123&q=hunter22',
        query: { access_token: 'tok', page: '2' },
      },
      redactor,
    );
    expect(text).toBe('POST https://api.x/v1/search?api_key=[REDACTED]&q=[REDACTED]&access_token=[REDACTED]&page=2');
  });
});

describe('maskUrl', () => {
  test('user info and credential-like query values are hidden, as describeRequest hides them; a fragment stays last', () => {
    expect(maskUrl('https://u:p@a.io/i?access_token=t0k&page=2#top')).toBe('https://a.io/i?access_token=[REDACTED]&page=2#top');
    expect(describeRequest({ method: 'GET', url: 'https://a.io/i?access_token=t0k#top', query: {} })).toBe('GET https://a.io/i?access_token=[REDACTED]#top');
  });

  test('anything but an absolute http(s) URL is left as it is', () => {
    for (const text of ['tok_7?token=x', 'cus_000050', 'ftp://u:p@a.io/?token=x', 'https://']) expect(maskUrl(text)).toBe(text);
  });
});

describe('headers', () => {
  test('are read case-insensitively, repeated headers as arrays', () => {
    const headers = { link: ['<a>; rel="next"', '<b>; rel="last"'], 'X-Next': 'abc' };
    expect(headerValue(headers, 'x-next')).toBe('abc');
    expect(headerValue(headers, 'Link')).toBe('<a>; rel="next"');
    expect(headerValues(headers, 'link')).toEqual(['<a>; rel="next"', '<b>; rel="last"']);
    expect(headerValue(headers, 'missing')).toBeUndefined();
  });
});
