/**
 * `syncspec start` as an operator runs it: a child process against the sandbox in this process.
 * Schedules fire, a triggered backfill runs, SIGTERM lets the page in flight commit and exits 0,
 * a SIGKILLed run is taken over and its cycle resumed after a restart — and the run history,
 * `runs list` and `status` tell exactly that.
 */
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { openProject, type OpenedProject } from '../../engine/project.js';
import type { RunRecord } from '../../engine/store/store.js';
import { rowsByKey, sandboxEnv, writeConfig } from '../support/project.js';
import { onRequest, removeScratchDirs, runCli, sandboxSpec, scratchDir, spawnCli, type CliProcess } from '../support/cli.js';
import { goodContacts, ids } from '../support/truth.js';

afterAll(removeScratchDirs);

const DELTA = 'crm.contactsDelta';
const BACKFILL = 'crm.contactsBackfill';
const COMPANIES = 'crm.companies';
/** Where the backfill reads its pages (the delta reads /v1/keyset/contacts). */
const BACKFILL_PAGES = '/v1/contacts';

/** Polls `read` until `done` holds; fails naming `what` after `timeoutMs`. */
async function waitFor<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last seen: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The JSON log lines a service printed on stderr (each must be one). */
function logLines(stderr: string): { level: number; msg: string; [field: string]: unknown }[] {
  return stderr.trimEnd().split('\n').map((line) => JSON.parse(line));
}

