/**
 * `syncspec validate` on filters that break incremental fidelity: a var marked `filters: true` read
 * by an incremental sync's request, or a field its request names in `filters`. With `fullSync: off`
 * and no replace sync of the same database, a record that leaves the filter would stay for good: a
 * warning where the filter is written (validate still exits 0). Full cycles, or a replace backfill
 * of the same database, silence it; an empty filter value filters nothing.
 */
import { describe, expect, test } from 'vitest';
import { validateCli } from '../support/validate-cli.js';
import { yaml } from './harness.js';

/** Line 19 holds the filtering template; `fullSync: "off"` is line 15. */
const DELTA = yaml`
  syncspec: 1
  name: crm
  vars:
    state: { default: open, filters: true }
  api:
    baseUrl: https://api.example.com
  databases:
    contacts:
      primaryKeyProperty: ID
      properties: { Name: title, ID: richText }
  syncs:
    contacts:
      database: contacts
      mode: incremental
      fullSync: "off"
      cursor: { field: $.updated_at }
      request:
        path: /contacts
        query: { state: "{{vars.state}}", since: "{{cursor.value}}" }
      map: { Name: $.name, ID: $.id }
`;

/** A replace sync of the contacts database, to append under syncs. */
const BACKFILL = ['  backfill:', '    database: contacts', '    request: { path: /contacts }', '    map: { Name: $.name, ID: $.id }', ''].join('\n');

const VALID = 'config.yaml: valid — 1 connector, 1 sync, 1 database';
const advice = (filter: string) =>
  `incremental sync 'contacts' filters by ${filter} with fullSync off: a record that leaves the filter is never read again and ` +
  "stays in database 'contacts' as it was; set fullSync (e.g. 7d) or add a replace backfill of database 'contacts'";

describe('validate: filters of an incremental sync without full cycles', () => {
  test('a filtering var read by the request: a warning at the template that reads it, exit 0', async () => {
    const run = await validateCli({ spec: DELTA });
    expect(run.code).toBe(0);
    expect(run.lines).toEqual([`crm.yaml:19:23  warning: syncs.contacts.request.query.state: ${advice('vars.state')}`]);
    expect(run.stdout).toContain(`${VALID} (1 warning)\n`);
    expect(run.stderr).toBe('');
  });

  test('no warning with full cycles: fullSync given or left at its 7d default, or a replace backfill of the database', async () => {
    const specs = [
      DELTA.replace('fullSync: "off"', 'fullSync: 1d'),
      DELTA.replace('    fullSync: "off"\n', ''),
      `${DELTA}${BACKFILL}`,
    ];
    for (const spec of specs) {
      const run = await validateCli({ spec });
      expect(run.code, spec).toBe(0);
      expect(run.stdout, spec).toMatch(/^config\.yaml: valid — 1 connector, [12] syncs?, 1 database\n$/);
    }
  });

  test('a replace sync of another database corrects nothing; nor does a var that is not marked, or one left empty', async () => {
    const other = `${DELTA.replace('  contacts:\n    primaryKeyProperty', '  people:\n    primaryKeyProperty: ID\n    properties: { Name: title, ID: richText }\n  contacts:\n    primaryKeyProperty')}${BACKFILL.replace('database: contacts', 'database: people')}`;
    const elsewhere = await validateCli({ spec: other });
    expect(elsewhere.lines).toEqual([`crm.yaml:22:23  warning: syncs.contacts.request.query.state: ${advice('vars.state')}`]);

    const unmarked = await validateCli({ spec: DELTA.replace('{ default: open, filters: true }', '{ default: open }') });
    expect(unmarked.stdout).toBe(`${VALID}\n`);
    // A query parameter that renders empty is left out: no filter is sent.
    const empty = await validateCli({ spec: DELTA, config: 'syncspec: 1\nconnectors:\n  crm: { spec: crm.yaml, vars: { state: "" } }\n' });
    expect(empty.stdout).toBe(`${VALID}\n`);
  });

  test('a request field marked in filters: a warning at the mark, query parameter or body field', async () => {
    const query = DELTA.replace('    state: { default: open, filters: true }\n', '    unused: { default: x }\n')
      .replace('query: { state: "{{vars.state}}", since: "{{cursor.value}}" }', 'query: { state: open, since: "{{cursor.value}}" }\n      filters: [state]');
    const marked = await validateCli({ spec: query });
    expect(marked.code).toBe(0);
    expect(marked.lines).toEqual([`crm.yaml:20:17  warning: syncs.contacts.request.filters[0]: ${advice("query parameter 'state'")}`]);

    const body = query.replace('query: { state: open, since: "{{cursor.value}}" }', 'method: POST\n      body: { labels: [bug], filter: { state: open }, since: "{{cursor.value}}" }')
      .replace('filters: [state]', 'filters: [labels, filter.state]');
    const inBody = await validateCli({ spec: body });
    expect(inBody.lines).toEqual([
      `crm.yaml:21:17  warning: syncs.contacts.request.filters[0]: ${advice("body field 'labels'")}`,
      `crm.yaml:21:25  warning: syncs.contacts.request.filters[1]: ${advice("body field 'filter.state'")}`,
    ]);
  });

  test('a mark in a request fragment is reported where the fragment writes it', async () => {
    const spec = DELTA.replace('    state: { default: open, filters: true }\n', '    unused: { default: x }\n')
      .replace('syncs:\n', 'definitions:\n  requests:\n    open:\n      query: { state: open }\n      filters: [state]\nsyncs:\n')
      .replace('request:\n      path: /contacts\n      query: { state: "{{vars.state}}", since: "{{cursor.value}}" }', 'request: { use: open, path: /contacts }');
    const run = await validateCli({ spec });
    expect(run.lines).toEqual([`crm.yaml:15:17  warning: definitions.requests.open.filters[0]: ${advice("query parameter 'state'")}`]);
  });

  test('a name in filters that the request does not have is an error, with what it has', async () => {
    const spec = DELTA.replace('fullSync: "off"', 'fullSync: 1d').replace('since: "{{cursor.value}}" }', 'since: "{{cursor.value}}" }\n      filters: [stat]');
    const run = await validateCli({ spec });
    expect(run.code).toBe(2);
    expect(run.lines).toEqual([
      "crm.yaml:20:17  syncs.contacts.request.filters[0]: 'stat' is neither a query parameter nor a body field of this request (did you mean 'state'? it has: state, since)",
    ]);
  });
});
