/**
 * maxChangesPerCommit splits pages: with 7 per commit on pages of 25, no commit carries more than
 * 7 changes, each page is fetched once however many commits it takes, and the totals are right —
 * for a replace sync (token pagination) and an incremental one (keyset). A newest-first page split
 * over commits is in incremental.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { CommitEvent } from '../../engine/runtime/loop.js';
import { commitsOnly, harness, loadSpec, rowsByKey, runSync, syncOf, type Harness } from '../support/project.js';
import { goodContacts, ids, requestsByUrl } from '../support/truth.js';

const spec = loadSpec('connectors/sandbox-crm.yaml', (s) => {
  const backfill = syncOf(s, 'contactsBackfill');
  backfill.paginate.pageSize = { value: 25, param: 'limit' };
  backfill.maxChangesPerCommit = 7;
  const delta = syncOf(s, 'contactsDelta');
  delta.paginate.pageSize = 25;
  delta.maxChangesPerCommit = 7;
});

describe('maxChangesPerCommit', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it.each([
    ['crm.contactsBackfill', '/v1/contacts', 3],
    // Keyset: 60 = 25 + 25 + 10, the short third page ends it.
    ['crm.contactsDelta', '/v1/keyset/contacts', 3],
  ])('%s: commits of at most 7 changes, every page fetched once', async (sync, path, pages) => {
    h = await harness({ crm: { spec } }, { counts: { contacts: 60, companies: 3 } });
    const opened = await h.open();
    const commits: CommitEvent[] = [];
    const summary = await runSync(opened, sync, { onEvent: commitsOnly((event) => commits.push(event)) });

    expect(summary).toMatchObject({ status: 'completed', upserted: 59, failed: 1, requests: pages });
    // Records per commit (changes + failed records): 25 → 7+7+7+4, 25 → 7+7+7+4, 10 → 7+3.
    expect(commits.map((c) => c.upserted + c.failed)).toEqual([7, 7, 7, 4, 7, 7, 7, 4, 7, 3]);
    expect(commits.every((c) => c.upserted + c.deleted <= 7)).toBe(true);
    expect(commits.reduce((sum, c) => sum + c.failed, 0)).toBe(1);
    for (const [url, count] of requestsByUrl(h.sandbox, path)) expect(count, url).toBe(1);
    expect(h.sandbox.source.stats.count({ pathPrefix: path })).toBe(pages);
    expect([...(await rowsByKey(opened, 'crm.contacts')).keys()].sort()).toEqual(ids(goodContacts(h.sandbox)));
    const runs = await opened.store.listRuns({ sync });
    expect(runs[0]).toMatchObject({ status: 'completed', upserted: 59, failed: 1, requests: pages });
  });

});
