/**
 * A paginator's rules (engine/pagination/check.ts) reported by `syncspec validate` at their place in the
 * file, and `syncspec run` refusing the same spec with the same line — never validating it and then
 * failing to compile it with a message that names no file, line or sync.
 */
import { describe, expect, test } from 'vitest';
import { runCli } from '../support/cli.js';
import { validateCli } from '../support/validate-cli.js';
import { MINIMAL_SPEC } from './harness.js';

/** MINIMAL_SPEC with `paginate` (and any more sync lines) after its request, at line 15. */
const paged = (...lines: string[]) =>
  MINIMAL_SPEC.replace('    request: { path: /contacts }\n', `    request: { path: /contacts }\n${lines.map((line) => `    ${line}\n`).join('')}`);

describe('paginator rules in validate, with file:line:col', () => {
  test('stop.total on a token paginator: validate refuses it, and run says the same, not exit 2 without a place', async () => {
    const spec = paged('paginate: { type: token, token: { path: $.next }, param: cursor, stop: { total: $.total } }');
    const line =
      'crm.yaml:15:85  syncs.contacts.paginate.stop.total: stop.total applies to pageNumber and offset pagination only: ' +
      'the page token of token pagination cannot be compared with a total';
    const validated = await validateCli({ spec });
    expect(validated.lines).toEqual([line]);
    expect(validated.code).toBe(2);
    const run = await runCli(['run', 'config.yaml'], { cwd: validated.dir, env: process.env });
    expect(run.code).toBe(2);
    expect(run.stdout + run.stderr).toContain(line);
    expect(run.stdout + run.stderr).not.toMatch(/^paginate\./m);
  });

  test("keyset without pageSize: its default stop compares with a page size (run used to fail where validate passed)", async () => {
    const spec = paged(
      'request: { path: /contacts, query: { after: "{{#if cursor}}{{cursor.value}}{{/if}}" } }',
      'paginate: { type: keyset, field: $.updated_at, idField: $.id }',
    ).replace('    request: { path: /contacts }\n', '');
    const { lines } = await validateCli({ spec });
    expect(lines).toEqual([
      'crm.yaml:15:15  syncs.contacts.paginate: keyset pagination stops on a short page unless told otherwise (its default stop is ' +
        'shortPage, emptyPage), and a page is short compared with the page size, but the paginator has no pageSize; give pageSize, ' +
        'or a stop such as stop: { emptyPage: true }',
    ]);
    expect((await validateCli({ spec: spec.replace('idField: $.id }', 'idField: $.id, stop: { emptyPage: true } }') })).code).toBe(0);
  });

  test("stop.total in a delete stream's paginator is reported at the stream", async () => {
    const spec = paged(
      'mode: incremental',
      'cursor: { field: $.updated_at }',
      'deletes:',
      '  stream:',
      '    request: { path: /contacts/deleted }',
      '    paginate: { type: linkHeader, stop: { total: $.count } }',
      '    key: $.id',
    );
    const { lines } = await validateCli({ spec });
    expect(lines).toEqual([
      'crm.yaml:20:54  syncs.contacts.deletes.stream.paginate.stop.total: stop.total applies to pageNumber and offset pagination only: ' +
        'the page URL of linkHeader pagination cannot be compared with a total',
    ]);
  });
});

describe('searchAfter: its own check', () => {
  test('an `after` path that may select several values is refused where it is written', async () => {
    const { lines, code } = await validateCli({ spec: paged('paginate: { type: searchAfter, after: "$.sort[*]" }') });
    expect(code).toBe(2);
    expect(lines).toEqual([
      'crm.yaml:15:43  syncs.contacts.paginate.after: searchAfter.after $.sort[*] may select several values, and only the first ' +
        'would be sent; it must name one value of the last record (names and indexes only, e.g. $.sort): the whole array of its sort values',
    ]);
  });

  test('the general rules hold for it too: no stop.total, shortPage only with a pageSize', async () => {
    const { lines } = await validateCli({ spec: paged('paginate: { type: searchAfter, stop: { total: $.hits.total.value, shortPage: true } }') });
    expect(lines).toEqual([
      'crm.yaml:15:51  syncs.contacts.paginate.stop.total: stop.total applies to pageNumber and offset pagination only: ' +
        'the search_after position of searchAfter pagination cannot be compared with a total',
      'crm.yaml:15:82  syncs.contacts.paginate.stop.shortPage: stop.shortPage compares each page with the page size, but the paginator has no pageSize',
    ]);
  });

  test('a plain path, the default, and a pageSize in the body are valid', async () => {
    for (const paginate of [
      'paginate: { type: searchAfter }',
      'paginate: { type: searchAfter, after: $.sort, pageSize: { value: 100, param: { in: body, name: size } }, stop: { shortPage: true } }',
      'paginate: { type: searchAfter, after: "$.meta.sort[0]", param: search_after }',
    ]) {
      const run = await validateCli({ spec: paged(paginate) });
      expect(run.lines, paginate).toEqual([]);
      expect(run.code, paginate).toBe(0);
    }
  });
});
