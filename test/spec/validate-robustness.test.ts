/**
 * Whatever shape a file has, validation answers with diagnostics and never throws: later checks
 * only look at parts that passed the schema check.
 */
import { describe, expect, test } from 'vitest';
import { MINIMAL_SPEC, validateProject } from './harness.js';

const specs: [string, string][] = [
  ['an empty file', ''],
  ['a list', '- a\n- b\n'],
  ['a scalar', 'hello\n'],
  ['syncs as a list', MINIMAL_SPEC.replace(/syncs:[\s\S]*$/, 'syncs: [a, b]\n')],
  ['databases as a number', MINIMAL_SPEC.replace(/databases:[\s\S]*?syncs:/, 'databases: 5\nsyncs:')],
  ['a sync that is a string', MINIMAL_SPEC.replace(/  contacts:\n    database[\s\S]*$/, '  contacts: all of them\n')],
  ['an empty map', MINIMAL_SPEC.replace(/map:[\s\S]*$/, 'map:\n')],
  ['vars as a list', MINIMAL_SPEC.replace('name: crm\n', 'name: crm\nvars: [a, b]\nsecrets: 3\n')],
  ['properties as a list', MINIMAL_SPEC.replace(/properties:\n[\s\S]*?syncs:/, 'properties: [title]\nsyncs:')],
  ['a paginate with neither type nor use', MINIMAL_SPEC.replace('request: { path: /contacts }', 'request: { path: /contacts }\n    paginate: { pageSize: 10 }')],
  ['a null request', MINIMAL_SPEC.replace('request: { path: /contacts }', 'request:')],
  ['definitions as a string', MINIMAL_SPEC.replace('name: crm\n', 'name: crm\ndefinitions: none\n')],
];

const configs: [string, string][] = [
  ['connectors as a list', 'syncspec: 1\nconnectors: [crm.yaml]\n'],
  ['a null connector', 'syncspec: 1\nconnectors:\n  crm:\n'],
  ['vars as a string', 'syncspec: 1\nconnectors:\n  crm: { spec: crm.yaml, vars: tenant=acme, secrets: [], syncs: 1 }\n'],
  ['an empty config', ''],
];

describe('validation never throws', () => {
  test.each(specs)('spec: %s', async (_name, spec) => {
    const { valid, diagnostics } = await validateProject({ spec });
    expect(valid).toBe(false);
    expect(diagnostics.length).toBeGreaterThan(0);
    for (const d of diagnostics) expect(d.line).toBeGreaterThan(0);
  });

  test.each(configs)('config: %s', async (_name, config) => {
    const { valid, diagnostics } = await validateProject({ config });
    expect(valid).toBe(false);
    expect(diagnostics.length).toBeGreaterThan(0);
  });

  test('a paginate with neither type nor use says which key is missing', async () => {
    const spec = MINIMAL_SPEC.replace('request: { path: /contacts }', 'request: { path: /contacts }\n    paginate: { pageSize: 10 }');
    const { lines } = await validateProject({ spec });
    expect(lines).toEqual(["crm.yaml:15:15  syncs.contacts.paginate: missing required key 'use' or 'type'"]);
  });
});
