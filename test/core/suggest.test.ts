import { describe, expect, test } from 'vitest';
import { closest, editDistance, suggestion } from '../../engine/core/suggest.js';

describe('did you mean', () => {
  test('edit distance ignores case and counts a swap of neighbours as one edit', () => {
    expect(editDistance('pagesize', 'pageSize')).toBe(0);
    expect(editDistance('sepc', 'spec')).toBe(1);
    expect(editDistance('replce', 'replace')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  test.each([
    ['replce', ['replace', 'incremental'], 'replace'],
    ['tiebreaker', ['field', 'tieBreaker'], 'tieBreaker'],
    ['company', ['contacts', 'companies'], 'companies'],
    ['apiToken', ['token', 'webhookKey'], 'token'],
    ['cursor', ['none', 'token', 'offset', 'keyset'], undefined],
    ['id', ['ID', 'Name'], 'ID'],
    ['x', ['y', 'z'], undefined],
  ])('%s among %j → %s', (input, candidates, expected) => {
    expect(closest(input, candidates)).toBe(expected);
  });

  test('the parenthesis lists what is allowed, or says that nothing is', () => {
    expect(suggestion('pagesize', ['type', 'pageSize'])).toBe("(did you mean 'pageSize'? allowed: type, pageSize)");
    expect(suggestion('x', [], { empty: 'no pacers are declared' })).toBe('(no pacers are declared)');
  });
});
