/**
 * A delete stream run flip-flop with its delta (`deletes.stream`): the CRM's keyset delta, and the
 * sandbox's audit log of deletions (GET /v1/contacts/deleted?since=&cursor=). One cycle walks the
 * delta until it is caught up, the next walks the delete stream until it is caught up, then back;
 * each keeps its own cursor in the one checkpoint state, and pagination, page splitting and the
 * cap at now − buffer work alike in both. A full cycle runs the delta alone and hands over to the
 * delete stream from the cycle's start.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { OpenedProject } from '../../engine/project.js';
import { commitsOnly, harness, loadSpec, rowsByKey, runSync, stateOf, syncOf, type Harness } from '../support/project.js';
import { cycleStartedAt } from '../support/sqlite.js';
import { ids } from '../support/truth.js';

const SYNC = 'crm.contactsDelta';

function flipFlopSpec(options: { maxChangesPerCommit?: number; deletesPageSize?: number } = {}) {
  return loadSpec('connectors/sandbox-crm.yaml', (spec) => {
    const delta = syncOf(spec, 'contactsDelta');
    delta.cursor.bufferSeconds = 0;
    if (options.maxChangesPerCommit) delta.maxChangesPerCommit = options.maxChangesPerCommit;
    delta.deletes = {
      stream: {
        request: { path: '/v1/contacts/deleted', query: { since: '{{cursor.value}}' } },
        records: '$.data[*]',
        key: '$.id',
        paginate: { type: 'token', token: { path: '$.next_cursor' }, param: 'cursor', pageSize: { value: options.deletesPageSize ?? 10, param: 'limit' } },
        cursor: { field: '$.deleted_at', bufferSeconds: 0 },
      },
    };
  });
}

/** The keyset position of the newest contact: where a caught-up delta stands (no buffer). */
function lastPosition(contacts: { id: string; updated_at: string }[]) {
  const last = contacts.sort((a, b) => a.updated_at.localeCompare(b.updated_at) || a.id.localeCompare(b.id)).at(-1)!;
  return { value: last.updated_at, id: last.id };
}

const sinceOf = (url: string) => new URL(url, 'http://sandbox').searchParams.get('since');