describe('syncspec start', () => {
  let sandbox: Sandbox;
  let opened: OpenedProject;
  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 7 });
  });
  afterAll(async () => {
    await opened?.close();
    await sandbox.close();
  });

  test('schedules fire, triggers run, SIGTERM commits the page in flight, a killed run resumes after a restart', async () => {
    const dir = scratchDir('syncspec-service-');
    const configPath = writeConfig(dir, {
      crm: {
        spec: sandboxSpec({ pageSize: 50, deltaBufferSeconds: 0 }),
        syncs: { contactsDelta: { schedule: '1s' }, repos: { enabled: false }, issues: { enabled: false } },
      },
    });
    const env = sandboxEnv(sandbox);
    const cli = (...args: string[]) => runCli(args, { env, cwd: dir });
    const start = (): CliProcess => spawnCli(['start', configPath, '--log-format', 'json'], { env, cwd: dir });
    const trigger = async (...args: string[]) => {
      const result = await cli('trigger', configPath, ...args);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toMatch(/^\d+\n$/);
      return Number(result.stdout);
    };
    // With no service running, trigger queues all the same and says who will run it.
    const triggerIdle = async (...args: string[]) => {
      const result = await cli('trigger', configPath, ...args);
      const id = Number(result.stdout);
      expect(result).toMatchObject({ code: 0, stdout: `${id}\n` });
      expect(result.stderr).toBe(
        `no service is running on this database: run ${id} waits, pending, until one starts — run \`syncspec start ${configPath}\` ` +
          `(or \`syncspec run ${configPath} --sync ${BACKFILL}\` to run it now, in this terminal)\n`,
      );
      return id;
    };
    // The test reads the store the service writes (SQLite in WAL mode: readers never block it).
    opened = await openProject(configPath, { env });
    const runsOf = (sync: string) => opened.store.listRuns({ sync });
    const run = async (id: number) => (await opened.store.getRun(id))!;
    const scheduledSince = (runs: RunRecord[], since: number) =>
      runs.filter((r) => r.trigger === 'schedule' && r.status === 'completed' && Date.parse(r.startedAt) >= since);

    // 1. A first service: the 1s delta fires again and again, the daily companies sync once.
    const first = start();
    const firstStarted = Date.now();
    await waitFor('two scheduled delta runs', () => runsOf(DELTA), (runs) => scheduledSince(runs, firstStarted).length >= 2);
    expect(await runsOf(COMPANIES)).toMatchObject([{ trigger: 'schedule', status: 'completed', upserted: 20 }]);

    // 2. A triggered backfill runs (the manual sync), and the schedule goes on after it.
    const backfill = await trigger('contactsBackfill');
    expect(await run(backfill)).toMatchObject({ sync: BACKFILL, trigger: 'trigger' });
    const done = await waitFor('the triggered backfill', () => run(backfill), (r) => r.status !== 'pending' && r.status !== 'running');
    expect(done).toMatchObject({ status: 'completed', trigger: 'trigger', upserted: 245, failed: 5, error: null });
    await waitFor('a delta run after the backfill', () => runsOf(DELTA), (runs) => scheduledSince(runs, Date.parse(done.endedAt!)).length >= 1);

    // 3. SIGTERM while a slowed backfill (--full) waits for its first page: that page commits, the run ends cancelled, exit 0.
    sandbox.source.faults.set({ slowMs: 300 });
    const stopOnPage = onRequest(sandbox, (entry) => {
      // Once: a second signal would abort the page in flight instead.
      if (entry.path === BACKFILL_PAGES && first.child.signalCode === null && !first.child.killed) first.child.kill('SIGTERM');
    });
    const cancelled = await trigger('contactsBackfill', '--full');
    const firstExit = await first.done;
    stopOnPage();
    expect(firstExit).toMatchObject({ code: 0, signal: null, stdout: '' });
    // Whole pages of 50 committed with their counters: the one answered as the signal went out, or
    // the next, when the child sent that request before it handled the signal.
    const stopped = await run(cancelled);
    expect(stopped).toMatchObject({ status: 'cancelled', trigger: 'trigger', error: `${BACKFILL}: cancelled` });
    expect([50, 100]).toContain(stopped.upserted + stopped.failed);
    const firstLog = logLines(firstExit.stderr);
    const messages = firstLog.map((line) => line.msg);
    expect(messages[0]).toBe('service started: 2 scheduled sync(s), 1 manual (run when triggered); at most 4 at once');
    expect(messages).toContain(`${BACKFILL}: run ${backfill} started (full cycle) [trigger]`);
    expect(messages.slice(-4, -1)).toEqual([
      'SIGTERM: stopping (a second signal aborts the requests in flight)',
      `stopping: ${BACKFILL} finish the page in flight and commit`,
      expect.stringMatching(new RegExp(`^${BACKFILL}: cancelled after \\S+: ${stopped.upserted} upserted, 0 deleted, ${stopped.failed} failed, ${stopped.requests} requests, 0 retries$`)),
    ]);
    expect(messages.at(-1)).toBe('service stopped');
    expect(firstLog.filter((line) => line.msg.startsWith(`${DELTA}: run`)).every((line) => line.trigger === 'schedule')).toBe(true);

    // 4. Two backfills queued while no service runs; a second service claims the first and is SIGKILLed on its first page.
    const killed = await triggerIdle('contactsBackfill');
    const resumer = await triggerIdle('contactsBackfill');
    const second = start();
    const secondStarted = Date.now();
    const killOnPage = onRequest(sandbox, (entry) => {
      if (entry.path === BACKFILL_PAGES && !second.child.killed) second.child.kill('SIGKILL');
    });
    expect((await second.done).signal).toBe('SIGKILL');
    killOnPage();
    sandbox.source.faults.clear();
    expect(await run(killed)).toMatchObject({ status: 'running', trigger: 'trigger' });
    expect(await run(resumer)).toMatchObject({ status: 'pending' });

    // 5. A third service takes the dead run's lock over (marking it failed), resumes the cycle, and schedules go on.
    const third = start();
    const thirdStarted = Date.now();
    const resumed = await waitFor('the queued backfill', () => run(resumer), (r) => r.status === 'completed');
    await waitFor('a delta run after the restart', () => runsOf(DELTA), (runs) => scheduledSince(runs, Date.parse(resumed.endedAt!)).length >= 1);
    third.child.kill('SIGTERM');
    const thirdExit = await third.done;
    expect(thirdExit).toMatchObject({ code: 0, signal: null, stdout: '' });
    expect(await run(killed)).toMatchObject({
      status: 'failed',
      error: `process died (pid ${second.child.pid} on host ${hostname()}) before the run finished`,
    });
    expect(logLines(thirdExit.stderr).map((line) => line.msg)).toContain(`${BACKFILL}: run ${resumer} started (resuming its cycle) [trigger]`);

    // The cycle the SIGTERM interrupted was finished across three runs, each page applied once, nothing half-written.
    const cycleRuns = await Promise.all([cancelled, killed, resumer].map(run));
    expect(cycleRuns.reduce((sum, r) => sum + r.upserted, 0)).toBe(245);
    expect(cycleRuns.reduce((sum, r) => sum + r.failed, 0)).toBe(5);
    expect([...(await rowsByKey(opened, 'crm.contacts')).keys()].sort()).toEqual(ids(goodContacts(sandbox)));

    // Restarts did not rerun what is not due: the daily sync ran once, in the first service.
    expect((await runsOf(COMPANIES)).length).toBe(1);
    expect(scheduledSince(await runsOf(DELTA), secondStarted).length).toBeGreaterThanOrEqual(1);
    expect(scheduledSince(await runsOf(DELTA), thirdStarted).length).toBeGreaterThanOrEqual(1);

    // Never a sync alongside itself, nor two syncs of one connector at once: each run ended before the next began.
    const history = (await opened.store.listRuns()).sort((a, b) => a.startedAt.localeCompare(b.startedAt));
    expect(history.every((r) => r.endedAt !== null)).toBe(true);
    for (let i = 1; i < history.length; i++) expect(history[i].startedAt >= history[i - 1].endedAt!, `run ${history[i].id} overlaps run ${history[i - 1].id}`).toBe(true);

    // What `runs list` and `status` show of it.
    const listed = await cli('runs', 'list', configPath, '--sync', 'contactsBackfill', '--json');
    expect(listed).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(listed.stdout).map((r: RunRecord) => [r.id, r.trigger, r.status])).toEqual([
      [resumer, 'trigger', 'completed'],
      [killed, 'trigger', 'failed'],
      [cancelled, 'trigger', 'cancelled'],
      [backfill, 'trigger', 'completed'],
    ]);
    const status = await cli('status', configPath, '--json');
    expect(status).toMatchObject({ code: 0, stderr: '' });
    const bySync = new Map(JSON.parse(status.stdout).map((s: { sync: string }) => [s.sync, s]));
    expect(bySync.get(BACKFILL)).toMatchObject({
      nextRun: null,
      activeRun: null,
      latestRun: { id: resumer, status: 'completed', trigger: 'trigger' },
      // The killed run's error (in its run above) is no longer news: the run after it completed.
      lastError: null,
    });
    const lastDelta = (await runsOf(DELTA))[0];
    expect(bySync.get(DELTA)).toMatchObject({
      nextRun: new Date(Date.parse(lastDelta.startedAt) + 1000).toISOString(),
      activeRun: null,
      latestRun: { id: lastDelta.id, status: 'completed', trigger: 'schedule' },
    });
    const [companies] = await runsOf(COMPANIES);
    expect(bySync.get(COMPANIES)).toMatchObject({
      nextRun: new Date(Date.parse(companies.startedAt) + 86_400_000).toISOString(),
      latestRun: { id: companies.id, status: 'completed', trigger: 'schedule' },
    });
    for (const output of [firstExit.stderr, thirdExit.stderr, listed.stdout, status.stdout]) expect(output).not.toContain(env.SANDBOX_TOKEN);
  }, 40_000);

  test('a second signal aborts the request in flight: exit 0 at once, the run cancelled with nothing of that page', async () => {
    const dir = scratchDir('syncspec-service-');
    const configPath = writeConfig(dir, { crm: { spec: sandboxSpec({ pageSize: 50 }), syncs: { companies: { enabled: false }, contactsDelta: { enabled: false } } } });
    const env = sandboxEnv(sandbox);
    const queued = await runCli(['trigger', configPath, 'contactsBackfill'], { env, cwd: dir });
    const id = Number(queued.stdout);
    sandbox.source.faults.set({ slowMs: 5_000 });
    // The sandbox decides a request's faults as it arrives, before it slows the answer.
    const faults = sandbox.source.faults;
    const decide = faults.decide;
    const arrived = new Promise<void>((resolve) => {
      faults.decide = (pathname, now) => {
        if (pathname === BACKFILL_PAGES) resolve();
        return decide.call(faults, pathname, now);
      };
    });
    try {
      const service = spawnCli(['start', configPath, '--log-format', 'json'], { env, cwd: dir });
      let stderr = '';
      const stopping = new Promise<void>((resolve) => {
        service.child.stderr!.on('data', (chunk: string) => {
          stderr += chunk;
          if (stderr.includes('SIGINT: stopping')) resolve();
        });
      });
      const store = await openProject(configPath, { env });
      try {
        // Its first request is now on its way, answered in 5 s.
        await arrived;
        expect(await store.store.getRun(id)).toMatchObject({ status: 'running' });
        let answered = false;
        const stopListening = onRequest(sandbox, (entry) => {
          if (entry.path === BACKFILL_PAGES) answered = true;
        });
        service.child.kill('SIGINT');
        // Apart: two signals pending at once would arrive as one. The service logs the first as it handles it.
        await stopping;
        service.child.kill('SIGINT');
        const exit = await service.done;
        stopListening();
        // It exited without waiting for the slowed answer.
        expect(answered).toBe(false);
        expect(exit).toMatchObject({ code: 0, signal: null, stdout: '' });
        expect(logLines(exit.stderr).map((line) => line.msg)).toContain('aborting: the requests in flight are abandoned, nothing of them commits');
        expect(await store.store.getRun(id)).toMatchObject({ status: 'cancelled', upserted: 0, failed: 0, error: `${BACKFILL}: cancelled` });
        expect(await store.store.listCheckpoints(BACKFILL)).toEqual([]);
      } finally {
        await store.close();
      }
    } finally {
      faults.decide = decide;
      sandbox.source.faults.clear();
    }
  }, 20_000);
});

