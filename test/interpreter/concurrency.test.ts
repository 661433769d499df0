/**
 * Concurrency, measured at the server: every sandbox request is slowed by SLOW_MS, and its log
 * (arrival time + duration) says which requests were in flight together. Syncs of different
 * connectors overlap; the syncs of one connector, and everything under `concurrency: 1`, do not;
 * `partitionConcurrency` runs partitions side by side, each with its own checkpoint.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { RequestLogEntry } from '../../sandbox/server.js';
import { executeContext, harness, loadSpec, rowsByKey, runSync, syncNamed, syncOf, type ConnectorEntry, type Harness } from '../support/project.js';
import { runProject } from '../../engine/project.js';
import { sandboxSpec } from '../support/cli.js';
import { ids, requestsByUrl } from '../support/truth.js';

const SLOW_MS = 40;
const REPOS = ['rep_000001', 'rep_000002', 'rep_000003', 'rep_000004'];

interface Span {
  start: number;
  end: number;
}

const spanOf = (entry: RequestLogEntry): Span => ({ start: entry.time, end: entry.time + entry.durationMs });

/** The most requests in flight at one moment. */
function maxInFlight(entries: RequestLogEntry[]): number {
  const edges = entries.flatMap((entry) => [[entry.time, 1], [entry.time + entry.durationMs, -1]]);
  // At equal times, an end comes before a start: back-to-back requests do not overlap.
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let max = 0;
  for (const [, delta] of edges) max = Math.max(max, (now += delta));
  return max;
}

const overlaps = (a: Span[], b: Span[]) => a.some((x) => b.some((y) => x.start < y.end && y.start < x.end));

/** When the requests under `prefix` began and ended (durations are rounded to the ms: 1 ms slack). */
function window(entries: RequestLogEntry[], prefix: string): Span {
  const spans = entries.filter((entry) => entry.path.startsWith(prefix)).map(spanOf);
  if (spans.length === 0) throw new Error(`no request under ${prefix}`);
  return { start: Math.min(...spans.map((s) => s.start)), end: Math.max(...spans.map((s) => s.end)) - 1 };
}

function setConcurrency(configPath: string, concurrency: number): void {
  writeFileSync(configPath, readFileSync(configPath, 'utf8').replace('syncspec: 1\n', `syncspec: 1\nconcurrency: ${concurrency}\n`));
}

