import { expect, it } from 'vitest';
import { checkIdentifier, identifierKey, quoteIdentifier } from '../../../engine/store/sqlite/quote.js';

it.each([
  ['select', '"select"'],
  ['crm.contacts', '"crm.contacts"'],
  ['"quoted"', '"""quoted"""'],
  ['Name with spaces', '"Name with spaces"'],
  ['日本語', '"日本語"'],
])('quotes %j as %s', (name, quoted) => {
  expect(quoteIdentifier(name)).toBe(quoted);
});

it('refuses a lone surrogate, which SQLite would silently replace', () => {
  expect(() => checkIdentifier('a\uD800b', 'Property name')).toThrow('Property name "a\\ud800b" contains an unpaired UTF-16 surrogate');
  expect(() => checkIdentifier('emoji 🦊', 'Property name')).not.toThrow();
});

it('folds ASCII letters only, as SQLite compares names', () => {
  expect(identifierKey('Name')).toBe(identifierKey('nAME'));
  expect(identifierKey('Émile')).not.toBe(identifierKey('émile'));
});
