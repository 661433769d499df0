/**
 * Partitions: static ones from a config var (connectors/examples/partitions-static.yaml), each
 * with its own incremental cursor; parent-child (crm.issues over crm.repos) landing every issue of
 * every repository; and an interrupted cycle that resumes without refetching what it committed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { OpenedProject } from '../../engine/project.js';
import type { SourceRecord } from '../../sandbox/server.js';
import { commitsOnly, harness, rowsByKey, runSync, type Harness } from '../support/project.js';
import { ids, requestsByUrl } from '../support/truth.js';

const REPOS = ['rep_000001', 'rep_000002', 'rep_000003'];

function issuesOf(records: SourceRecord[], repo: string): SourceRecord[] {
  return records.filter((issue) => issue.repo_id === repo);
}

function maxUpdated(records: SourceRecord[]): string {
  return records.map((record) => record.updated_at).sort().at(-1)!;
}

async function cursors(opened: OpenedProject, sync: string): Promise<Record<string, unknown>> {
  const checkpoints = await opened.store.listCheckpoints(sync);
  return Object.fromEntries(checkpoints.map((c) => [c.partition, (c.state as { cursor: { value: string } }).cursor.value]));
}

describe('partitions', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('static partitions from a config var keep one independent cursor each', async () => {
    h = await harness(
      { gh: { spec: 'connectors/examples/partitions-static.yaml', vars: { repos: REPOS } } },
      { counts: { repos: 4, issuesPerRepo: 25 } },
    );
    const { source } = h.sandbox;
    const opened = await h.open();

    const first = await runSync(opened, 'gh.issues');
    // 3 listed repositories (not the 4th) × 3 pages of 10.
    expect(first).toMatchObject({ status: 'completed', upserted: 75, failed: 0, requests: 9 });
    const issues = source.list('issues');
    const rows = await rowsByKey(opened, 'gh.issues');
    expect([...rows.keys()].sort()).toEqual(ids(issues.filter((issue) => REPOS.includes(issue.repo_id as string))));
    for (const issue of issues.filter((i) => REPOS.includes(i.repo_id as string))) {
      expect(rows.get(issue.id)).toEqual({
        _key: issue.id, Title: issue.title, ID: issue.id, Number: issue.number, State: issue.state,
        Repository: issue.repo_id, Updated: issue.updated_at,
      });
    }

    const firstCursors = Object.fromEntries(REPOS.map((repo) => [repo, maxUpdated(issuesOf(issues, repo))]));
    expect(new Set(Object.values(firstCursors)).size).toBe(3);
    expect(await cursors(opened, 'gh.issues')).toEqual(firstCursors);

    // One issue of the second repository changes (a minute ago: below the 5 s buffer).
    const changed = issuesOf(issues, 'rep_000002')[4];
    const at = new Date(Date.now() - 60_000);
    source.update('issues', changed.id, { title: 'Changed title' }, { at });
    source.stats.clear();

    const second = await runSync(opened, 'gh.issues');
    expect(second).toMatchObject({ status: 'completed', failed: 0, requests: 3 });
    // Each partition asked from its own cursor.
    const sinceByRepo = Object.fromEntries(source.stats.filter({ pathPrefix: '/v1/repos/' }).map((request) => {
      const url = new URL(request.url, 'http://sandbox');
      return [url.pathname.split('/')[3], url.searchParams.get('since')];
    }));
    expect(sinceByRepo).toEqual(firstCursors);
    expect((await rowsByKey(opened, 'gh.issues')).get(changed.id)).toMatchObject({ Title: 'Changed title', Updated: at.toISOString() });
    // Only the second repository's cursor moved.
    expect(await cursors(opened, 'gh.issues')).toEqual({ ...firstCursors, rep_000002: at.toISOString() });
  });

  it('parent-child: lands every issue of every repository, related to its repository', async () => {
    h = await harness({ crm: { spec: 'connectors/sandbox-crm.yaml' } }, { counts: { repos: 3, issuesPerRepo: 25 } });
    const opened = await h.open();
    const summary = await runSync(opened, 'crm.issues');
    // One request lists the repositories, then 2 pages of 20 per repository.
    expect(summary).toMatchObject({ status: 'completed', upserted: 75, failed: 0, requests: 7 });
    const rows = await rowsByKey(opened, 'crm.issues');
    const issues = h.sandbox.source.list('issues');
    expect(issues.some((issue) => issue.state === 'closed')).toBe(true);
    expect([...rows.keys()].sort()).toEqual(ids(issues));
    for (const issue of issues) {
      expect(rows.get(issue.id)).toMatchObject({ Title: issue.title, Number: issue.number, State: issue.state, Repository: [issue.repo_id] });
    }
  });

  describe('an interrupted parent-child cycle', () => {
    const issuePageUrls = (repo: string) => [`/v1/repos/${repo}/issues?state=all&per_page=20`, `/v1/repos/${repo}/issues?state=all&per_page=20&page=2`];

    async function setUp() {
      h = await harness({ crm: { spec: 'connectors/sandbox-crm.yaml' } }, { counts: { repos: 3, issuesPerRepo: 25 } });
      return h.open();
    }

    it('resumes at the failed partition without refetching finished ones', async () => {
      const opened = await setUp();
      const { source } = h!.sandbox;
      source.faults.failNext({ status: 404, pathPrefix: '/v1/repos/rep_000003' });

      const failed = await runSync(opened, 'crm.issues');
      expect(failed).toMatchObject({ status: 'failed', upserted: 50 });
      expect(failed.error).toBe(
        `GET ${h!.sandbox.url}/v1/repos/rep_000003/issues?state=all&per_page=20: 404 Not Found: {"error":"injected_fault","message":"injected 404"}`,
      );
      expect(await opened.store.getRun(failed.runId)).toMatchObject({ status: 'failed', error: failed.error });
      const landed = await rowsByKey(opened, 'crm.issues');
      expect([...landed.keys()].sort()).toEqual(ids(source.list('issues').filter((i) => i.repo_id !== 'rep_000003')));

      const resumed = await runSync(opened, 'crm.issues');
      expect(resumed).toMatchObject({ status: 'completed', upserted: 25, swept: 0 });
      const requests = requestsByUrl(h!.sandbox, '/v1/repos/');
      for (const url of [...issuePageUrls('rep_000001'), ...issuePageUrls('rep_000002')]) expect(requests.get(url), url).toBe(1);
      expect(source.stats.count({ pathPrefix: '/v1/repos/rep_000003/', status: 404 })).toBe(1);
      expect(source.stats.count({ pathPrefix: '/v1/repos/rep_000003/', status: 200 })).toBe(2);
      expect([...(await rowsByKey(opened, 'crm.issues')).keys()].sort()).toEqual(ids(source.list('issues')));
    });

    it('resumes inside a partition at the page after the last committed one', async () => {
      const opened = await setUp();
      const { source } = h!.sandbox;
      let injected = false;
      const failed = await runSync(opened, 'crm.issues', {
        onEvent: commitsOnly((event) => {
          // After rep_000002's first page is committed, its second page fails.
          if (event.partition === 'rep_000002' && !injected) {
            injected = true;
            source.faults.failNext({ status: 404, pathPrefix: '/v1/repos/rep_000002' });
          }
        }),
      });
      expect(failed).toMatchObject({ status: 'failed', upserted: 45 });
      const [checkpoint] = (await opened.store.listCheckpoints('crm.issues')).filter((c) => c.partition === 'rep_000002');
      expect(checkpoint.doneInCycle).toBeNull();

      const resumed = await runSync(opened, 'crm.issues');
      expect(resumed).toMatchObject({ status: 'completed', upserted: 30, swept: 0 });
      const requests = requestsByUrl(h!.sandbox, '/v1/repos/');
      const [page1, page2] = issuePageUrls('rep_000002');
      expect(requests.get(page1)).toBe(1);
      expect(requests.get(page2)).toBe(2); // the 404, then the resumed fetch
      for (const url of [...issuePageUrls('rep_000001'), ...issuePageUrls('rep_000003')]) expect(requests.get(url), url).toBe(1);
      expect([...(await rowsByKey(opened, 'crm.issues')).keys()].sort()).toEqual(ids(source.list('issues')));
    });
  });
});
