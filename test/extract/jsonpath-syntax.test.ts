/**
 * JSONPaths are parsed strictly where they are written: `validate` refuses script expressions and
 * malformed paths with their line and column, in every field that takes a path — the schema's
 * JSONPath fields and the value sources of a map — instead of a run that fails (or silently selects
 * nothing) later. The parser's own reading of each form is checked beside.
 */
import { describe, expect, test } from 'vitest';
import { parseJsonPath, describePathError } from '../../engine/extract/jsonpath-syntax.js';
import { MINIMAL_SPEC } from '../spec/harness.js';
import { validateCli } from '../support/validate-cli.js';

describe('validate', () => {
  test('script expressions and malformed paths in the fields the schema marks as JSONPaths', async () => {
    const spec = MINIMAL_SPEC.replace(
      'request: { path: /contacts }',
      'request: { path: /contacts }\n    records: "$.data[?(@.active)]"\n    object: $.data[\n    filter: { path: "$.a.", equals: 1 }',
    );
    const run = await validateCli({ spec });
    expect(run.code).toBe(2);
    expect(run.lines).toEqual([
      "crm.yaml:15:14  syncs.contacts.records: JSONPath '$.data[?(@.active)]' uses a script expression ((…) or ?(…)), which is disabled",
      "crm.yaml:16:13  syncs.contacts.object: JSONPath '$.data[': unclosed '[' (at character 7)",
      "crm.yaml:17:21  syncs.contacts.filter.path: JSONPath '$.a.': expected a name after '.', but the path ends (at character 5)",
    ]);
  });

  test('and in the value sources of a map, where a string starting with $ is a JSONPath', async () => {
    const spec = MINIMAL_SPEC.replace('Name: $.name', 'Name: $.name[(@.length-1)]').replace('ID: $.id', 'ID: { path: "$..", default: x }');
    const run = await validateCli({ spec });
    expect(run.code).toBe(2);
    expect(run.lines).toEqual([
      "crm.yaml:16:13  syncs.contacts.map.Name: JSONPath '$.name[(@.length-1)]' uses a script expression ((…) or ?(…)), which is disabled",
      "crm.yaml:17:19  syncs.contacts.map.ID.path: JSONPath '$..': expected a name after '..', but the path ends (at character 4)",
    ]);
  });
});

describe('parseJsonPath', () => {
  test.each([
    ['$', []],
    ['$.data[*].id', [{ descendant: false, selector: { kind: 'name', name: 'data' } }, { descendant: false, selector: { kind: 'wildcard' } }, { descendant: false, selector: { kind: 'name', name: 'id' } }]],
    ["$['@odata.nextLink']", [{ descendant: false, selector: { kind: 'name', name: '@odata.nextLink' } }]],
    ['$..items[0]', [{ descendant: true, selector: { kind: 'name', name: 'items' } }, { descendant: false, selector: { kind: 'index', index: 0 } }]],
    ['$.a[-1:]', [{ descendant: false, selector: { kind: 'name', name: 'a' } }, { descendant: false, selector: { kind: 'slice', start: -1 } }]],
    ["$['a','b']", [{ descendant: false, selector: { kind: 'union', items: ['a', 'b'] } }]],
    ['$.a.*', [{ descendant: false, selector: { kind: 'name', name: 'a' } }, { descendant: false, selector: { kind: 'wildcard' } }]],
  ])('%s', (path, segments) => {
    expect(parseJsonPath(path)).toEqual({ ok: true, segments });
  });

  test.each([
    ['data', "a JSONPath starts with '$' (at character 1)"],
    ['$.data[', "unclosed '[' (at character 7)"],
    ["$['name]", 'unclosed \' (at character 3)'],
    ['$.a[1:2:0]', 'a slice step cannot be 0 (at character 9)'],
    ['$.a b', "unexpected ' '; expected '.' or '[' (at character 4)"],
    ['$[foo]', "unexpected 'f' in brackets; expected a quoted name, an index, a slice or '*' (at character 3)"],
  ])('refuses %s', (path, message) => {
    const parsed = parseJsonPath(path);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(describePathError(parsed)).toBe(`: ${message}`);
  });
});
