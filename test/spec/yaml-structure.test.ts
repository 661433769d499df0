/**
 * YAML that would exhaust the process — an alias bomb, 200k keys, a 2,000-deep map — and keys no
 * JavaScript object can hold, through `syncspec validate`: each a diagnostic with its place and exit 2,
 * never an out-of-memory abort, a stack overflow or a minute of work, and nothing on stderr.
 */
import { describe, expect, test } from 'vitest';
import { MINIMAL_SPEC } from './harness.js';
import { validateCli } from '../support/validate-cli.js';

describe('documents too large or too deep to expand', () => {
  test('an alias bomb: a 4 MB anchor referenced 999 times (under the 1,000-alias limit)', async () => {
    const spec = `${MINIMAL_SPEC}x-blob: &blob "${'x'.repeat(4 * 2 ** 20)}"\nx-bomb: [${Array(999).fill('*blob').join(', ')}]\n`;
    const run = await validateCli({ spec });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(2);
    expect(run.lines).toEqual([
      expect.stringMatching(/^crm\.yaml:19:10 {2}with its aliases expanded the document grows past 16,000,000 characters; an alias here repeats too much$/),
    ]);
  });

  test('aliases nested 200 levels deep through one another', async () => {
    const chain = Array.from({ length: 200 }, (_, i) => (i === 0 ? 'x-a0: &a0 [leaf]' : `x-a${i}: &a${i} [*a${i - 1}]`)).join('\n');
    const run = await validateCli({ spec: `${MINIMAL_SPEC}${chain}\n` });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(2);
    expect(run.lines).toEqual([expect.stringMatching(/^crm\.yaml:\d+:\d+ {2}x-a\d+\[0\]: this alias nests the document deeper than 64 levels$/)]);
  });

  test('a 2,000-deep mapping: the first level too deep is named, no stack overflow', async () => {
    const deep = Array.from({ length: 2000 }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n');
    const run = await validateCli({ spec: `${MINIMAL_SPEC}x-deep:\n${deep.replace(/^/gm, '  ')} end\n` });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(2);
    expect(run.lines).toEqual([expect.stringMatching(/^crm\.yaml:82:\d+ {2}x-deep\.k0\.k1\..*\.k62: nested deeper than 64 levels; a spec needs far fewer$/)]);
  });

  test('100,000 nested flow sequences', async () => {
    const run = await validateCli({ spec: `syncspec: 1\nx: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n` });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(2);
    expect(run.lines[0]).toMatch(/^crm\.yaml:\d+:\d+ {2}.*(nested deeper than 64 levels|nests too deeply)/);
  });
});

describe('keys', () => {
  test('200,000 keys validate in one pass; their duplicates are still found', async () => {
    const properties = Array.from({ length: 200_000 }, (_, i) => `      P${i}: richText`).join('\n');
    const spec = MINIMAL_SPEC.replace('      ID: richText', `      ID: richText\n${properties}\n      P7: number\n      P199999: number`);
    expect(spec).toContain('P199999: number');
    const run = await validateCli({ spec });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(2);
    expect(run.lines).toEqual([
      "crm.yaml:200011:7  databases.contacts.properties: duplicate key 'P7' (first defined on line 18)",
      "crm.yaml:200012:7  databases.contacts.properties: duplicate key 'P199999' (first defined on line 200010)",
    ]);
  });

  test("'__proto__' as a name is refused where it is written (it would silently null every value)", async () => {
    const run = await validateCli({ spec: MINIMAL_SPEC.replace('      ID: richText', '      ID: richText\n      __proto__: richText') });
    expect(run.code).toBe(2);
    expect(run.lines).toEqual(["crm.yaml:11:7  databases.contacts.properties: '__proto__' cannot be used as a key: JavaScript reserves it"]);
  });

  test('a key that is a collection is a diagnostic, with no warning from the YAML library on stderr', async () => {
    const run = await validateCli({ spec: MINIMAL_SPEC.replace('name: crm', 'name: crm\n? [a, b]\n: c') });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(2);
    expect(run.lines).toEqual(['crm.yaml:3:3  a key must be a plain value, not a list or a map']);
  });
});
