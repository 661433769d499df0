/**
 * Equal versions follow the source's order, through `syncspec run` against a loopback API in
 * Stripe's event-list shape: newest first, `created` in whole seconds. A customer created, updated and
 * deleted within one second arrives delete first; the older events of that second, delivered after it
 * with an equal version, must not write the row back — in the cycle that reads them, nor in the next,
 * which reads the boundary second again (`created[gte]`). A genuinely newer event of a later cycle,
 * in the same second, still wins.
 */
import { afterAll, describe, expect, test } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { sendJson, useServers } from '../../support/http-server.js';
import { removeScratchDirs } from '../../support/cli.js';
import { apiProject } from '../../support/api-project.js';

afterAll(removeScratchDirs);
const serve = useServers();

interface StripeEvent {
  id: string;
  type: string;
  created: number;
  data: { object: { id: string; name?: string } };
}

/**
 * An hour ago: inside the spec's two-hour consistency buffer, so the cursor stays before it and every
 * cycle reads this second again (a second older than now − buffer would be passed once read).
 */
const SECOND = Math.floor(Date.now() / 1000) - 3600;

function stripeSpec(): Record<string, unknown> {
  return {
    syncspec: 1,
    name: 'stripe',
    vars: { baseUrl: {} },
    api: { baseUrl: '{{vars.baseUrl}}', retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } },
    databases: { customers: { primaryKeyProperty: 'ID', properties: { Name: 'title', ID: 'richText' } } },
    syncs: {
      events: {
        database: 'customers',
        mode: 'incremental',
        request: { path: '/v1/events', query: { 'created[gte]': '{{epochSeconds cursor.value}}', limit: '2' } },
        records: '$.data[*]',
        object: '$.data.object',
        paginate: { type: 'token', token: { lastRecord: '$.id' }, param: 'starting_after', stop: { hasMore: '$.has_more' } },
        cursor: { field: '$.created', format: 'epochSeconds', order: 'descending', bufferSeconds: 7200 },
        version: '$.created',
        fullSync: 'off',
        deletes: { when: { path: '$.type', equals: 'customer.deleted' } },
        map: { Name: '$.name', ID: '$.id' },
      },
    },
  };
}

/** Stripe's list: newest first (the array is kept newest first), `created[gte]`, `starting_after`, `limit`. */
async function stripeApi(events: StripeEvent[]) {
  return serve((req, res) => {
    const gte = Number(req.query.get('created[gte]') ?? 0);
    const listed = events.filter((event) => event.created >= gte);
    const after = req.query.get('starting_after');
    const start = after ? listed.findIndex((event) => event.id === after) + 1 : 0;
    const limit = Number(req.query.get('limit') ?? 10);
    sendJson(res, 200, { object: 'list', data: listed.slice(start, start + limit), has_more: start + limit < listed.length });
  });
}

const event = (id: string, type: string, created: number, customer: string, name = 'Acme'): StripeEvent => ({ id, type, created, data: { object: { id: customer, name } } });

function names(dir: string): Record<string, string> {
  const db = new Database(join(dir, 'data/sync.db'), { readonly: true });
  try {
    const rows = db.prepare('SELECT _key, "Name" FROM "api.customers" ORDER BY _key').all() as { _key: string; Name: string }[];
    return Object.fromEntries(rows.map((row) => [row._key, row.Name]));
  } finally {
    db.close();
  }
}

describe('a newest-first feed whose versions tie within one second', () => {
  test('a deletion is not undone by older events of the same second, in its cycle or the next', async () => {
    // Ids are not ordered (Stripe's are random): only the list's order says which is newest.
    const events = [
      event('evt_9Qa', 'customer.deleted', SECOND, 'cus_1'),
      event('evt_1Zb', 'customer.updated', SECOND, 'cus_1', 'Acme Renamed'),
      event('evt_5Mc', 'customer.created', SECOND, 'cus_1'),
      event('evt_2Kd', 'customer.created', SECOND - 1, 'cus_2', 'Globex'),
    ];
    const api = await stripeApi(events);
    const project = apiProject(api.url, stripeSpec());
    const first = await project.cli('run', project.config, '--json');
    expect(first.code, first.stdout).toBe(0);
    expect(names(project.dir)).toEqual({ cus_2: 'Globex' });
    // The next cycle reads the boundary second again: the same three events, newest first.
    const second = await project.cli('run', project.config, '--json');
    expect(second.code, second.stdout).toBe(0);
    expect(Number(api.requests.at(-2)?.query.get('created[gte]'))).toBeLessThanOrEqual(SECOND);
    expect(names(project.dir)).toEqual({ cus_2: 'Globex' });
  });

  test('an update of the same second delivered first wins over the older one after it; a later cycle with a newer one wins again', async () => {
    const events = [event('evt_b', 'customer.updated', SECOND, 'cus_3', 'Newest'), event('evt_a', 'customer.created', SECOND, 'cus_3', 'Oldest')];
    const api = await stripeApi(events);
    const project = apiProject(api.url, stripeSpec());
    expect((await project.cli('run', project.config)).code).toBe(0);
    expect(names(project.dir)).toEqual({ cus_3: 'Newest' });
    // Later in that same second another update happened; the next cycle lists it first.
    events.unshift(event('evt_c', 'customer.updated', SECOND, 'cus_3', 'Newer still'));
    expect((await project.cli('run', project.config)).code).toBe(0);
    expect(names(project.dir)).toEqual({ cus_3: 'Newer still' });
  });
});
