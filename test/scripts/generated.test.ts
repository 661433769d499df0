/**
 * The JSON Schemas are the single source of truth: the TypeScript types and the README's
 * reference are generated from them, and fail here when someone edits one without the other.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/project.js';
// @ts-expect-error -- plain ESM scripts without type declarations
import { TARGETS, generateTypes } from '../../scripts/gen-types.mjs';
// @ts-expect-error -- plain ESM scripts without type declarations
import { generateReference, spliceReference } from '../../scripts/gen-reference.mjs';

describe('generated from schemas/', () => {
  for (const { schema, out, model } of TARGETS as { schema: string; out: string; model?: string }[]) {
    it(`${out} matches schemas/${schema} (run npm run gen:types)`, async () => {
      expect(readFileSync(resolve(ROOT, out), 'utf8')).toBe(await generateTypes(schema, model));
    });
  }

  it('the README reference matches the schemas (run npm run gen:reference)', () => {
    const readme = readFileSync(resolve(ROOT, 'README.md'), 'utf8');
    expect(spliceReference(readme, generateReference())).toBe(readme);
  });

  it('the reference documents every key of every spec object', () => {
    const schema = JSON.parse(readFileSync(resolve(ROOT, 'schemas/connector.schema.json'), 'utf8'));
    const reference = generateReference() as string;
    for (const def of Object.values(schema.$defs) as { properties?: Record<string, unknown> }[]) {
      for (const key of Object.keys(def.properties ?? {})) expect(reference).toContain(`| \`${key}\` |`);
    }
  });
});
