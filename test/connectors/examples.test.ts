/**
 * Every pagination style of connectors/examples/ against the sandbox: the database ends up equal to
 * the source, in exactly the number of requests the page size implies. 120 contacts in pages of
 * 40 is an exact multiple on purpose: a style that learns the end from the response (has_more, a
 * missing token, done, a total) stops after 3 requests; one that can only learn it from a short or
 * empty page (keyset) needs a 4th, empty one. So the request count also shows which stop ended it.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenedProject } from '../../engine/project.js';
import { harness, rowsByKey, runSync, ROOT, type Harness } from '../support/project.js';
import { goodContacts } from '../support/truth.js';

const CONTACTS = 120;
const PAGE_SIZE = 40;
const PAGES = CONTACTS / PAGE_SIZE;

/** File → the sandbox path it pages and the stop condition that ends it. */
const paginationExamples = {
  'token-last-record': { path: '/v1/contacts', stop: 'hasMore ($.has_more false)', emptyLastPage: false },
  'token-body': { path: '/v1/crm/contacts', stop: 'missingToken (no paging.next.after)', emptyLastPage: false },
  'token-header': { path: '/v1/header/contacts', stop: 'missingToken (no X-Next-Cursor)', emptyLastPage: false },
  'next-url-absolute': { path: '/v1/graph/contacts', stop: 'missingToken (no @odata.nextLink)', emptyLastPage: false },
  'next-url-relative': { path: '/v1/sf/contacts', stop: 'done ($.done true)', emptyLastPage: false },
  offset: { path: '/v1/jira/contacts', stop: 'total (startAt + records >= total)', emptyLastPage: false },
  'page-number': { path: '/v1/paged/contacts', stop: 'total (page > total_pages)', emptyLastPage: false },
  relay: { path: '/graphql', stop: 'missingToken (hasNextPage false)', emptyLastPage: false },
  'link-header': { path: '/v1/gh/contacts', stop: 'missingToken (no rel="next")', emptyLastPage: false },
  keyset: { path: '/v1/snow/contacts', stop: 'shortPage (an empty 4th page)', emptyLastPage: true },
} as const;

/** Examples of other features, each proven by its own test file. */
const scenarioExamples = {
  'partitions-static': 'test/interpreter/partitions.test.ts',
  'delete-markers': 'test/interpreter/delete-markers.test.ts',
  'search-requery': 'test/interpreter/requery.test.ts',
  'delta-token': 'test/interpreter/resync.test.ts',
};

const exampleFiles = readdirSync(join(ROOT, 'connectors/examples'))
  .filter((file) => file.endsWith('.yaml'))
  .map((file) => file.slice(0, -'.yaml'.length));

describe('connectors/examples', () => {
  let h: Harness;
  let opened: OpenedProject;

  beforeAll(async () => {
    const connectors = Object.fromEntries(
      Object.keys(paginationExamples).map((name) => [name, { spec: `connectors/examples/${name}.yaml` }]),
    );
    h = await harness(connectors, { counts: { contacts: CONTACTS }, clean: true });
    opened = await h.open();
  });
  afterAll(() => h?.close());

  it('has an expectation for every example spec', () => {
    expect(exampleFiles.sort()).toEqual([...Object.keys(paginationExamples), ...Object.keys(scenarioExamples)].sort());
  });

  it.each(Object.entries(paginationExamples))('%s: the database equals the source, in the requests the page size implies', async (name, example) => {
    const summary = await runSync(opened, `${name}.contacts`);
    expect(summary).toMatchObject({ status: 'completed', error: null, failed: 0, upserted: CONTACTS });

    const expectedRequests = PAGES + (example.emptyLastPage ? 1 : 0);
    expect(summary.requests, `stops on ${example.stop}`).toBe(expectedRequests);
    expect(h.sandbox.source.stats.count({ pathPrefix: example.path })).toBe(expectedRequests);

    const rows = await rowsByKey(opened, `${name}.contacts`);
    const source = goodContacts(h.sandbox);
    expect([...rows.keys()].sort()).toEqual(source.map((contact) => contact.id).sort());
    for (const contact of source) {
      expect(rows.get(contact.id)).toEqual({
        _key: contact.id, ID: contact.id, Name: contact.name, Email: contact.email, Updated: contact.updated_at,
      });
    }
  });
});
