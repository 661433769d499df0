/**
 * How `syncspec state show` reads checkpoints into columns: the phase of a flip-flop sync, both
 * cursors (with the highest record seen in the open cycle), where an interrupted cycle resumes,
 * and compact JSON for whatever it does not recognise (hand-written syncs, unknown keys).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { stateTable, type StateLine } from '../../engine/cli/commands/state.js';
import { describeState } from '../../engine/interpreter/state-format.js';
import { sandboxEnv, writeConfig } from '../support/project.js';
import { removeScratchDirs, runCli, scratchDir, tableRows, withProject } from '../support/cli.js';

afterAll(removeScratchDirs);

const UPDATED = '2024-05-01T10:00:05.123Z';

const line = (sync: string, state: unknown, overrides: Partial<StateLine> = {}): StateLine => ({
  sync, partition: '', cycle: 'in progress', state, updated: UPDATED, ...overrides,
});

describe('state show: the table', () => {
  test('a flip-flop sync in its delete phase, a delta mid-cycle, a finished partition, an anchored delta', () => {
    const text = stateTable([
      line('crm.contacts', {
        phase: 'deletes',
        cursor: { value: '2024-05-01T09:59:50.000Z', id: 'cus_000012' },
        deletes: {
          cursor: { value: 'evt_0042', id: null },
          high: { value: 'evt_0050', id: null },
          page: { position: { at: 'tok_7', previousPage: '5f1c' }, skip: 20 },
        },
      }),
      line('crm.deals', {
        cursor: { value: 1714557600, id: null },
        high: { value: 1714557700, id: 'deal_9' },
        page: { position: { at: 3 }, skip: 0 },
      }),
      line('crm.issues', null, { partition: 'rep_000001', cycle: 'done' }),
      line('crm.events', { cursor: { value: 'evt_0100', id: null } }, { cycle: 'anchored', updated: '-' }),
    ]);
    expect(text.split('\n')).toEqual([
      'sync          partition   cycle        phase    cursor                                 delete cursor            page                                             updated',
      'crm.contacts  -           in progress  deletes  2024-05-01T09:59:50.000Z (cus_000012)  evt_0042, seen evt_0050  deletes at tok_7, 20 committed  2024-05-01T10:00:05.123Z',
      'crm.deals     -           in progress  -        1714557600, seen 1714557700 (deal_9)   -                        at 3                            2024-05-01T10:00:05.123Z',
      'crm.issues    rep_000001  done         -        -                                      -                        -                               2024-05-01T10:00:05.123Z',
      'crm.events    -           anchored     -        evt_0100                               -                        -                                                      -',
    ]);
  });

  test('a state column appears only when some state is not read in full: hand-written syncs, unknown keys', () => {
    const text = stateTable([
      line('crm.contacts', { cursor: { value: 'evt_1', id: null }, full: true }),
      line('files.sync', { since: 17, folders: ['a', 'b'] }),
      line('files.count', 42),
    ]);
    expect(text.split('\n').map((row) => row.trim().split(/\s{2,}/))).toEqual([
      ['sync', 'partition', 'cycle', 'phase', 'cursor', 'delete cursor', 'page', 'updated', 'state'],
      ['crm.contacts', '-', 'in progress', '-', 'evt_1', '-', '-', UPDATED, '{"full":true}'],
      ['files.sync', '-', 'in progress', '-', '-', '-', '-', UPDATED, '{"since":17,"folders":["a","b"]}'],
      ['files.count', '-', 'in progress', '-', '-', '-', '-', UPDATED, '42'],
    ]);
  });
});

describe('state show: reading one state', () => {
  test('long tokens and next-page URLs are cut to 40 characters; the first page has no position', () => {
    const url = `https://api.example.com/v1/contacts?after=${'x'.repeat(60)}`;
    expect(describeState({ page: { position: { at: url }, skip: 0 } }).page).toBe(`at ${url.slice(0, 39)}…`);
    expect(describeState({ page: { position: { at: null }, skip: 5 } }).page).toBe('at the first page, 5 committed');
  });

  test('object positions (keyset, requery) are shown as compact JSON', () => {
    const view = describeState({ page: { position: { at: { value: '2024-05-01', id: null, tie: true } }, skip: 0 } });
    expect(view.page).toBe('at {"value":"2024-05-01","id":null,"tie":t…');
  });

  test('a flip-flop state without a phase is in its delta phase; a bad phase is left as JSON', () => {
    expect(describeState({ cursor: { value: 'a', id: null }, deletes: { cursor: { value: 'b', id: null } } })).toEqual({
      phase: 'delta', failing: '-', cursor: 'a', deleteCursor: 'b', page: '-', rest: undefined,
    });
    expect(describeState({ phase: 'sweep' })).toEqual({ phase: '-', failing: '-', cursor: '-', deleteCursor: '-', page: '-', rest: '{"phase":"sweep"}' });
  });

  test('keys of a familiar name but another shape are not guessed at: they stay in the JSON', () => {
    expect(describeState({ cursor: '2024-05-01', page: 3, deletes: { cursor: { value: 'b', id: null }, extra: 1 } })).toEqual({
      phase: 'delta', failing: '-', cursor: '-', deleteCursor: 'b', page: '-', rest: '{"cursor":"2024-05-01","page":3,"deletes":{"extra":1}}',
    });
  });

  test('secrets are redacted before long values are cut, and credential-like query values are hidden', () => {
    const redact = (text: string) => text.replaceAll('s3cr3t-value', '[REDACTED]');
    const page = (at: string) => describeState({ page: { position: { at }, skip: 0 } }, redact).page;
    // Cut first, the secret would be half shown ('…?k=s3cr3t-v…').
    expect(page('https://api.example.com/v1/i?k=s3cr3t-value')).toBe('at https://api.example.com/v1/i?k=[REDACTE…');
    expect(page('https://a.io/i?access_token=runtime')).toBe('at https://a.io/i?access_token=[REDACTED]');
    expect(describeState({ since: 's3cr3t-value' }, redact).rest).toBe('{"since":"[REDACTED]"}');
    expect(stateTable([line('crm.x', { page: { position: { at: 'https://u:p@a.io/i?k=s3cr3t-value' }, skip: 0 } })], redact)).not.toContain('s3cr3t');
  });

  test('only a high-water mark (a first cycle with no initial cursor)', () => {
    expect(describeState({ high: { value: 'evt_9', id: null } }).cursor).toBe('none, seen evt_9');
  });
});

describe('syncspec state show over a real store', () => {
  let dir: string;
  let configPath: string;
  // Nothing is fetched: the states are written into the store directly.
  const env = sandboxEnv({ url: 'http://127.0.0.1:9' });

  beforeAll(async () => {
    dir = scratchDir('syncspec-state-display-');
    configPath = writeConfig(dir, { crm: { spec: 'connectors/sandbox-crm.yaml' } });
    await withProject(configPath, env, async (opened) => {
      // A delta that has not run yet, anchored by its backfill: it will start from this snapshot.
      await opened.store.setAnchor('crm.contactsDelta', {
        phase: 'delta',
        cursor: { value: '2024-05-01T09:59:50.000Z', id: null },
        deletes: { cursor: { value: '2024-05-01T09:00:00.000Z', id: null } },
      });
      // A replace sync interrupted on a page whose next URL carries the API token.
      const companies = opened.syncs.find((sync) => sync.name === 'crm.companies')!;
      await opened.store.ensureDatabase(companies.database);
      const cycle = await opened.store.openCycle(companies.name, 'replace');
      const runId = await opened.store.startRun(companies.name);
      await opened.store.commit({
        runId, cycle, partition: '', database: companies.database, changes: [], failed: [], requests: 1, retries: 0, partitionDone: false,
        nextState: { page: { position: { at: `${env.SANDBOX_URL}/co?key=${env.SANDBOX_TOKEN}` }, skip: 0 } },
      });
    });
  });

  test('an anchored delta shows the phase and both cursors it will start from; secrets are redacted', async () => {
    const result = await runCli(['state', 'show', configPath], { env, cwd: dir });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).not.toContain(env.SANDBOX_TOKEN);
    const [header, ...rows] = tableRows(result.stdout);
    expect(header).toEqual(['sync', 'partition', 'cycle', 'phase', 'cursor', 'delete cursor', 'page', 'updated']);
    expect(rows.map((row) => row.slice(0, 7))).toEqual([
      ['crm.companies', '-', 'in progress', '-', '-', '-', 'at http://127.0.0.1:9/co?key=[REDACTED]'],
      ['crm.contactsDelta', '-', 'anchored', 'delta', '2024-05-01T09:59:50.000Z', '2024-05-01T09:00:00.000Z', '-'],
    ]);
    expect(rows[1][7]).toBe('-');
  });
});