describe('flip-flop delete stream', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  async function cycleStart(opened: OpenedProject): Promise<string> {
    const [checkpoint] = await opened.store.listCheckpoints(SYNC);
    return cycleStartedAt(opened, checkpoint.cycle).toISOString();
  }

  it('alternates delta and delete-stream cycles, each from its own persisted cursor', async () => {
    h = await harness({ crm: { spec: flipFlopSpec() } }, { counts: { contacts: 30, companies: 3 }, clean: true });
    const { source } = h.sandbox;
    const opened = await h.open();

    // Cycle 1, the delta: every contact; the next cycle is the delete stream's, which starts where
    // this first cycle of its delta started (now − its buffer of 0): older deletions concern rows never read.
    expect(await runSync(opened, SYNC)).toMatchObject({ status: 'completed', upserted: 30, deleted: 0, requests: 1 });
    const deltaCursor = lastPosition(source.list('contacts'));
    const firstCycle = await cycleStart(opened);
    expect(await stateOf(opened, SYNC)).toEqual({ phase: 'deletes', cursor: deltaCursor, deletes: { cursor: { value: firstCycle, id: null } } });

    const removed = [source.remove('contacts', 'cus_000003'), source.remove('contacts', 'cus_000017')];
    const renamed = source.update('contacts', 'cus_000010', { name: 'Renamed' });
    source.stats.clear();

    // Cycle 2, the delete stream, from the delta's first cycle: the two deletions, nothing else.
    expect(await runSync(opened, SYNC)).toMatchObject({ status: 'completed', upserted: 0, deleted: 2, requests: 1 });
    expect(source.stats.filter({ pathPrefix: '/v1/' }).map((request) => request.path)).toEqual(['/v1/contacts/deleted']);
    expect(sinceOf(source.stats.requests[0].url)).toBe(firstCycle);
    let rows = await rowsByKey(opened, 'crm.contacts');
    expect(rows.has('cus_000003') || rows.has('cus_000017')).toBe(false);
    expect(rows.get('cus_000010')).not.toMatchObject({ Name: 'Renamed' });
    const deletesCursor = { value: removed[1].deleted_at, id: null };
    expect(await stateOf(opened, SYNC)).toEqual({ phase: 'delta', cursor: deltaCursor, deletes: { cursor: deletesCursor } });

    // Cycle 3, the delta again, from where it stood: the rename.
    source.stats.clear();
    expect(await runSync(opened, SYNC)).toMatchObject({ status: 'completed', upserted: 1, deleted: 0, requests: 1 });
    expect(source.stats.requests.map((request) => request.path)).toEqual(['/v1/keyset/contacts']);
    rows = await rowsByKey(opened, 'crm.contacts');
    expect(rows.get('cus_000010')).toMatchObject({ Name: 'Renamed', Updated: renamed.updated_at });
    expect(await stateOf(opened, SYNC)).toEqual({
      phase: 'deletes', cursor: { value: renamed.updated_at, id: 'cus_000010' }, deletes: { cursor: deletesCursor },
    });

    // Cycle 4, the delete stream from its own cursor (`since` is inclusive: the last deletion again).
    source.stats.clear();
    expect(await runSync(opened, SYNC)).toMatchObject({ status: 'completed', upserted: 0, requests: 1 });
    expect(sinceOf(source.stats.requests[0].url)).toBe(removed[1].deleted_at);
    expect(await stateOf(opened, SYNC)).toEqual({
      phase: 'delta', cursor: { value: renamed.updated_at, id: 'cus_000010' }, deletes: { cursor: deletesCursor },
    });
    expect([...(await rowsByKey(opened, 'crm.contacts')).keys()].sort()).toEqual(ids(source.list('contacts')));
  });

  it('pages and splits the delete stream like the delta, and persists its position between commits', async () => {
    h = await harness({ crm: { spec: flipFlopSpec({ maxChangesPerCommit: 2, deletesPageSize: 3 }) } }, { counts: { contacts: 12, companies: 3 }, clean: true });
    const { source } = h.sandbox;
    const opened = await h.open();
    expect(await runSync(opened, SYNC)).toMatchObject({ status: 'completed', upserted: 12 });
    const deltaCursor = lastPosition(source.list('contacts'));
    const firstCycle = await cycleStart(opened);
    const removed = ['cus_000002', 'cus_000004', 'cus_000006', 'cus_000008', 'cus_000010'].map((id) => source.remove('contacts', id));

    // Pages of 3 and 2 deletions, commits of at most 2: 2 + 1, then 2. Stop after the first commit.
    const controller = new AbortController();
    const commits: number[] = [];
    const stopped = await runSync(opened, SYNC, {
      signal: controller.signal,
      onEvent: commitsOnly((event) => commits.push(event.deleted) === 1 && controller.abort()),
    });
    expect(stopped).toMatchObject({ status: 'cancelled', deleted: 2, requests: 1 });
    const midPage = await stateOf(opened, SYNC);
    // The delta's cursor waits; the delete stream is inside its first page: two of its records are committed.
    expect(midPage).toEqual({
      phase: 'deletes',
      cursor: deltaCursor,
      deletes: {
        cursor: { value: firstCycle, id: null },
        high: { value: removed[1].deleted_at, id: null },
        page: { position: { at: null }, skip: 2 },
      },
    });
    // Which two: the page log beside the checkpoint (not the checkpoint itself, which stays small).
    expect(await opened.store.readPageLog(SYNC, '')).toEqual([`key:${removed[0].id}`, `key:${removed[1].id}`]);

    const resumed = await runSync(opened, SYNC, { onEvent: commitsOnly((event) => commits.push(event.deleted)) });
    // The rest of page 1 (still cached by this process: not fetched again), then page 2.
    expect(resumed).toMatchObject({ status: 'completed', deleted: 3, requests: 1 });
    expect(commits).toEqual([2, 1, 2]);
    expect(await stateOf(opened, SYNC)).toMatchObject({ phase: 'delta', deletes: { cursor: { value: removed[4].deleted_at, id: null } } });
    expect([...(await rowsByKey(opened, 'crm.contacts')).keys()].sort()).toEqual(ids(source.list('contacts')));
  });

  it('a full cycle runs the delta alone, then the delete stream continues from the cycle start', async () => {
    h = await harness({ crm: { spec: flipFlopSpec() } }, { counts: { contacts: 20, companies: 3 }, clean: true });
    const { source } = h.sandbox;
    const opened = await h.open();
    expect(await runSync(opened, SYNC)).toMatchObject({ status: 'completed', upserted: 20 });
    expect(await runSync(opened, SYNC)).toMatchObject({ status: 'completed', deleted: 0 });
    source.remove('contacts', 'cus_000005');
    source.stats.clear();

    // The full cycle's sweep removes what was deleted before it; no delete-stream request is made.
    const full = await runSync(opened, SYNC, { full: true });
    expect(full).toMatchObject({ status: 'completed', full: true, upserted: 19, swept: 1, requests: 1 });
    expect(source.stats.requests.map((request) => request.path)).toEqual(['/v1/keyset/contacts']);
    const start = await cycleStart(opened);
    const state = (await stateOf(opened, SYNC)) as { phase: string; deletes: unknown };
    expect(state).toMatchObject({ phase: 'deletes', deletes: { cursor: { value: start, id: null } } });

    // What is deleted while (or after) the full cycle runs comes through the delete stream, from its start.
    source.remove('contacts', 'cus_000006');
    source.stats.clear();
    expect(await runSync(opened, SYNC)).toMatchObject({ status: 'completed', deleted: 1, requests: 1 });
    expect(sinceOf(source.stats.requests[0].url)).toBe(start);
    expect([...(await rowsByKey(opened, 'crm.contacts')).keys()].sort()).toEqual(ids(source.list('contacts')));
  });
});
