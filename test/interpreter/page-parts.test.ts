/**
 * A page far larger than maxChangesPerCommit is committed in parts, and what each part costs does not
 * grow with what was committed before it: the checkpoint holds a count, and the identities committed
 * go to the page log a part at a time. (How fast a 100k-record page goes is `npm run bench`'s
 * business; here, that the state stays small and that a resume still commits every record once.)
 */
import { afterAll, describe, expect, test } from 'vitest';
import { openProject } from '../../engine/project.js';
import { sendJson, useServers } from '../support/http-server.js';
import { removeScratchDirs } from '../support/cli.js';
import { apiProject, itemsPage, itemsSpec } from '../support/api-project.js';
import { runSync } from '../support/project.js';

afterAll(removeScratchDirs);
const serve = useServers();

const RECORDS = 1_000;
const PER_COMMIT = 10;
const ids = Array.from({ length: RECORDS }, (_, i) => `item-${String(i).padStart(4, '0')}`);

describe('one page of 1,000 records, 10 per commit', () => {
  test('the checkpoint stays the same size however much of the page is committed; a new process resumes exactly', async () => {
    let served = ids;
    const api = await serve((_req, res) => sendJson(res, 200, itemsPage(served)));
    const { config, env } = apiProject(api.url, itemsSpec({}, { maxChangesPerCommit: PER_COMMIT }));

    const first = await openProject(config, { env });
    const sizes: number[] = [];
    const stop = new AbortController();
    const commits = { count: 0 };
    const stopped = await runSync(first, 'api.items', {
      signal: stop.signal,
      onEvent: (event) => {
        if (event.type !== 'commit') return;
        if (++commits.count === 60) stop.abort();
        void first.store.getCheckpoint('api.items', '').then((c) => sizes.push(JSON.stringify(c?.state).length));
      },
    });
    expect(stopped).toMatchObject({ status: 'cancelled', upserted: 600 });
    const checkpoint = await first.store.getCheckpoint('api.items', '');
    expect(checkpoint?.state).toEqual({ page: { position: { at: null }, skip: 600 } });
    expect(Math.max(...sizes)).toBeLessThan(60);
    expect(await first.store.readPageLog('api.items', '')).toEqual(ids.slice(0, 600).map((id) => `key:${id}`));
    await first.close();

    // Fetched again, the page has lost a committed record: resuming by count would skip one never written.
    served = ids.filter((id) => id !== 'item-0100');
    const next = await openProject(config, { env });
    const resumed = await runSync(next, 'api.items');
    // The 400 not committed yet, each once (item-0100, written earlier this cycle, goes at the next sweep).
    expect(resumed).toMatchObject({ status: 'completed', upserted: 400 });
    const { rows } = await next.store.readRows(next.syncs[0].database, { limit: 2_000 });
    expect(rows.map((row) => row._key)).toEqual(ids);
    expect(await next.store.readPageLog('api.items', '')).toEqual([]);
    await next.close();
  });
});
