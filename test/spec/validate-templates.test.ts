/**
 * What the validator says about templates: every variable must exist where the template is
 * rendered, helpers must exist, and secrets must not land in URLs paths or in the database.
 */
import { describe, expect, test } from 'vitest';
import { validateProject, yaml } from './harness.js';

interface Case {
  name: string;
  spec: string;
  expected: string[];
}

const config = yaml`
  syncspec: 1
  connectors:
    crm:
      spec: crm.yaml
      vars: { tenant: acme }
      secrets:
        token: { env: CRM_TOKEN }
`;

const cases: Case[] = [
  {
    name: 'an undeclared var (misspelled)',
    spec: yaml`
      syncspec: 1
      name: crm
      vars:
        tenant: {}
      secrets:
        token: {}
      api:
        baseUrl: "https://{{vars.tennant}}.example.com"
      databases:
        contacts:
          primaryKeyProperty: ID
          properties: { Name: title, ID: richText }
      syncs:
        contacts:
          database: contacts
          request: { path: /contacts, headers: { Authorization: "Bearer {{secrets.token}}" } }
          map: { Name: $.name, ID: $.id }
    `,
    expected: [
      "crm.yaml:8:12  api.baseUrl: undefined variable 'vars.tennant' (did you mean 'vars.tenant'? declared vars: tenant)",
    ],
  },
  {
    name: 'an undeclared secret',
    spec: yaml`
      syncspec: 1
      name: crm
      vars:
        tenant: {}
      secrets:
        token: {}
      api:
        baseUrl: "https://{{vars.tenant}}.example.com"
        headers: { Authorization: "Bearer {{secrets.apiKey}}" }
      databases:
        contacts:
          primaryKeyProperty: ID
          properties: { Name: title, ID: richText }
      syncs:
        contacts:
          database: contacts
          request: { path: /contacts, headers: { X-Token: "{{secrets.token}}" } }
          map: { Name: $.name, ID: $.id }
    `,
    expected: [
      "crm.yaml:9:29  api.headers.Authorization: undefined secret 'secrets.apiKey' (declared secrets: token)",
    ],
  },
  {
    name: 'secrets in a map value and in a request path',
    spec: yaml`
      syncspec: 1
      name: crm
      vars:
        tenant: {}
      secrets:
        token: {}
      api:
        baseUrl: "https://{{vars.tenant}}.example.com"
      databases:
        contacts:
          primaryKeyProperty: ID
          properties: { Name: title, ID: richText, Link: url }
      syncs:
        contacts:
          database: contacts
          request: { path: "/contacts/{{secrets.token}}" }
          map:
            Name: $.name
            ID: $.id
            Link: "https://app.example.com/c/{{record.id}}?key={{secrets.token}}"
    `,
    expected: [
      "crm.yaml:16:22  syncs.contacts.request.path: secrets are not allowed in a request path: they would appear in URLs and logs; send them in a header or with api.auth",
      "crm.yaml:20:13  syncs.contacts.map.Link: secrets are not allowed in map values: they would be stored in the database",
    ],
  },
  {
    name: 'the cursor of a keyset replace sync used outside {{#if cursor}}',
    spec: yaml`
      syncspec: 1
      name: crm
      vars:
        tenant: {}
      secrets:
        token: {}
      api:
        baseUrl: "https://{{vars.tenant}}.example.com"
        headers: { Authorization: "Bearer {{secrets.token}}" }
      databases:
        contacts:
          primaryKeyProperty: ID
          properties: { Name: title, ID: richText }
      syncs:
        contacts:
          database: contacts
          request:
            path: /contacts
            query: { after: "{{cursor.value}}", after_id: "{{#if cursor}}{{cursor.id}}{{/if}}" }
          paginate: { type: keyset, field: $.updated_at, idField: $.id, pageSize: 100 }
          map: { Name: $.name, ID: $.id }
    `,
    expected: [
      "crm.yaml:19:23  syncs.contacts.request.query.after: cursor is not defined in the first request of replace sync 'contacts'; wrap it in {{#if cursor}}…{{/if}}",
    ],
  },
  {
    name: 'the cursor in a replace sync without keyset pagination',
    spec: yaml`
      syncspec: 1
      name: crm
      vars:
        tenant: {}
      secrets:
        token: {}
      api:
        baseUrl: "https://{{vars.tenant}}.example.com"
        headers: { Authorization: "Bearer {{secrets.token}}" }
      databases:
        contacts:
          primaryKeyProperty: ID
          properties: { Name: title, ID: richText }
      syncs:
        contacts:
          database: contacts
          request: { path: /contacts, query: { since: "{{#if cursor}}{{iso cursor.value}}{{/if}}" } }
          map: { Name: $.name, ID: $.id }
    `,
    expected: [
      "crm.yaml:17:49  syncs.contacts.request.query.since: cursor is not defined in replace sync 'contacts': only incremental syncs and keyset or requery pagination have one",
    ],
  },
  {
    name: 'cursor.id in an incremental sync whose cursor has no tieBreaker',
    spec: yaml`
      syncspec: 1
      name: crm
      vars:
        tenant: {}
      secrets:
        token: {}
      api:
        baseUrl: "https://{{vars.tenant}}.example.com"
        headers: { Authorization: "Bearer {{secrets.token}}" }
      databases:
        contacts:
          primaryKeyProperty: ID
          properties: { Name: title, ID: richText }
      syncs:
        contacts:
          database: contacts
          mode: incremental
          cursor: { field: $.updated_at }
          request: { path: /contacts, query: { since: "{{iso cursor.value}}", after: "{{cursor.id}}" } }
          map: { Name: $.name, ID: $.id }
    `,
    expected: [
      "crm.yaml:19:80  syncs.contacts.request.query.after: cursor.id is not defined in incremental sync 'contacts': its cursor has no tieBreaker",
    ],
  },
  {
    name: 'page.size when the paginator has no pageSize, and until in a replace sync',
    spec: yaml`
      syncspec: 1
      name: crm
      vars:
        tenant: {}
      secrets:
        token: {}
      api:
        baseUrl: "https://{{vars.tenant}}.example.com"
        headers: { Authorization: "Bearer {{secrets.token}}" }
      databases:
        contacts:
          primaryKeyProperty: ID
          properties: { Name: title, ID: richText }
      syncs:
        contacts:
          database: contacts
          request:
            path: /contacts
            query: { per_page: "{{page.size}}", before: "{{iso until}}" }
          paginate: { type: linkHeader }
          map: { Name: $.name, ID: $.id }
    `,
    expected: [
      "crm.yaml:19:26  syncs.contacts.request.query.per_page: page.size is not defined: the paginator of sync 'contacts' has no pageSize",
      "crm.yaml:19:51  syncs.contacts.request.query.before: until is only defined in incremental syncs (now minus the cursor's bufferSeconds)",
    ],
  },
  {
    name: 'an unknown helper, a helper given too many arguments, and a broken template',
    spec: yaml`
      syncspec: 1
      name: crm
      vars:
        tenant: {}
      secrets:
        token: {}
      api:
        baseUrl: "https://{{vars.tenant}}.example.com"
        headers: { Authorization: "Bearer {{secrets.token}}" }
      databases:
        contacts:
          primaryKeyProperty: ID
          properties: { Name: title, ID: richText, Seen: date }
      syncs:
        contacts:
          database: contacts
          request: { path: /contacts, query: { since: "{{isodate now}}", until: "{{iso now 'Z'}}" } }
          map:
            Name: "{{record.first}} {{record.last"
            ID: $.id
            Seen: "{{date record.seen_at}}"
    `,
    expected: [
      "crm.yaml:17:49  syncs.contacts.request.query.since: unknown helper 'isodate' (did you mean 'date'? helpers: iso, epochSeconds, epochMillis, date, sqlTime, formatTime, json, default, segments, if, unless, with, each)",
      "crm.yaml:17:75  syncs.contacts.request.query.until: helper 'iso' takes 1 argument, got 2",
      'crm.yaml:19:13  syncs.contacts.map.Name: invalid template: a {{…}} is not closed, or holds a character that is not allowed',
    ],
  },
  {
    name: 'partition in a sync without partitions, record in a request, now in a map value',
    spec: yaml`
      syncspec: 1
      name: crm
      vars:
        tenant: {}
      secrets:
        token: {}
      api:
        baseUrl: "https://{{vars.tenant}}.example.com"
        headers: { Authorization: "Bearer {{secrets.token}}" }
      databases:
        contacts:
          primaryKeyProperty: ID
          properties: { Name: title, ID: richText, Synced: date }
      syncs:
        contacts:
          database: contacts
          request: { path: "/lists/{{partition.id}}/contacts", query: { id: "{{record.id}}" } }
          map: { Name: $.name, ID: $.id, Synced: "{{iso now}}" }
    `,
    expected: [
      "crm.yaml:17:22  syncs.contacts.request.path: partition is not defined: sync 'contacts' has no partitions",
      'crm.yaml:17:71  syncs.contacts.request.query.id: record is only available in map, primaryKey, icon and content',
      "crm.yaml:18:44  syncs.contacts.map.Synced: 'now' is only available in requests; map values may use record, vars",
    ],
  },
  {
    name: 'partition values from a var that is not a list',
    spec: yaml`
      syncspec: 1
      name: crm
      vars:
        tenant: {}
      secrets:
        token: {}
      api:
        baseUrl: "https://api.example.com"
        headers: { Authorization: "Bearer {{secrets.token}}" }
      databases:
        contacts:
          primaryKeyProperty: ID
          properties: { Name: title, ID: richText }
      syncs:
        contacts:
          database: contacts
          partitions: { values: "{{vars.tenant}}" }
          request: { path: "/tenants/{{partition}}/contacts" }
          map: { Name: $.name, ID: $.id }
    `,
    expected: [
      'crm.yaml:17:27  syncs.contacts.partitions.values: vars.tenant must hold a list to give partitions; declare it with type: array',
    ],
  },
  {
    name: 'a template in a shared fragment is reported once, where it is written',
    spec: yaml`
      syncspec: 1
      name: crm
      vars:
        tenant: {}
      secrets:
        token: {}
      api:
        baseUrl: "https://{{vars.tenant}}.example.com"
        headers: { Authorization: "Bearer {{secrets.token}}" }
      definitions:
        requests:
          list: { query: { since: "{{iso cursor.value}}", region: "{{vars.regoin}}" } }
      databases:
        contacts:
          primaryKeyProperty: ID
          properties: { Name: title, ID: richText }
      syncs:
        contacts:
          database: contacts
          request: { use: list, path: /contacts }
          map: { Name: $.name, ID: $.id }
        leads:
          database: contacts
          request: { use: list, path: /leads }
          map: { Name: $.name, ID: $.id }
    `,
    expected: [
      "crm.yaml:12:29  definitions.requests.list.query.since: cursor is not defined in replace sync 'contacts': only incremental syncs and keyset or requery pagination have one",
      "crm.yaml:12:29  definitions.requests.list.query.since: cursor is not defined in replace sync 'leads': only incremental syncs and keyset or requery pagination have one",
      "crm.yaml:12:61  definitions.requests.list.query.region: undefined variable 'vars.regoin' (declared vars: tenant)",
    ],
  },
  {
    name: 'the cursor in a delete stream that has none',
    spec: yaml`
      syncspec: 1
      name: crm
      vars:
        tenant: {}
      secrets:
        token: {}
      api:
        baseUrl: "https://{{vars.tenant}}.example.com"
        headers: { Authorization: "Bearer {{secrets.token}}" }
      databases:
        contacts:
          primaryKeyProperty: ID
          properties: { Name: title, ID: richText }
      syncs:
        contacts:
          database: contacts
          mode: incremental
          cursor: { field: $.updated_at }
          request: { path: /contacts, query: { since: "{{iso cursor.value}}" } }
          deletes:
            stream:
              request: { path: /audit, query: { since: "{{iso cursor.value}}", before: "{{iso until}}" } }
              key: $.object_id
          map: { Name: $.name, ID: $.id }
    `,
    expected: [
      "crm.yaml:22:50  syncs.contacts.deletes.stream.request.query.since: cursor is not defined in the delete stream of sync 'contacts': give the stream its own cursor, or page it by keyset or requery",
    ],
  },
  {
    name: 'requery pagination: the cursor outside {{#if cursor}}, a request without the tie, one without the value',
    spec: yaml`
      syncspec: 1
      name: crm
      vars:
        tenant: {}
      secrets:
        token: {}
      api:
        baseUrl: "https://{{vars.tenant}}.example.com"
        headers: { Authorization: "Bearer {{secrets.token}}" }
      databases:
        contacts:
          primaryKeyProperty: ID
          properties: { Name: title, ID: richText }
      syncs:
        contacts:
          database: contacts
          request:
            method: POST
            path: /contacts/search
            body: { after: "{{cursor.value}}" }
          paginate: { type: requery, field: $.updated_at, idField: $.id, pageSize: 100 }
          map: { Name: $.name, ID: $.id }
        leads:
          database: contacts
          mode: incremental
          cursor: { field: $.updated_at }
          request:
            method: POST
            path: /leads/search
            body: { since: "{{iso until}}", tie: "{{#if cursor.tie}}{{cursor.id}}{{/if}}" }
          paginate: { type: requery, field: $.updated_at, idField: $.id, pageSize: 100 }
          map: { Name: $.name, ID: $.id }
    `,
    expected: [
      "crm.yaml:20:22  syncs.contacts.request.body.after: cursor is not defined in the first request of replace sync 'contacts'; wrap it in {{#if cursor}}…{{/if}}",
      "crm.yaml:21:15  syncs.contacts.paginate: requery pagination cannot get past records that share one value: the request of replace sync 'contacts' uses neither {{cursor.tie}} nor {{cursor.id}}; while cursor.tie is true, ask for that value alone after cursor.id, e.g. {{#if cursor.tie}}…{{cursor.id}}…{{/if}}",
      "crm.yaml:31:15  syncs.leads.paginate: requery pagination cannot advance: the request of incremental sync 'leads' never uses {{cursor.value}}; send it in the query or body",
    ],
  },
  {
    name: 'cursor.tie without requery pagination',
    spec: yaml`
      syncspec: 1
      name: crm
      vars:
        tenant: {}
      secrets:
        token: {}
      api:
        baseUrl: "https://{{vars.tenant}}.example.com"
        headers: { Authorization: "Bearer {{secrets.token}}" }
      databases:
        contacts:
          primaryKeyProperty: ID
          properties: { Name: title, ID: richText }
      syncs:
        contacts:
          database: contacts
          request:
            path: /contacts
            query: { after: "{{#if cursor}}{{cursor.value}},{{cursor.id}},{{cursor.tie}}{{/if}}" }
          paginate: { type: keyset, field: $.updated_at, idField: $.id, pageSize: 100 }
          map: { Name: $.name, ID: $.id }
        leads:
          database: contacts
          mode: incremental
          cursor: { field: $.updated_at, tieBreaker: $.id }
          request: { path: /leads, query: { since: "{{cursor.value}}", tie: "{{cursor.tie}}" } }
          map: { Name: $.name, ID: $.id }
    `,
    expected: [
      "crm.yaml:19:23  syncs.contacts.request.query.after: cursor.tie is not defined in replace sync 'contacts': only requery pagination sets it",
      "crm.yaml:26:71  syncs.leads.request.query.tie: cursor.tie is not defined in incremental sync 'leads': only requery pagination sets it",
    ],
  },
  {
    name: 'a delete stream: page.size without its pageSize, cursor.id without its tieBreaker, keyset without its cursor',
    spec: yaml`
      syncspec: 1
      name: crm
      vars:
        tenant: {}
      secrets:
        token: {}
      api:
        baseUrl: "https://{{vars.tenant}}.example.com"
        headers: { Authorization: "Bearer {{secrets.token}}" }
      databases:
        contacts:
          primaryKeyProperty: ID
          properties: { Name: title, ID: richText }
      syncs:
        contacts:
          database: contacts
          mode: incremental
          cursor: { field: $.updated_at }
          request: { path: /contacts, query: { since: "{{iso cursor.value}}" } }
          paginate: { type: pageNumber, pageSize: { param: limit, value: 100 } }
          deletes:
            stream:
              request: { path: /audit, query: { since: "{{cursor.value}}", id: "{{cursor.id}}", limit: "{{page.size}}" } }
              cursor: { field: $.at }
              paginate: { type: pageNumber }
              key: $.object_id
          map: { Name: $.name, ID: $.id }
        leads:
          database: contacts
          mode: incremental
          cursor: { field: $.updated_at }
          request: { path: /leads, query: { since: "{{iso cursor.value}}" } }
          deletes:
            stream:
              request: { path: /trash, query: { before: "{{iso until}}" } }
              paginate: { type: keyset, field: $.deleted_at, idField: $.id, pageSize: 100 }
              key: $.id
          map: { Name: $.name, ID: $.id }
    `,
    expected: [
      "crm.yaml:23:74  syncs.contacts.deletes.stream.request.query.id: cursor.id is not defined in the delete stream of sync 'contacts': its cursor has no tieBreaker",
      "crm.yaml:23:98  syncs.contacts.deletes.stream.request.query.limit: page.size is not defined: the paginator of the delete stream of sync 'contacts' has no pageSize",
      "crm.yaml:36:19  syncs.leads.deletes.stream.paginate: keyset pagination cannot advance: the request of the delete stream of sync 'leads' never uses {{cursor.value}}; send it in the query or body",
    ],
  },
  {
    name: 'anchor.request sees vars, secrets and now only',
    spec: yaml`
      syncspec: 1
      name: crm
      vars:
        tenant: {}
      secrets:
        token: {}
      api:
        baseUrl: "https://{{vars.tenant}}.example.com"
      databases:
        customers:
          primaryKeyProperty: ID
          properties: { Name: title, ID: richText }
      syncs:
        customers:
          database: customers
          request: { path: /customers }
          anchor:
            delta: events
            request:
              path: "/events/{{secrets.token}}"
              query: { after: "{{cursor.value}}", tenant: "{{vars.tennant}}", at: "{{iso now}}" }
            value: $.data[0].id
          map: { Name: $.name, ID: $.id }
        events:
          database: customers
          mode: incremental
          cursor: { field: $.id, type: string }
          request: { path: /events, query: { after: "{{cursor.value}}" } }
          map: { Name: $.name, ID: $.id }
    `,
    expected: [
      'crm.yaml:20:15  syncs.customers.anchor.request.path: secrets are not allowed in a request path: they would appear in URLs and logs; send them in a header or with api.auth',
      "crm.yaml:21:25  syncs.customers.anchor.request.query.after: 'cursor' is not available in anchor.request; only vars, secrets and now are",
      "crm.yaml:21:53  syncs.customers.anchor.request.query.tenant: undefined variable 'vars.tennant' (did you mean 'vars.tenant'? declared vars: tenant)",
    ],
  },
];

describe('template errors', () => {
  test.each(cases)('$name', async ({ spec, expected }) => {
    const { lines, valid } = await validateProject({ spec, config, env: { CRM_TOKEN: 'not-printed' } });
    expect(lines).toEqual(expected);
    expect(valid).toBe(false);
  });
});
