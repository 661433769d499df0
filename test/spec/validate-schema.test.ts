/**
 * What the validator says about specs that do not match the schema: misspelled keys at any depth,
 * wrong types, unknown enum values and types. Each case is a whole spec and the exact lines printed.
 */
import { describe, expect, test } from 'vitest';
import { validateProject, yaml } from './harness.js';

interface Case {
  name: string;
  spec: string;
  expected: string[];
}

const cases: Case[] = [
  {
    name: 'misspelled top-level key',
    spec: yaml`
      syncspec: 1
      name: crm
      api:
        baseUrl: https://api.example.com
      databses:
        contacts:
          primaryKeyProperty: ID
          properties: { Name: title, ID: richText }
      syncs:
        contacts:
          database: contacts
          request: { path: /contacts }
          map: { Name: $.name, ID: $.id }
    `,
    expected: [
      "crm.yaml:1:1  missing required key 'databases'",
      "crm.yaml:5:1  unknown key 'databses' (did you mean 'databases'? allowed: $schema, syncspec, name, description, vars, secrets, api, pacers, definitions, databases, syncs)",
    ],
  },
  {
    name: 'misspelled key in api',
    spec: yaml`
      syncspec: 1
      name: crm
      api:
        baseURL: https://api.example.com
      databases:
        contacts:
          primaryKeyProperty: ID
          properties: { Name: title, ID: richText }
      syncs:
        contacts:
          database: contacts
          request: { path: /contacts }
          map: { Name: $.name, ID: $.id }
    `,
    expected: [
      "crm.yaml:3:1  api: missing required key 'baseUrl'",
      "crm.yaml:4:3  api: unknown key 'baseURL' (did you mean 'baseUrl'? allowed: baseUrl, headers, auth, timeoutMs, retry, rateLimit, maxResponseBytes, credentialOrigins)",
    ],
  },
  {
    name: 'misspelled key in auth',
    spec: yaml`
      syncspec: 1
      name: crm
      secrets:
        token: { optional: true }
      api:
        baseUrl: https://api.example.com
        auth: { type: bearer, tokn: { secret: token } }
      databases:
        contacts:
          primaryKeyProperty: ID
          properties: { Name: title, ID: richText }
      syncs:
        contacts:
          database: contacts
          request: { path: /contacts }
          map: { Name: $.name, ID: $.id }
    `,
    expected: [
      "crm.yaml:7:9  api.auth: missing required key 'token'",
      "crm.yaml:7:25  api.auth: unknown key 'tokn' (did you mean 'token'? allowed: type, token)",
    ],
  },
  {
    name: 'misspelled key in a property',
    spec: yaml`
      syncspec: 1
      name: crm
      api:
        baseUrl: https://api.example.com
      databases:
        deals:
          primaryKeyProperty: ID
          properties:
            Name: title
            ID: richText
            Amount: { type: number, fromat: euro }
      syncs:
        deals:
          database: deals
          request: { path: /deals }
          map: { Name: $.name, ID: $.id }
    `,
    expected: [
      "crm.yaml:11:31  databases.deals.properties.Amount: unknown key 'fromat' (did you mean 'format'? allowed: type, description, format)",
    ],
  },
  {
    name: 'misspelled key in paginate',
    spec: yaml`
      syncspec: 1
      name: crm
      api:
        baseUrl: https://api.example.com
      databases:
        contacts:
          primaryKeyProperty: ID
          properties: { Name: title, ID: richText }
      syncs:
        contacts:
          database: contacts
          request: { path: /contacts }
          paginate:
            type: token
            token: { path: $.next }
            param: after
            pagesize: 100
          map: { Name: $.name, ID: $.id }
    `,
    expected: [
      "crm.yaml:17:7  syncs.contacts.paginate: unknown key 'pagesize' (did you mean 'pageSize'? allowed: type, token, param, pageSize, stop)",
    ],
  },
  {
    name: 'misspelled key beside use in paginate',
    spec: yaml`
      syncspec: 1
      name: crm
      api:
        baseUrl: https://api.example.com
      definitions:
        paginators:
          pages: { type: pageNumber, pageSize: 50 }
      databases:
        contacts:
          primaryKeyProperty: ID
          properties: { Name: title, ID: richText }
      syncs:
        contacts:
          database: contacts
          request: { path: /contacts }
          paginate: { use: pages, page_size: 10 }
          map: { Name: $.name, ID: $.id }
    `,
    expected: [
      "crm.yaml:16:29  syncs.contacts.paginate: unknown key 'page_size' (did you mean 'pageSize'? allowed: use, pageSize, stop)",
    ],
  },
  {
    name: 'misspelled key in cursor',
    spec: yaml`
      syncspec: 1
      name: crm
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
          request: { path: /contacts, query: { since: "{{cursor.value}}" } }
          cursor:
            field: $.updated_at
            tiebreaker: $.id
          map: { Name: $.name, ID: $.id }
    `,
    expected: [
      "crm.yaml:16:7  syncs.contacts.cursor: unknown key 'tiebreaker' (did you mean 'tieBreaker'? allowed: field, type, format, tieBreaker, initial, bufferSeconds, order, timeField)",
    ],
  },
  {
    name: 'misspelled key in a map value object',
    spec: yaml`
      syncspec: 1
      name: crm
      api:
        baseUrl: https://api.example.com
      databases:
        contacts:
          primaryKeyProperty: ID
          properties: { Name: title, ID: richText }
      syncs:
        contacts:
          database: contacts
          request: { path: /contacts }
          map:
            Name: { pth: $.name, convert: trim }
            ID: $.id
    `,
    expected: [
      "crm.yaml:14:15  syncs.contacts.map.Name: unknown key 'pth' (did you mean 'path'? allowed: path, template, value, convert, default, start, end, url, name, latitude, longitude, address)",
    ],
  },
  {
    name: 'unknown conversion step',
    spec: yaml`
      syncspec: 1
      name: crm
      api:
        baseUrl: https://api.example.com
      databases:
        contacts:
          primaryKeyProperty: ID
          properties: { Name: title, ID: richText }
      syncs:
        contacts:
          database: contacts
          request: { path: /contacts }
          map:
            Name: { path: $.name, convert: [trim, lowercas] }
            ID: $.id
    `,
    expected: [
      "crm.yaml:14:45  syncs.contacts.map.Name.convert[1]: unknown value 'lowercas' (did you mean 'lowercase'? allowed: toNumber, toString, toBoolean, fromEpochSeconds, fromEpochMillis, toDate, trim, lowercase, uppercase, emptyToNull)",
    ],
  },
  {
    name: 'a map where a string is expected, and a string where a map is expected',
    spec: yaml`
      syncspec: 1
      name: crm
      api:
        baseUrl: { url: https://api.example.com }
      databases:
        contacts:
          primaryKeyProperty: ID
          properties: { Name: title, ID: richText }
      syncs:
        contacts:
          database: contacts
          request: /contacts
          map: { Name: $.name, ID: $.id }
    `,
    expected: [
      'crm.yaml:4:12  api.baseUrl: expected a string, got a map',
      "crm.yaml:12:14  syncs.contacts.request: expected a map, got a string ('/contacts')",
    ],
  },
  {
    name: 'a string where an integer is expected',
    spec: yaml`
      syncspec: 1
      name: crm
      api:
        baseUrl: https://api.example.com
        timeoutMs: 30s
      databases:
        contacts:
          primaryKeyProperty: ID
          properties: { Name: title, ID: richText }
      syncs:
        contacts:
          database: contacts
          request: { path: /contacts }
          map: { Name: $.name, ID: $.id }
    `,
    expected: ["crm.yaml:5:14  api.timeoutMs: expected an integer, got a string ('30s')"],
  },
  {
    name: 'misspelled mode',
    spec: yaml`
      syncspec: 1
      name: crm
      api:
        baseUrl: https://api.example.com
      databases:
        contacts:
          primaryKeyProperty: ID
          properties: { Name: title, ID: richText }
      syncs:
        contacts:
          database: contacts
          mode: replce
          request: { path: /contacts }
          map: { Name: $.name, ID: $.id }
    `,
    expected: [
      "crm.yaml:12:11  syncs.contacts.mode: unknown value 'replce' (did you mean 'replace'? allowed: replace, incremental)",
    ],
  },
  {
    name: 'unknown paginator type',
    spec: yaml`
      syncspec: 1
      name: crm
      api:
        baseUrl: https://api.example.com
      databases:
        contacts:
          primaryKeyProperty: ID
          properties: { Name: title, ID: richText }
      syncs:
        contacts:
          database: contacts
          request: { path: /contacts }
          paginate: { type: cursor, param: after }
          map: { Name: $.name, ID: $.id }
    `,
    expected: [
      "crm.yaml:13:23  syncs.contacts.paginate.type: unknown paginator type 'cursor'; expected one of none, token, nextUrl, linkHeader, pageNumber, offset, keyset, relay, requery, searchAfter",
    ],
  },
  {
    name: 'unknown auth type',
    spec: yaml`
      syncspec: 1
      name: crm
      api:
        baseUrl: https://api.example.com
        auth:
          type: oauth
          grant: clientCredentials
      databases:
        contacts:
          primaryKeyProperty: ID
          properties: { Name: title, ID: richText }
      syncs:
        contacts:
          database: contacts
          request: { path: /contacts }
          map: { Name: $.name, ID: $.id }
    `,
    expected: [
      "crm.yaml:6:11  api.auth.type: unknown auth type 'oauth'; did you mean 'oauth2'? expected one of none, bearer, basic, apiKey, oauth2",
    ],
  },
  {
    name: 'unknown property type, and a type that needs settings written bare',
    spec: yaml`
      syncspec: 1
      name: crm
      api:
        baseUrl: https://api.example.com
      databases:
        contacts:
          primaryKeyProperty: ID
          properties:
            Name: title
            ID: text
            Stage: status
      syncs:
        contacts:
          database: contacts
          request: { path: /contacts }
          map: { Name: $.name, ID: $.id }
    `,
    expected: [
      "crm.yaml:10:11  databases.contacts.properties.ID: unknown property type 'text'; did you mean 'richText'? expected one of title, richText, url, email, phoneNumber, checkbox, file, number, date, select, multiSelect, status, people, place, relation",
      "crm.yaml:11:14  databases.contacts.properties.Stage: property type 'status' needs 'groups'; write it as a map: { type: status, groups: … }",
    ],
  },
  {
    name: 'a JSONPath without $',
    spec: yaml`
      syncspec: 1
      name: crm
      api:
        baseUrl: https://api.example.com
      databases:
        contacts:
          primaryKeyProperty: ID
          properties: { Name: title, ID: richText }
      syncs:
        contacts:
          database: contacts
          request: { path: /contacts }
          records: data.items
          map: { Name: $.name, ID: $.id }
    `,
    expected: ["crm.yaml:13:14  syncs.contacts.records: 'data.items' is not a JSONPath: it must start with '$'"],
  },
  {
    name: 'a sync name with a space, and the wrong language version',
    spec: yaml`
      syncspec: 2
      name: crm
      api:
        baseUrl: https://api.example.com
      databases:
        contacts:
          primaryKeyProperty: ID
          properties: { Name: title, ID: richText }
      syncs:
        all contacts:
          database: contacts
          request: { path: /contacts }
          map: { Name: $.name, ID: $.id }
    `,
    expected: [
      'crm.yaml:1:11  syncspec: expected 1, got 2',
      "crm.yaml:10:3  syncs: 'all contacts' is not a valid name: use letters, digits, '_' and '-', starting with a letter or '_'",
    ],
  },
  {
    name: 'an empty select option list and a blank option',
    spec: yaml`
      syncspec: 1
      name: crm
      api:
        baseUrl: https://api.example.com
      databases:
        contacts:
          primaryKeyProperty: ID
          properties:
            Name: title
            ID: richText
            Stage: { type: select, options: [] }
            Tags: { type: multiSelect, options: [vip, " "] }
      syncs:
        contacts:
          database: contacts
          request: { path: /contacts }
          map: { Name: $.name, ID: $.id }
    `,
    expected: [
      'crm.yaml:11:39  databases.contacts.properties.Stage.options: must not be an empty list',
      'crm.yaml:12:49  databases.contacts.properties.Tags.options[1]: must not be blank',
    ],
  },
  {
    name: 'a token paginator given two token sources',
    spec: yaml`
      syncspec: 1
      name: crm
      api:
        baseUrl: https://api.example.com
      databases:
        contacts:
          primaryKeyProperty: ID
          properties: { Name: title, ID: richText }
      syncs:
        contacts:
          database: contacts
          request: { path: /contacts }
          paginate:
            type: token
            token: { path: $.next, header: X-Next }
            param: after
          map: { Name: $.name, ID: $.id }
    `,
    expected: ['crm.yaml:15:14  syncs.contacts.paginate.token: give only one of path, header, lastRecord'],
  },
];

describe('schema errors', () => {
  test.each(cases)('$name', async ({ spec, expected }) => {
    const { lines, valid } = await validateProject({ spec });
    expect(lines).toEqual(expected);
    expect(valid).toBe(false);
  });
});
