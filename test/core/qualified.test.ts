/** CONNECTOR.NAME given in full or bare: found, ambiguous, or unknown with the likeliest meant. */
import { describe, expect, test } from 'vitest';
import { resolveQualified } from '../../engine/core/qualified.js';

const names = ['crm.contacts', 'crm.companies', 'hr.contacts'];

describe('resolveQualified', () => {
  test('a full name, or a bare one only one connector has', () => {
    expect(resolveQualified('hr.contacts', names)).toEqual({ found: 'hr.contacts' });
    expect(resolveQualified('companies', names)).toEqual({ found: 'crm.companies' });
  });

  test('a bare name two connectors have is ambiguous', () => {
    expect(resolveQualified('contacts', names)).toEqual({ ambiguous: ['crm.contacts', 'hr.contacts'] });
  });

  test('an unknown name guesses from full and bare names alike, or not at all', () => {
    expect(resolveQualified('companys', names)).toEqual({ guess: 'crm.companies' });
    expect(resolveQualified('hr.contact', names)).toEqual({ guess: 'hr.contacts' });
    expect(resolveQualified('deals', names)).toEqual({ guess: undefined });
  });
});
