/** The admin HTTP API (what a test driving a child process uses), parent/child routes, and the CLI parser. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../sandbox/main.js';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { get, ids, walk } from './helpers.js';

let sb: Sandbox;
beforeAll(async () => {
  sb = await startSandbox({ seed: 8, counts: { contacts: 20, repos: 2, issuesPerRepo: 12 } });
});
afterAll(() => sb.close());

async function admin(path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${sb.url}/_admin/${path}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

describe('/_admin', () => {
  it('info describes the running sandbox', async () => {
    const { body } = await admin('info');
    expect(body).toMatchObject({ url: sb.url, seed: 8, counts: { contacts: 20 }, badContactIds: ['cus_000013'], config: { lagMs: 0, rateLimit: null } });
  });

  it('create, update, bulk-update and remove reach the API and the snapshot', async () => {
    const created = await admin('create', { resource: 'contacts', record: { name: 'Via Admin' } });
    expect(created.status).toBe(201);
    const id = created.body.record.id;
    expect(id).toBe('cus_000021');
    const updated = await admin('update', { resource: 'contacts', id, patch: { stage: 'Customer' }, at: '2031-05-05T05:05:05.005Z' });
    expect(updated.body.record).toMatchObject({ stage: 'Customer', updated_at: '2031-05-05T05:05:05.005Z' });
    const bulk = await admin('bulk-update', { resource: 'contacts', ids: ['cus_000001', 'cus_000002'], patch: { active: false }, at: '2031-06-01T00:00:00.000Z' });
    expect(bulk.body.records.map((r: { updated_at: string }) => r.updated_at)).toEqual(['2031-06-01T00:00:00.000Z', '2031-06-01T00:00:00.000Z']);
    const removed = await admin('remove', { resource: 'contacts', id: 'cus_000003' });
    expect(removed.body).toMatchObject({ id: 'cus_000003', deleted_at: expect.any(String) });

    const snapshot = (await admin('snapshot?resource=contacts')).body;
    expect(snapshot.records).toEqual(sb.source.list('contacts'));
    expect(snapshot.deleted).toEqual([removed.body]);
    const api = (await get(sb, '/v1/keyset/contacts?since=2031-01-01T00:00:00Z')).body.data;
    expect(ids(api)).toEqual([id, 'cus_000001', 'cus_000002']);
  });

  it('reports 400 for bad input and 404 for unknown ids', async () => {
    expect((await admin('create', { resource: 'widgets' })).status).toBe(400);
    expect((await admin('update', { resource: 'contacts', id: 'cus_999999', patch: {} })).status).toBe(404);
    expect((await admin('update', { resource: 'contacts', id: 'cus_000001' })).status).toBe(400);
    expect((await admin('config', { lagMs: -1 })).status).toBe(400);
    expect((await admin('nope')).status).toBe(404);
  });

  it('stats, config, clock and reset', async () => {
    await get(sb, '/v1/contacts');
    const stats = (await admin('stats?pathPrefix=/v1/contacts')).body;
    expect(stats.total).toBeGreaterThan(0);
    expect(stats.requests[0]).toMatchObject({ method: 'GET', path: '/v1/contacts' });
    expect((await admin('config', { lagMs: 250 })).body.lagMs).toBe(250);
    await admin('config', { lagMs: 0 });
    const before = sb.source.clock.now();
    const { body } = await admin('clock', { advanceMs: 1000 });
    expect(Date.parse(body.now)).toBeGreaterThanOrEqual(before + 1000);
    const reset = await admin('reset', { seed: 8, counts: { contacts: 5 } });
    expect(reset.body.counts.contacts).toBe(5);
    expect(sb.source.list('contacts')).toHaveLength(5);
    await admin('reset', { counts: { contacts: 20 } });
  });
});

describe('repos and issues (GitHub style, parent → child)', () => {
  it('lists repos and walks a repo\'s issues through Link headers, state=all', async () => {
    const repos = (await get(sb, '/v1/repos')).body;
    expect(ids(repos)).toEqual(['rep_000001', 'rep_000002']);
    const issues = await walk<string>(`/v1/repos/${repos[1].id}/issues?state=all&per_page=5`, async (path) => {
      const res = await get(sb, path);
      return { records: res.body, next: /<([^>]+)>;\s*rel="next"/.exec(res.headers.get('link') ?? '')?.[1] };
    });
    const truth = sb.source.list('issues').filter((i) => i.repo_id === 'rep_000002');
    expect([...ids(issues)].sort()).toEqual(ids(truth));
  });

  it('defaults to open issues like GitHub, filters by since, finds repos by name, 404s unknown ones', async () => {
    const repo = sb.source.list('repos')[0];
    const open = (await get(sb, `/v1/repos/${repo.name}/issues?per_page=100`)).body;
    expect(open.every((i: { state: string }) => i.state === 'open')).toBe(true);
    const [issue] = sb.source.list('issues');
    sb.source.update('issues', issue.id, { state: 'closed' }, { at: new Date('2032-01-01T00:00:00Z') });
    const recent = (await get(sb, `/v1/repos/${repo.id}/issues?state=all&since=2032-01-01T00:00:00Z`)).body;
    expect(ids(recent)).toEqual([issue.id]);
    expect((await get(sb, '/v1/repos/nope/issues')).status).toBe(404);
  });
});

describe('CLI arguments', () => {
  it('maps flags onto SandboxOptions', () => {
    expect(parseCliArgs(['--port', '0', '--seed', '7', '--contacts', '30', '--lag-ms', '100', '--rate-limit', '10/1000', '--clean', '--faults', '{"rate5xx":0.1}'])).toMatchObject({
      port: 0,
      seed: 7,
      counts: { contacts: 30 },
      lagMs: 100,
      clean: true,
      rateLimit: { requests: 10, windowMs: 1000 },
      faults: { rate5xx: 0.1 },
    });
    expect(parseCliArgs([])).toMatchObject({ port: 4010, counts: {} });
    expect(parseCliArgs(['--help'])).toBe('help');
  });

  it('rejects bad values with a readable message', () => {
    expect(() => parseCliArgs(['--contacts', 'many'])).toThrow(/--contacts must be a non-negative integer/);
    expect(() => parseCliArgs(['--rate-limit', '10'])).toThrow(/--rate-limit/);
    expect(() => parseCliArgs(['--faults', '{"nope":1}'])).toThrow(/--faults: unknown fault option/);
    expect(() => parseCliArgs(['--bogus'])).toThrow();
  });
});
