/** Replica lag: a write reaches list/query/event/audit endpoints only lagMs after it happened. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATA_EPOCH_MS, startSandbox, type Sandbox } from '../../sandbox/server.js';
import { get, ids } from './helpers.js';

const LAG = 5_000;
let sb: Sandbox;
beforeAll(async () => {
  sb = await startSandbox({ seed: 9, counts: { contacts: 30 }, lagMs: LAG });
});
afterAll(() => sb.close());

const listed = async () => (await get(sb, '/v1/contacts?limit=100')).body.data as Array<{ id: string; name: string }>;
/** Every seeded record is older than DATA_EPOCH_MS; every live write is newer. */
const since = new Date(DATA_EPOCH_MS).toISOString();

describe('eventual consistency', () => {
  it('hides fresh writes from every feed until the lag has passed, while source.list sees them at once', async () => {
    const created = sb.source.create('contacts', { name: 'Fresh Face' });
    sb.source.update('contacts', 'cus_000001', { name: 'Renamed' });
    sb.source.remove('contacts', 'cus_000002');
    const oldName = (await listed()).find((c) => c.id === 'cus_000001')!.name;

    expect(ids(sb.source.list('contacts'))).toContain(created.id);
    expect(ids(sb.source.list('contacts'))).not.toContain('cus_000002');

    // Before the lag: the replica still shows the old world.
    const stale = await listed();
    expect(ids(stale)).not.toContain(created.id);
    expect(ids(stale)).toContain('cus_000002');
    expect(stale.find((c) => c.id === 'cus_000001')!.name).not.toBe('Renamed');
    expect(stale.find((c) => c.id === 'cus_000001')!.name).toBe(oldName);
    expect((await get(sb, `/v1/keyset/contacts?since=${since}`)).body.data).toEqual([]);
    expect((await get(sb, '/v1/contacts/deleted')).body.data).toEqual([]);
    expect((await get(sb, `/v1/sync/contacts?since=${since}`)).body).toMatchObject({ items: [], deleted_ids: [] });
    const events = (await get(sb, '/v1/events/recent?limit=3')).body.data;
    expect(events.every((e: { type: string }) => e.type === 'contact.created')).toBe(true);

    sb.source.clock.advance(LAG);

    const fresh = await listed();
    expect(ids(fresh)).toContain(created.id);
    expect(ids(fresh)).not.toContain('cus_000002');
    expect(fresh.find((c) => c.id === 'cus_000001')!.name).toBe('Renamed');
    expect(ids((await get(sb, `/v1/keyset/contacts?since=${since}`)).body.data).sort()).toEqual(['cus_000001', created.id].sort());
    expect(ids((await get(sb, '/v1/contacts/deleted')).body.data)).toEqual(['cus_000002']);
    expect((await get(sb, '/v1/events/recent?limit=3')).body.data.map((e: { type: string }) => e.type)).toEqual(['contact.deleted', 'contact.updated', 'contact.created']);
  });

  it('works on the wall clock too, and lag can be changed at runtime', async () => {
    sb.source.configure({ lagMs: 120 });
    const createdAt = performance.now();
    const created = sb.source.create('contacts', { name: 'Wall Clock' });
    expect(ids(await listed())).not.toContain(created.id);
    // Polls until the replica shows it: never sooner than the lag (a lower bound only).
    while (!ids(await listed()).includes(created.id)) await new Promise((r) => setImmediate(r));
    expect(performance.now() - createdAt).toBeGreaterThanOrEqual(119);
    sb.source.configure({ lagMs: 0 });
    const instant = sb.source.create('contacts', {});
    expect(ids(await listed())).toContain(instant.id);
  });
});
