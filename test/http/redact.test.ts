import { describe, expect, test } from 'vitest';
import { Redactor, isSensitiveName } from '../../engine/http/redact.js';

describe('Redactor', () => {
  test('replaces raw, URL-encoded and base64 forms of every secret', () => {
    const redactor = new Redactor(['p@ss word/1', 'tok_live_123']);
    const base64 = Buffer.from('p@ss word/1').toString('base64');
    expect(redactor.redact(`a p@ss word/1 b ${encodeURIComponent('p@ss word/1')} c p%40ss+word%2F1 d ${base64} e tok_live_123`)).toBe(
      'a [REDACTED] b [REDACTED] c [REDACTED] d [REDACTED] e [REDACTED]',
    );
  });

  test('secrets added later are redacted too; a secret containing another is replaced whole', () => {
    const redactor = new Redactor(['abcd']);
    redactor.add('abcdefgh');
    expect(redactor.redact('x abcdefgh y abcd')).toBe('x [REDACTED] y [REDACTED]');
  });

  test('ignores empty and very short values, which are not secrets worth shredding text for', () => {
    const redactor = new Redactor(['', 'ab', undefined]);
    expect(redactor.redact('ab cd')).toBe('ab cd');
  });

  test('credential headers are hidden whatever they hold', () => {
    const redactor = new Redactor(['s3cr3t']);
    expect(
      redactor.redactHeaders({
        Authorization: 'Bearer anything',
        Cookie: 'a=b',
        'X-Api-Key': 'k',
        'X-Echo': 'value s3cr3t',
        Accept: ['application/json', 'text/plain'],
      }),
    ).toEqual({
      Authorization: '[REDACTED]',
      Cookie: '[REDACTED]',
      'X-Api-Key': '[REDACTED]',
      'X-Echo': 'value [REDACTED]',
      Accept: 'application/json, text/plain',
    });
  });

  test.each([
    ['authorization', true],
    ['api_key', true],
    ['apikey', true],
    ['X-Auth-Token', true],
    ['client_secret', true],
    ['key', true],
    ['page', false],
    ['keyword', false],
    ['monkey', false],
  ])('isSensitiveName(%s) = %s', (name, expected) => {
    expect(isSensitiveName(name)).toBe(expected);
  });
});