describe('syncspec trigger', () => {
  const dir = scratchDir('syncspec-trigger-');
  const configPath = writeConfig(dir, { crm: { spec: 'connectors/sandbox-crm.yaml', syncs: { repos: { enabled: false } } } });
  const env = sandboxEnv({ url: 'http://127.0.0.1:9' });
  const trigger = (...args: string[]) => runCli(['trigger', configPath, ...args], { env, cwd: dir });

  test('queues a pending run, --full included, and prints its id (the source is not needed); says no service runs it yet', async () => {
    const idle = (id: number, sync: string) =>
      `no service is running on this database: run ${id} waits, pending, until one starts — run \`syncspec start ${configPath}\` ` +
      `(or \`syncspec run ${configPath} --sync ${sync}\` to run it now, in this terminal)\n`;
    expect(await trigger('contactsBackfill')).toEqual({ code: 0, signal: null, stdout: '1\n', stderr: idle(1, BACKFILL) });
    expect(await trigger('crm.contactsDelta', '--full')).toEqual({ code: 0, signal: null, stdout: '2\n', stderr: idle(2, DELTA) });
    const store = await openProject(configPath, { env });
    try {
      expect(await store.store.pendingRuns()).toEqual([
        { id: 1, sync: BACKFILL, full: false, queuedAt: expect.any(String) },
        { id: 2, sync: DELTA, full: true, queuedAt: expect.any(String) },
      ]);
    } finally {
      await store.close();
    }
  });

  test('an unknown or disabled sync: exit 2, nothing queued', async () => {
    expect(await trigger('contacts')).toEqual({
      code: 2,
      signal: null,
      stdout: '',
      stderr: "error: unknown sync 'contacts' (known syncs: crm.companies, crm.contactsBackfill, crm.contactsDelta, crm.issues)\n",
    });
    expect(await trigger('repos')).toEqual({
      code: 2,
      signal: null,
      stdout: '',
      stderr: "error: sync 'crm.repos' is disabled in the config (syncs.repos.enabled: false)\n",
    });
  });
});
