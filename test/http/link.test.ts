import { describe, expect, test } from 'vitest';
import { findLink, parseLinkHeader } from '../../engine/http/link.js';

describe('parseLinkHeader', () => {
  test('GitHub style', () => {
    const links = parseLinkHeader(
      '<https://api.github.com/repositories/1/issues?page=2>; rel="next", <https://api.github.com/repositories/1/issues?page=5>; rel="last"',
    );
    expect(links).toEqual([
      { uri: 'https://api.github.com/repositories/1/issues?page=2', params: { rel: 'next' } },
      { uri: 'https://api.github.com/repositories/1/issues?page=5', params: { rel: 'last' } },
    ]);
  });

  test('commas and semicolons inside the URI and inside quoted values', () => {
    const links = parseLinkHeader('<https://x/a?ids=1,2;3>; title="a, b; c"; rel=next, <https://x/b>; rel="prev"');
    expect(links).toEqual([
      { uri: 'https://x/a?ids=1,2;3', params: { title: 'a, b; c', rel: 'next' } },
      { uri: 'https://x/b', params: { rel: 'prev' } },
    ]);
  });

  test('several relation types in one rel, case-insensitive names and values', () => {
    const links = parseLinkHeader('<https://x/2>; REL="Next Last"');
    expect(findLink(links, 'next')?.uri).toBe('https://x/2');
    expect(findLink(links, 'last')?.uri).toBe('https://x/2');
    expect(findLink(links, 'prev')).toBeUndefined();
  });

  test('escaped quotes, whitespace, a parameter without value, and the first rel winning', () => {
    const links = parseLinkHeader(' < https://x/1 > ;  title = "say \\"hi\\"" ; crossorigin ; rel=next ; rel=prev ');
    expect(links).toEqual([{ uri: 'https://x/1', params: { title: 'say "hi"', crossorigin: '', rel: 'next' } }]);
  });

  test('a malformed entry does not hide the well-formed ones', () => {
    const links = parseLinkHeader('garbage; rel="next", <https://x/ok>; rel="next", <https://x/unclosed; rel=last');
    expect(findLink(links, 'next')?.uri).toBe('https://x/ok');
  });

  test('repeated Link headers arrive as an array', () => {
    const links = parseLinkHeader(['<https://x/p>; rel="prev"', '<https://x/n>; rel="next"']);
    expect(findLink(links, 'next')?.uri).toBe('https://x/n');
  });

  test('Shopify page_info links, relative targets kept as written', () => {
    const links = parseLinkHeader('</admin/products.json?page_info=abc&limit=50>; rel="next"');
    expect(links).toEqual([{ uri: '/admin/products.json?page_info=abc&limit=50', params: { rel: 'next' } }]);
  });

  test('empty header', () => {
    expect(parseLinkHeader('')).toEqual([]);
  });
});
