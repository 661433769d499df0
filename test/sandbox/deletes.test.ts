/** Deletions show up in every delete-signalling style; delta tokens expire with 410. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATA_EPOCH_MS, startSandbox, type Sandbox } from '../../sandbox/server.js';
import { get, ids, walk } from './helpers.js';

let sb: Sandbox;
const removed = ['cus_000005', 'cus_000010', 'cus_000020'];
const epoch = new Date(DATA_EPOCH_MS).toISOString();

beforeAll(async () => {
  sb = await startSandbox({ seed: 4, counts: { contacts: 40 }, deltaTokenMaxAgeMs: 60_000 });
  for (const id of removed) sb.source.remove('contacts', id);
});
afterAll(() => sb.close());

describe('delete signals', () => {
  it('source.list drops them; source.deletions records them in order', () => {
    expect(ids(sb.source.list('contacts'))).not.toContain('cus_000005');
    expect(ids(sb.source.deletions('contacts'))).toEqual(removed);
  });

  it('marked feed interleaves { id, deleted: true, updated_at } tombstones', async () => {
    const { body } = await get(sb, `/v1/marked/contacts?updated_since=${epoch}`);
    expect(body.data).toEqual(sb.source.deletions('contacts').map((d) => ({ id: d.id, deleted: true, updated_at: d.deleted_at })));
    const all = (await get(sb, '/v1/marked/contacts?limit=100')).body.data;
    expect(all).toHaveLength(40);
  });

  it('archived=true lists only removed records, with their last state', async () => {
    const { body } = await get(sb, '/v1/archived/contacts?archived=true');
    expect(ids(body.results).sort()).toEqual(removed);
    expect(body.results[0]).toMatchObject({ archived: true, name: expect.any(String) });
    expect(body.results[0].archived_at).toBe(body.results[0].updated_at);
    const live = (await get(sb, '/v1/archived/contacts?limit=100')).body.results;
    expect(live).toHaveLength(37);
    expect(live.every((c: { archived: boolean }) => c.archived === false)).toBe(true);
  });

  it('audit log pages by cursor in deleted_at order and filters by since', async () => {
    const got = await walk<string>('/v1/contacts/deleted?limit=2', async (path) => {
      const { body } = await get(sb, path);
      return { records: body.data, next: body.next_cursor ? `/v1/contacts/deleted?limit=2&cursor=${body.next_cursor}` : undefined };
    });
    expect(got).toEqual(sb.source.deletions('contacts'));
    const last = got.at(-1);
    expect(ids((await get(sb, `/v1/contacts/deleted?since=${last.deleted_at}`)).body.data)).toContain(last.id);
    expect((await get(sb, `/v1/contacts/deleted?since=2099-01-01T00:00:00Z`)).body.data).toEqual([]);
  });

  it('the event feed carries contact.deleted with { id } and replays to the truth', async () => {
    const events = await walk<string>('/v1/events?limit=50', async (path) => {
      const { body } = await get(sb, path);
      return { records: body.data, next: body.has_more ? `/v1/events?limit=50&after=${body.data.at(-1).id}` : undefined };
    });
    expect(events.slice(-3).map((e) => [e.type, e.data.object])).toEqual(removed.map((id) => ['contact.deleted', { id }]));
    const replay = new Map<string, unknown>();
    for (const e of events) {
      if (e.type === 'contact.deleted') replay.delete(e.data.object.id);
      else replay.set(e.data.object.id, e.data.object);
    }
    expect([...replay.values()].sort((a: any, b: any) => (a.id < b.id ? -1 : 1))).toEqual(sb.source.list('contacts'));
  });

  it('recent events are newest first and page backwards with starting_after', async () => {
    const page1 = (await get(sb, '/v1/events/recent?limit=2')).body;
    expect(page1.data.map((e: { data: { object: { id: string } } }) => e.data.object.id)).toEqual(['cus_000020', 'cus_000010']);
    expect(page1.has_more).toBe(true);
    const page2 = (await get(sb, `/v1/events/recent?limit=2&starting_after=${page1.data[1].id}`)).body;
    expect(page2.data[0].data.object.id).toBe('cus_000005');
    expect(page2.data[0].id < page1.data[1].id).toBe(true);
  });

  it('the sync feed lists deleted_ids next to changed items', async () => {
    const { body } = await get(sb, `/v1/sync/contacts?since=${epoch}`);
    expect(body).toMatchObject({ items: [], deleted_ids: removed, has_more: false });
    const again = (await get(sb, `/v1/sync/contacts?since=${body.next_since}`)).body;
    expect(again).toMatchObject({ items: [], deleted_ids: [], next_since: body.next_since });
  });
});

describe('delta tokens', () => {
  async function catchUp(token?: string): Promise<{ items: any[]; token: string }> {
    const items: any[] = [];
    let current = token;
    for (;;) {
      const res = await get(sb, `/v1/delta/contacts?limit=25${current ? `&token=${current}` : ''}`);
      if (res.status !== 200) throw Object.assign(new Error(`status ${res.status}`), { res });
      items.push(...res.body.items);
      current = res.body.deltaToken;
      if (res.body.items.length < 25) return { items, token: current! };
    }
  }

  it('a full pass, then only what changed (updates and deletion markers)', async () => {
    const full = await catchUp();
    expect(full.items.filter((i) => !i.deleted)).toHaveLength(37);
    expect(full.items.filter((i) => i.deleted).map((i) => i.id)).toEqual(removed);
    sb.source.update('contacts', 'cus_000001', { name: 'Changed' });
    sb.source.remove('contacts', 'cus_000003');
    const next = await catchUp(full.token);
    expect(next.items).toEqual([expect.objectContaining({ id: 'cus_000001', name: 'Changed' }), { id: 'cus_000003', deleted: true, updated_at: expect.any(String) }]);
    expect((await catchUp(next.token)).items).toEqual([]);
  });

  it('answers 410 token_expired after /_admin/expire-tokens, and a resync without token recovers', async () => {
    const { token } = await catchUp();
    const admin = await fetch(`${sb.url}/_admin/expire-tokens`, { method: 'POST', body: JSON.stringify({ kind: 'delta' }) });
    expect(admin.status).toBe(200);
    const res = await get(sb, `/v1/delta/contacts?token=${token}`);
    expect(res.status).toBe(410);
    expect(res.body.error).toBe('token_expired');
    expect((await catchUp()).items.length).toBeGreaterThan(0);
  });

  it('answers 410 once a token is older than deltaTokenMaxAgeMs', async () => {
    const { token } = await catchUp();
    expect((await get(sb, `/v1/delta/contacts?token=${token}`)).status).toBe(200);
    sb.source.clock.advance(60_001);
    expect((await get(sb, `/v1/delta/contacts?token=${token}`)).status).toBe(410);
  });
});
