/**
 * What the validator says about how syncs run: mode and cursor, deletions, pacers, schedules,
 * fragments, partitions and pagination.
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
    name: 'an incremental sync without a cursor',
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
          request: { path: /contacts }
          map: { Name: $.name, ID: $.id }
    `,
    expected: [
      'crm.yaml:12:11  syncs.contacts.mode: an incremental sync needs a cursor: the record field that orders changes, e.g. cursor: { field: $.updated_at }',
    ],
  },
  {
    name: 'a cursor in a replace sync',
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
          cursor: { field: $.updated_at }
          map: { Name: $.name, ID: $.id }
    `,
    expected: [
      'crm.yaml:13:13  syncs.contacts.cursor: a replace sync has no cursor; set mode: incremental to fetch only changes, or remove cursor',
    ],
  },
  {
    name: 'a cursor in a replace sync paged by keyset (only a warning)',
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
          request:
            path: /contacts
            query: { after: "{{#if cursor}}{{cursor.value}},{{cursor.id}}{{/if}}" }
          paginate: { type: keyset, field: $.updated_at, idField: $.id, pageSize: 100 }
          cursor: { field: $.updated_at }
          map: { Name: $.name, ID: $.id }
    `,
    expected: [
      'crm.yaml:16:13  warning: syncs.contacts.cursor: a replace sync keeps no cursor; its keyset paginator sets {{cursor.value}} and {{cursor.id}} by itself, so this cursor is not used: remove it',
    ],
    valid: true,
  },
  {
    name: 'a cursor in a replace sync paged by requery, tie handled (only a warning)',
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
          request:
            method: POST
            path: /contacts/search
            body:
              after: "{{#if cursor}}{{#unless cursor.tie}}{{cursor.value}}{{/unless}}{{/if}}"
              equal: "{{#if cursor.tie}}{{cursor.value}}{{/if}}"
              afterId: "{{#if cursor.tie}}{{cursor.id}}{{/if}}"
          paginate: { type: requery, field: $.updated_at, idField: $.id, pageSize: 100 }
          cursor: { field: $.updated_at }
          map: { Name: $.name, ID: $.id }
    `,
    expected: [
      'crm.yaml:20:13  warning: syncs.contacts.cursor: a replace sync keeps no cursor; its requery paginator sets {{cursor.value}} and {{cursor.id}} by itself, so this cursor is not used: remove it',
    ],
    valid: true,
  },
  {
    name: 'an opaque cursor with a tieBreaker (only a warning)',
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
          request: { path: /contacts/delta, query: { token: "{{cursor.value}}" } }
          cursor: { field: $.deltaToken, type: opaque, tieBreaker: $.id }
          map: { Name: $.name, ID: $.id }
    `,
    expected: [
      'crm.yaml:14:62  warning: syncs.contacts.cursor.tieBreaker: an opaque cursor is sent back as the API gave it, so tieBreaker is not used: remove it',
    ],
    valid: true,
  },
  {
    name: 'deletes in a replace sync',
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
          deletes: { when: { path: $.deleted, equals: true } }
          map: { Name: $.name, ID: $.id }
    `,
    expected: [
      'crm.yaml:13:14  syncs.contacts.deletes: deletes only apply to incremental syncs; a replace sync already deletes the rows a cycle did not see',
    ],
  },
  {
    name: 'an unknown pacer',
    spec: yaml`
      syncspec: 1
      name: crm
      api:
        baseUrl: https://api.example.com
      pacers:
        hubspot: { allowedRequests: 100, intervalMs: 10000 }
      databases:
        contacts:
          primaryKeyProperty: ID
          properties: { Name: title, ID: richText }
      syncs:
        contacts:
          database: contacts
          pacer: hubspt
          request: { path: /contacts }
          map: { Name: $.name, ID: $.id }
    `,
    expected: [
      "crm.yaml:6:3  warning: pacers.hubspot: pacer 'hubspot' is named by no sync (pacer: hubspot), so it limits nothing",
      "crm.yaml:14:12  syncs.contacts.pacer: unknown pacer 'hubspt' (did you mean 'hubspot'? declared: hubspot)",
    ],
  },
  {
    name: 'a bad cron expression and a bad interval',
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
          schedule: "*/61 * * * *"
          request: { path: /contacts }
          map: { Name: $.name, ID: $.id }
        companies:
          database: contacts
          schedule: 5x
          request: { path: /companies }
          map: { Name: $.name, ID: $.id }
    `,
    expected: [
      "crm.yaml:12:15  syncs.contacts.schedule: invalid cron expression '*/61 * * * *': Syntax error, max steps for part is (60)",
      "crm.yaml:17:15  syncs.companies.schedule: invalid schedule '5x': expected 'manual', an interval such as 30s, 5m, 1h or 1d, or a 5- or 6-field cron expression",
    ],
  },
  {
    name: 'unknown request and paginator fragments',
    spec: yaml`
      syncspec: 1
      name: crm
      api:
        baseUrl: https://api.example.com
      definitions:
        requests:
          list: { method: GET, query: { limit: "100" } }
        paginators:
          pages: { type: pageNumber }
      databases:
        contacts:
          primaryKeyProperty: ID
          properties: { Name: title, ID: richText }
      syncs:
        contacts:
          database: contacts
          request: { use: lists, path: /contacts }
          paginate: { use: page }
          map: { Name: $.name, ID: $.id }
    `,
    expected: [
      "crm.yaml:17:21  syncs.contacts.request.use: unknown request fragment 'lists' (did you mean 'list'? declared: list)",
      "crm.yaml:18:22  syncs.contacts.paginate.use: unknown paginator 'page' (did you mean 'pages'? declared: pages)",
    ],
  },
  {
    name: 'a request without a path, even after its fragment',
    spec: yaml`
      syncspec: 1
      name: crm
      api:
        baseUrl: https://api.example.com
      definitions:
        requests:
          list: { method: GET, query: { limit: "100" } }
      databases:
        contacts:
          primaryKeyProperty: ID
          properties: { Name: title, ID: richText }
      syncs:
        contacts:
          database: contacts
          request: { use: list }
          map: { Name: $.name, ID: $.id }
    `,
    expected: ["crm.yaml:15:14  syncs.contacts.request: request has no path; give path here or in the fragment 'list'"],
  },
  {
    name: 'a partition parent that is not a sync',
    spec: yaml`
      syncspec: 1
      name: crm
      api:
        baseUrl: https://api.example.com
      databases:
        issues:
          primaryKeyProperty: ID
          properties: { Name: title, ID: richText }
      syncs:
        repos:
          database: issues
          request: { path: /repos }
          map: { Name: $.name, ID: $.id }
        issues:
          database: issues
          partitions: { parent: { sync: repo } }
          request: { path: "/repos/{{partition.name}}/issues" }
          map: { Name: $.title, ID: $.id }
    `,
    expected: [
      "crm.yaml:16:35  syncs.issues.partitions.parent.sync: unknown parent sync 'repo' (did you mean 'repos'? syncs: repos)",
    ],
  },
  {
    name: 'partition parents in a cycle',
    spec: yaml`
      syncspec: 1
      name: crm
      api:
        baseUrl: https://api.example.com
      databases:
        items:
          primaryKeyProperty: ID
          properties: { Name: title, ID: richText }
      syncs:
        folders:
          database: items
          partitions: { parent: { sync: files } }
          request: { path: "/folders/{{partition.id}}" }
          map: { Name: $.name, ID: $.id }
        files:
          database: items
          partitions: { parent: { sync: folders } }
          request: { path: "/files/{{partition.id}}" }
          map: { Name: $.name, ID: $.id }
    `,
    expected: [
      'crm.yaml:12:35  syncs.folders.partitions.parent.sync: partition parents form a cycle: folders → files → folders',
      'crm.yaml:17:35  syncs.files.partitions.parent.sync: partition parents form a cycle: files → folders → files',
    ],
  },
  {
    name: 'a short-page stop without a page size',
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
            type: pageNumber
            stop: { shortPage: true }
          map: { Name: $.name, ID: $.id }
    `,
    expected: [
      'crm.yaml:15:26  syncs.contacts.paginate.stop.shortPage: stop.shortPage compares each page with the page size, but the paginator has no pageSize',
    ],
  },
  {
    name: 'keyset pagination whose request never uses the cursor',
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
          request: { path: /contacts, query: { order: updated_at } }
          paginate: { type: keyset, field: $.updated_at, idField: $.id, pageSize: 100 }
          map: { Name: $.name, ID: $.id }
    `,
    expected: [
      "crm.yaml:13:15  syncs.contacts.paginate: keyset pagination cannot advance: the request of replace sync 'contacts' never uses {{cursor.value}}; send it in the query or body",
    ],
  },
  {
    name: 'requery pagination without a page size, and with a short-page stop in a delete stream',
    spec: yaml`
      syncspec: 1
      name: crm
      api:
        baseUrl: https://api.example.com
      definitions:
        paginators:
          search: { type: requery, field: $.updated_at, idField: $.id }
      databases:
        contacts:
          primaryKeyProperty: ID
          properties: { Name: title, ID: richText }
      syncs:
        contacts:
          database: contacts
          mode: incremental
          cursor: { field: $.updated_at }
          request:
            method: POST
            path: /contacts/search
            body: { after: "{{cursor.value}}", tie: "{{#if cursor.tie}}{{cursor.id}}{{/if}}" }
          paginate: { use: search }
          deletes:
            stream:
              request:
                method: POST
                path: /contacts/archived
                body: { after: "{{cursor.value}}", tie: "{{#if cursor.tie}}{{cursor.id}}{{/if}}" }
              cursor: { field: $.archived_at }
              paginate: { use: search, pageSize: 100, stop: { shortPage: true } }
              key: $.id
          map: { Name: $.name, ID: $.id }
    `,
    expected: [
      'crm.yaml:21:15  syncs.contacts.paginate: requery pagination needs pageSize: a full page is what starts a walk through records that share one value',
      'crm.yaml:29:68  syncs.contacts.deletes.stream.paginate.stop.shortPage: stop.shortPage does not fit requery pagination: a short page inside a walk through tied records is not the end; requery stops on a short page by itself',
    ],
  },
];

describe('sync errors', () => {
  test.each(cases)('$name', async ({ spec, expected, valid = false }) => {
    const result = await validateProject({ spec });
    expect(result.lines).toEqual(expected);
    expect(result.valid).toBe(valid);
  });
});
