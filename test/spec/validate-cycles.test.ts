/**
 * What the validator says about the keys that tie cycles together — anchor (a backfill paired with
 * its delta), fullSync and resync (incremental syncs restarted from the beginning) — and about
 * cursors and delete streams: which cursor types use which keys, and what a delete stream can page by.
 */
import { describe, expect, test } from 'vitest';
import { validateProject, yaml } from './harness.js';

interface Case {
  name: string;
  spec: string;
  expected: string[];
  /** Warnings alone leave a spec valid. */
  valid?: boolean;
}

const cases: Case[] = [
  {
    name: 'a backfill anchored on its timestamp delta, and on an event feed read from the API (valid)',
    spec: yaml`
      syncspec: 1
      name: crm
      api:
        baseUrl: https://api.example.com
      databases:
        contacts:
          primaryKeyProperty: ID
          properties: { Name: title, ID: richText }
        customers:
          primaryKeyProperty: ID
          properties: { Name: title, ID: richText }
      syncs:
        contactsBackfill:
          database: contacts
          request: { path: /contacts }
          anchor: { delta: contactsDelta }
          map: { Name: $.name, ID: $.id }
        contactsDelta:
          database: contacts
          mode: incremental
          cursor: { field: $.updated_at, tieBreaker: $.id }
          fullSync: off
          resync: { status: [410], when: { path: $.error, equals: token_expired } }
          request: { path: /contacts, query: { since: "{{iso cursor.value}}" } }
          map: { Name: $.name, ID: $.id }
        customersBackfill:
          database: customers
          request: { path: /customers }
          anchor:
            delta: customerEvents
            request: { path: /events, query: { limit: "1" } }
            value: $.data[0].id
          map: { Name: $.name, ID: $.id }
        customerEvents:
          database: customers
          mode: incremental
          cursor: { field: $.id, type: string, timeField: $.created }
          fullSync: 24h
          request: { path: /events, query: { after: "{{cursor.value}}" } }
          records: $.data[*]
          object: $.data.object
          map: { Name: $.name, ID: $.id }
    `,
    expected: [],
    valid: true,
  },
  {
    name: 'an anchor on an incremental sync',
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
        contactsDelta:
          database: contacts
          mode: incremental
          cursor: { field: $.updated_at }
          anchor: { delta: contactsDelta }
          request: { path: /contacts, query: { since: "{{iso cursor.value}}" } }
          map: { Name: $.name, ID: $.id }
    `,
    expected: [
      'crm.yaml:14:13  syncs.contactsDelta.anchor: anchor is for replace syncs (backfills) paired with a delta; an incremental sync continues from its own cursor',
    ],
  },
  {
    name: 'an anchor naming an unknown delta (misspelled)',
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
        contactsBackfill:
          database: contacts
          request: { path: /contacts }
          anchor: { delta: contactDelta }
          map: { Name: $.name, ID: $.id }
        contactsDelta:
          database: contacts
          mode: incremental
          cursor: { field: $.updated_at }
          request: { path: /contacts, query: { since: "{{iso cursor.value}}" } }
          map: { Name: $.name, ID: $.id }
    `,
    expected: [
      "crm.yaml:13:22  syncs.contactsBackfill.anchor.delta: unknown delta sync 'contactDelta' (did you mean 'contactsDelta'? incremental syncs of database 'contacts': contactsDelta)",
    ],
  },
  {
    name: 'an anchor in a connector without a delta for the database',
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
          anchor: { delta: contactsDelta }
          map: { Name: $.name, ID: $.id }
    `,
    expected: [
      "crm.yaml:13:22  syncs.contacts.anchor.delta: unknown delta sync 'contactsDelta' (this connector has no incremental sync writing database 'contacts')",
    ],
  },
  {
    name: 'anchors on itself, on a replace sync, on a delta of another database and on a partitioned delta',
    spec: yaml`
      syncspec: 1
      name: crm
      api:
        baseUrl: https://api.example.com
      databases:
        contacts:
          primaryKeyProperty: ID
          properties: { Name: title, ID: richText }
        companies:
          primaryKeyProperty: ID
          properties: { Name: title, ID: richText }
      syncs:
        self:
          database: contacts
          request: { path: /contacts }
          anchor: { delta: self }
          map: { Name: $.name, ID: $.id }
        onReplace:
          database: contacts
          request: { path: /contacts }
          anchor: { delta: self }
          map: { Name: $.name, ID: $.id }
        onOtherDatabase:
          database: contacts
          request: { path: /contacts }
          anchor: { delta: companiesDelta }
          map: { Name: $.name, ID: $.id }
        onPartitioned:
          database: contacts
          request: { path: /contacts }
          anchor: { delta: regionDelta }
          map: { Name: $.name, ID: $.id }
        companiesDelta:
          database: companies
          mode: incremental
          cursor: { field: $.updated_at }
          request: { path: /companies, query: { since: "{{iso cursor.value}}" } }
          map: { Name: $.name, ID: $.id }
        regionDelta:
          database: contacts
          mode: incremental
          partitions: { values: [eu, us] }
          cursor: { field: $.updated_at }
          request: { path: "/{{partition}}/contacts", query: { since: "{{iso cursor.value}}" } }
          map: { Name: $.name, ID: $.id }
    `,
    expected: [
      'crm.yaml:16:22  syncs.self.anchor.delta: anchor.delta names this sync itself; name the incremental sync that continues after the backfill',
      "crm.yaml:21:22  syncs.onReplace.anchor.delta: anchor.delta 'self' is a replace sync; name an incremental sync (the delta that continues after the backfill)",
      "crm.yaml:26:22  syncs.onOtherDatabase.anchor.delta: anchor.delta 'companiesDelta' writes database 'companies', not 'contacts'; a backfill and its delta write the same database",
      "crm.yaml:31:22  syncs.onPartitioned.anchor.delta: anchor.delta 'regionDelta' has partitions; an anchor snapshots one position, so its delta cannot be partitioned",
    ],
  },
  {
    name: 'an anchor without a request on an event feed (string cursor) and on a delta token (opaque cursor)',
    spec: yaml`
      syncspec: 1
      name: crm
      api:
        baseUrl: https://api.example.com
      databases:
        customers:
          primaryKeyProperty: ID
          properties: { Name: title, ID: richText }
        files:
          primaryKeyProperty: ID
          properties: { Name: title, ID: richText }
      syncs:
        customers:
          database: customers
          request: { path: /customers }
          anchor: { delta: events }
          map: { Name: $.name, ID: $.id }
        events:
          database: customers
          mode: incremental
          cursor: { field: $.id, type: string }
          request: { path: /events, query: { after: "{{cursor.value}}" } }
          map: { Name: $.name, ID: $.id }
        files:
          database: files
          request: { path: /files }
          anchor: { delta: filesDelta, value: $.token }
          map: { Name: $.name, ID: $.id }
        filesDelta:
          database: files
          mode: incremental
          cursor: { field: $.deltaToken, type: opaque }
          request: { path: /files/delta, query: { token: "{{cursor.value}}" } }
          map: { Name: $.name, ID: $.id }
    `,
    expected: [
      "crm.yaml:16:13  syncs.customers.anchor: anchor.request is needed: delta 'events' has a string cursor, so its position must be read from the API",
      "crm.yaml:27:13  syncs.files.anchor: anchor.request is needed: delta 'filesDelta' has an opaque cursor, so its position must be read from the API",
    ],
  },
  {
    name: 'anchor.request without value, and value without request',
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
        backfillA:
          database: contacts
          request: { path: /contacts }
          anchor:
            delta: contactsDelta
            request: { path: /contacts/latest }
          map: { Name: $.name, ID: $.id }
        backfillB:
          database: contacts
          request: { path: /contacts }
          anchor: { delta: contactsDelta, value: $.updated_at }
          map: { Name: $.name, ID: $.id }
        contactsDelta:
          database: contacts
          mode: incremental
          cursor: { field: $.updated_at }
          request: { path: /contacts, query: { since: "{{iso cursor.value}}" } }
          map: { Name: $.name, ID: $.id }
    `,
    expected: [
      'crm.yaml:13:5  syncs.backfillA.anchor: anchor.request needs value: where the position is in its response, e.g. value: $.data[0].id',
      'crm.yaml:20:44  syncs.backfillB.anchor.value: anchor.value reads the response of anchor.request; give request too, or remove value',
    ],
  },
  {
    name: 'anchor.request from an unknown fragment, and one without a path',
    spec: yaml`
      syncspec: 1
      name: crm
      api:
        baseUrl: https://api.example.com
      definitions:
        requests:
          latest: { query: { limit: "1" } }
      databases:
        customers:
          primaryKeyProperty: ID
          properties: { Name: title, ID: richText }
      syncs:
        backfillA:
          database: customers
          request: { path: /customers }
          anchor: { delta: events, request: { use: lastest }, value: "$.data[0].id" }
          map: { Name: $.name, ID: $.id }
        backfillB:
          database: customers
          request: { path: /customers }
          anchor: { delta: events, request: { use: latest }, value: "$.data[0].id" }
          map: { Name: $.name, ID: $.id }
        events:
          database: customers
          mode: incremental
          cursor: { field: $.id, type: string }
          request: { path: /events, query: { after: "{{cursor.value}}" } }
          map: { Name: $.name, ID: $.id }
    `,
    expected: [
      "crm.yaml:16:46  syncs.backfillA.anchor.request.use: unknown request fragment 'lastest' (did you mean 'latest'? declared: latest)",
      "crm.yaml:21:39  syncs.backfillB.anchor.request: request has no path; give path here or in the fragment 'latest'",
    ],
  },
  {
    name: 'fullSync and resync on a replace sync',
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
          fullSync: "off"
          resync: { status: [410] }
          map: { Name: $.name, ID: $.id }
    `,
    expected: [
      'crm.yaml:13:15  syncs.contacts.fullSync: fullSync is for incremental syncs; every cycle of a replace sync is already a full sync',
      'crm.yaml:14:13  syncs.contacts.resync: resync is for incremental syncs; a replace sync keeps no delta position that could expire',
    ],
  },
  {
    name: 'resync.when with a path that is not JSONPath',
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
          cursor: { field: $.updated_at }
          resync: { when: { path: error.code, equals: expired } }
          request: { path: /contacts, query: { since: "{{iso cursor.value}}" } }
          map: { Name: $.name, ID: $.id }
    `,
    expected: ["crm.yaml:14:29  syncs.contacts.resync.when.path: 'error.code' is not a JSONPath: it must start with '$'"],
  },
  {
    name: 'timeField on a timestamp cursor and on an opaque cursor',
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
          cursor: { field: $.updated_at, timeField: $.updated_at }
          request: { path: /contacts, query: { since: "{{iso cursor.value}}" } }
          map: { Name: $.name, ID: $.id }
        changes:
          database: contacts
          mode: incremental
          cursor: { field: $.deltaToken, type: opaque, timeField: $.changed_at }
          request: { path: /contacts/delta, query: { token: "{{cursor.value}}" } }
          map: { Name: $.name, ID: $.id }
    `,
    expected: [
      'crm.yaml:13:47  syncs.contacts.cursor.timeField: timeField is for number and string cursors; a timestamp cursor is its own time',
      'crm.yaml:19:61  syncs.changes.cursor.timeField: timeField is for number and string cursors; an opaque cursor is read from the response, not from the records',
    ],
  },
  {
    name: 'a delete stream with a delta token for a cursor and an unknown paginator',
    spec: yaml`
      syncspec: 1
      name: crm
      api:
        baseUrl: https://api.example.com
      definitions:
        paginators:
          pages: { type: pageNumber, pageSize: { param: limit, value: 100 } }
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
              request: { path: /audit, query: { token: "{{cursor.value}}" } }
              cursor: { field: $.next, type: opaque }
              paginate: { use: page }
              key: $.object_id
          map: { Name: $.name, ID: $.id }
    `,
    expected: [
      "crm.yaml:21:40  syncs.contacts.deletes.stream.cursor.type: a delete stream's cursor is read from its records: use type timestamp, number or string (delta tokens are not supported for delete streams)",
      "crm.yaml:22:26  syncs.contacts.deletes.stream.paginate.use: unknown paginator 'page' (did you mean 'pages'? declared: pages)",
    ],
  },
  {
    name: 'a flip-flop delete stream with its own string cursor and paginator (valid)',
    spec: yaml`
      syncspec: 1
      name: crm
      api:
        baseUrl: https://api.example.com
      definitions:
        paginators:
          pages: { type: pageNumber, pageSize: { param: limit, value: 100 } }
      databases:
        contacts:
          primaryKeyProperty: ID
          properties: { Name: title, ID: richText }
      syncs:
        contacts:
          database: contacts
          mode: incremental
          cursor: { field: $.updated_at }
          request: { path: /contacts, query: { since: "{{iso cursor.value}}", before: "{{iso until}}" } }
          deletes:
            stream:
              request: { path: /audit, query: { after: "{{cursor.value}}", limit: "{{page.size}}" } }
              records: $.entries[*]
              cursor: { field: $.id, type: string, timeField: $.at }
              paginate: { use: pages }
              key: $.object_id
          map: { Name: $.name, ID: $.id }
    `,
    expected: [],
    valid: true,
  },
];

describe('anchors, full syncs, resyncs, cursors and delete streams', () => {
  test.each(cases)('$name', async ({ spec, expected, valid = false }) => {
    const result = await validateProject({ spec });
    expect(result.lines).toEqual(expected);
    expect(result.valid).toBe(valid);
  });
});