describe('concurrency', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  async function twoConnectors(): Promise<Harness> {
    const crm: ConnectorEntry = { spec: sandboxSpec({ pageSize: 20 }) };
    h = await harness({ a: crm, b: crm }, { counts: { companies: 50, contacts: 60, repos: 3 }, clean: true });
    h.sandbox.source.faults.set({ slowMs: SLOW_MS });
    return h;
  }

  const SYNCS = ['a.companies', 'a.repos', 'b.contactsBackfill'];

  it('runs syncs of different connectors at once, and the syncs of one connector one after another', async () => {
    const { sandbox, open } = await twoConnectors();
    const summaries = await runProject(await open(), { syncs: SYNCS });
    expect(summaries.map((s) => [s.sync, s.status])).toEqual(SYNCS.map((sync) => [sync, 'completed']));
    const log = sandbox.source.stats.requests;
    const a = log.filter((entry) => !entry.path.startsWith('/v1/contacts')).map(spanOf);
    const b = log.filter((entry) => entry.path.startsWith('/v1/contacts')).map(spanOf);
    expect(b.length).toBeGreaterThanOrEqual(3);
    expect(overlaps(a, b)).toBe(true);
    // Connector a: companies (first, as selected) is over before repos begins.
    expect(window(log, '/v1/companies').end).toBeLessThanOrEqual(window(log, '/v1/repos').start);
    expect(maxInFlight(log)).toBe(2);
    expect((await rowsByKey(await open(), 'b.contacts')).size).toBe(60);
  });

  it('with `concurrency: 1` runs every sync alone, in the order selected', async () => {
    const { sandbox, open, configPath } = await twoConnectors();
    setConcurrency(configPath, 1);
    const opened = await open();
    expect(opened.project.concurrency).toBe(1);
    const summaries = await runProject(opened, { syncs: SYNCS });
    expect(summaries.map((s) => s.status)).toEqual(['completed', 'completed', 'completed']);
    const log = sandbox.source.stats.requests;
    expect(maxInFlight(log)).toBe(1);
    const [companies, repos, contacts] = ['/v1/companies', '/v1/repos', '/v1/contacts'].map((prefix) => window(log, prefix));
    expect(companies.end).toBeLessThanOrEqual(repos.start);
    expect(repos.end).toBeLessThanOrEqual(contacts.start);
  });

  /** partitions-static.yaml over REPOS with 25 issues each (3 pages of 10), no retry delays. */
  async function staticPartitions(partitionConcurrency?: number, maxChangesPerCommit?: number): Promise<Harness> {
    const spec = loadSpec('connectors/examples/partitions-static.yaml', (s) => {
      (s.api as Record<string, unknown>).retry = { attempts: 1 };
      if (partitionConcurrency) syncOf(s, 'issues').partitionConcurrency = partitionConcurrency;
      if (maxChangesPerCommit) syncOf(s, 'issues').maxChangesPerCommit = maxChangesPerCommit;
    });
    h = await harness({ gh: { spec, vars: { repos: REPOS } } }, { counts: { repos: 4, issuesPerRepo: 25 } });
    h.sandbox.source.faults.set({ slowMs: SLOW_MS });
    return h;
  }

  function cursorsBySource(h: Harness): Record<string, string> {
    const issues = h.sandbox.source.list('issues');
    return Object.fromEntries(REPOS.map((repo) => [repo, issues.filter((i) => i.repo_id === repo).map((i) => i.updated_at as string).sort().at(-1)!]));
  }

  async function cursors(h: Harness): Promise<Record<string, unknown>> {
    const opened = await h.open();
    const checkpoints = await opened.store.listCheckpoints('gh.issues');
    return Object.fromEntries(checkpoints.map((c) => [c.partition, (c.state as { cursor: { value: string } }).cursor.value]));
  }

  it('runs partitions one at a time by default', async () => {
    const harnessed = await staticPartitions();
    expect(await runSync(await harnessed.open(), 'gh.issues')).toMatchObject({ status: 'completed', upserted: 100, requests: 12 });
    expect(maxInFlight(harnessed.sandbox.source.stats.requests)).toBe(1);
  });

  it('partitionConcurrency: 3 runs three partitions at once, each landing its rows and its own cursor', async () => {
    const harnessed = await staticPartitions(3);
    const opened = await harnessed.open();
    expect(await runSync(opened, 'gh.issues')).toMatchObject({ status: 'completed', upserted: 100, requests: 12, failed: 0 });
    expect(maxInFlight(harnessed.sandbox.source.stats.requests)).toBe(3);
    expect([...(await rowsByKey(opened, 'gh.issues')).keys()].sort()).toEqual(ids(harnessed.sandbox.source.list('issues')));
    expect(await cursors(harnessed)).toEqual(cursorsBySource(harnessed));
    expect([...requestsByUrl(harnessed.sandbox, '/v1/repos/').values()].every((count) => count === 1)).toBe(true);
  });

  it('a page split over several commits stays cached per partition while other partitions fetch theirs', async () => {
    // Pages of 10 commit in parts of 4. The runtime interleaves partitions' execute calls at will.
    const harnessed = await staticPartitions(undefined, 4);
    const sync = syncNamed(await harnessed.open(), 'gh.issues');
    const ctx = (repo: string) => executeContext({ partition: { key: repo, value: repo } });
    const a1 = await sync.execute(undefined, ctx('rep_000001'));
    const b1 = await sync.execute(undefined, ctx('rep_000002'));
    const a2 = await sync.execute(a1.nextState, ctx('rep_000001'));
    const b2 = await sync.execute(b1.nextState, ctx('rep_000002'));
    expect(harnessed.sandbox.source.stats.count()).toBe(2);
    // Each partition went on with its own page: the next 4 records of it, none seen before.
    const repoOf = new Map(harnessed.sandbox.source.list('issues').map((issue) => [issue.id, issue.repo_id]));
    for (const [repo, parts] of [['rep_000001', [a1, a2]], ['rep_000002', [b1, b2]]] as const) {
      const keys = parts.flatMap((part) => part.changes.map((change) => change.key));
      expect(keys).toHaveLength(8);
      expect(new Set(keys).size).toBe(8);
      expect(keys.every((key) => repoOf.get(key) === repo)).toBe(true);
    }
  });

  it('a failing partition stops the others after the page they are on; the next run resumes each where it stopped', async () => {
    const harnessed = await staticPartitions(2);
    const { source, url } = harnessed.sandbox;
    source.faults.failNext({ status: 404, pathPrefix: '/v1/repos/rep_000001/' });
    const opened = await harnessed.open();
    const failed = await runSync(opened, 'gh.issues');
    expect(failed).toMatchObject({ status: 'failed', swept: 0 });
    expect(failed.error).toBe(`GET ${url}/v1/repos/rep_000001/issues?state=all&since=1970-01-01T00%3A00%3A00.000Z&per_page=10: 404 Not Found: {"error":"injected_fault","message":"injected 404"}`);
    // rep_000002 was mid-page when rep_000001 failed: it committed that page and stopped; 3 and 4 never started.
    const requested = new Set(source.stats.requests.map((entry) => entry.path.split('/')[3]));
    expect([...requested].sort()).toEqual(['rep_000001', 'rep_000002']);
    const [checkpoint] = await opened.store.listCheckpoints('gh.issues');
    expect(checkpoint).toMatchObject({ partition: 'rep_000002', doneInCycle: null });
    const landed = (await rowsByKey(opened, 'gh.issues')).size;
    expect([10, 20]).toContain(landed);
    expect(failed.upserted).toBe(landed);

    const resumed = await runSync(opened, 'gh.issues');
    expect(resumed).toMatchObject({ status: 'completed', upserted: 100 - landed });
    // rep_000002's committed pages were not fetched again.
    const pages = requestsByUrl(harnessed.sandbox, '/v1/repos/rep_000002/');
    expect([...pages.values()].every((count) => count === 1)).toBe(true);
    expect([...(await rowsByKey(opened, 'gh.issues')).keys()].sort()).toEqual(ids(source.list('issues')));
    expect(await cursors(harnessed)).toEqual(cursorsBySource(harnessed));
  });

  it('parent-child partitions (crm.issues over crm.repos) run concurrently too', async () => {
    const spec = sandboxSpec({ pageSize: 20 });
    syncOf(spec, 'issues').partitionConcurrency = 3;
    h = await harness({ crm: { spec } }, { counts: { repos: 3, issuesPerRepo: 25 } });
    h.sandbox.source.faults.set({ slowMs: SLOW_MS });
    const opened = await h.open();
    // One request lists the repositories, then 2 pages of 20 per repository.
    expect(await runSync(opened, 'crm.issues')).toMatchObject({ status: 'completed', upserted: 75, requests: 7 });
    expect(maxInFlight(h.sandbox.source.stats.filter({ pathPrefix: '/v1/repos/rep_' }))).toBe(3);
    const rows = await rowsByKey(opened, 'crm.issues');
    expect([...rows.keys()].sort()).toEqual(ids(h.sandbox.source.list('issues')));
    for (const issue of h.sandbox.source.list('issues')) expect(rows.get(issue.id)).toMatchObject({ Repository: [issue.repo_id] });
  });
});
