/**
 * `syncspec test`: a connector run offline against recorded exchanges, cycle after cycle (a backfill,
 * then a delta over what changed), its rows and state compared with snapshots.
 *
 * Fixtures live in one folder: `cycle-N.har` (the exchanges of cycle N, HAR 1.2, whose page time is
 * the time the cycle ran at), `cycle-N.snapshot.json` (what cycle N left: har.ts, snapshot.ts) and
 * `vars.json` (the vars the recording ran with, which a replay uses too).
 * Every run starts from an empty scratch database — never the config's — under a clock frozen at each
 * recorded cycle's time, so cursors, buffers and full-sync dates come out as they did. Replaying sets
 * every secret to its placeholder, the value recordings carry instead (record.ts).
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import type { Clock } from '../core/clock.js';
import type { SyncDefinition } from '../core/types.js';
import { SyncError } from '../core/errors.js';
import { openProject, runProject, selectSyncs, type OpenedProject } from '../project.js';
import type { CycleSummary } from '../runtime/run-types.js';
import { checkSpecFile } from '../spec/load-spec.js';
import { harLog, readHar, writeHar } from './har.js';
import { Recorder } from './record.js';
import { Replay } from './replay.js';
import { compareSnapshots, readSnapshot, takeSnapshot, writeSnapshot } from './snapshot.js';
import { readJsonFile, writeJsonFile } from './fixture-file.js';

export type TestMode = 'replay' | 'update' | 'record';

export interface ConnectorTestOptions {
  /** A config file, or a connector spec file alone (its vars' defaults; secrets from API_TOKEN-style variables). */
  target: string;
  fixtures: string;
  syncs?: string[];
  /** replay: compare; update: replay and accept the snapshots; record: call the live API and write both. */
  mode: TestMode;
  /** Cycles to record (record only). Default 2. */
  cycles?: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Written into the recordings' creator. */
  version?: string;
  /** A spec tested alone: values of its vars (the others take their defaults). */
  vars?: Record<string, string>;
  /** Before each cycle runs (1, 2, …): a live API under a test harness can change between them. */
  beforeCycle?: (cycle: number) => void | Promise<void>;
}

export interface CycleReport {
  cycle: number;
  /** The recording, as given (fixtures folder joined). */
  recording: string;
  syncs: Pick<CycleSummary, 'sync' | 'status' | 'upserted' | 'deleted' | 'swept' | 'failed' | 'requests' | 'error'>[];
  /** Recorded exchanges nothing asked for (replay). */
  unused: string[];
  /** How the cycle's outcome differs from its snapshot (replay); empty when it matches. */
  differences: string[];
  snapshot: 'matched' | 'differs' | 'missing' | 'written';
}

export interface ConnectorTestResult {
  ok: boolean;
  cycles: CycleReport[];
}

const RECORDING = /^cycle-(\d+)\.har$/;

export async function testConnector(options: ConnectorTestOptions): Promise<ConnectorTestResult> {
  const cwd = options.cwd ?? process.cwd();
  const scratch = await mkdtemp(join(tmpdir(), 'syncspec-test-'));
  try {
    const folder = resolve(cwd, options.fixtures);
    const recordedVars = options.mode === 'record' ? undefined : await readVars(join(folder, 'vars.json'), join(options.fixtures, 'vars.json'));
    const configPath = await configFor(resolve(cwd, options.target), options.target, scratch, cwd, options.vars, recordedVars);
    return await runCycles(options, configPath, scratch, folder, recordedVars);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** What every cycle of one test shares. */
interface TestRun {
  options: ConnectorTestOptions;
  opened: OpenedProject;
  folder: string;
  shown: (name: string) => string;
  clock: Clock & { at: number };
  replay: Replay;
  recorder: Recorder;
  selected: SyncDefinition[];
  names: string[];
}

async function runCycles(
  options: ConnectorTestOptions,
  configPath: string,
  scratch: string,
  folder: string,
  recordedVars: Record<string, Record<string, unknown>> | undefined,
): Promise<ConnectorTestResult> {
  const shown = (name: string) => join(options.fixtures, name);
  const recordings = options.mode === 'record' ? [] : await recordingsIn(folder, options.fixtures);
  if (options.mode === 'record') await mkdir(folder, { recursive: true });
  const clock: Clock & { at: number } = { at: Date.now(), now: () => clock.at };
  let redact = (text: string) => text;
  const replay = new Replay((text) => redact(text));
  const recorder = new Recorder();
  const opened = await openProject(configPath, {
    env: options.env,
    clock,
    databasePath: join(scratch, 'test.db'),
    secrets: options.mode === 'record' ? 'required' : 'placeholders',
    transport: options.mode === 'record' ? recorder.transport : replay.transport,
    vars: recordedVars,
  });
  redact = opened.redact;
  try {
    if (options.mode === 'record') await writeVars(join(folder, 'vars.json'), opened);
    const selected = selectSyncs(opened.syncs, options.syncs, opened.disabledSyncs);
    const run: TestRun = { options, opened, folder, shown, clock, replay, recorder, selected, names: selected.map((sync) => sync.name) };
    const count = options.mode === 'record' ? options.cycles ?? 2 : recordings.length;
    const cycles: CycleReport[] = [];
    for (let cycle = 1; cycle <= count; cycle++) cycles.push(await runOneCycle(run, cycle));
    if (options.mode === 'record') await dropRecordingsAfter(folder, count);
    const ok = cycles.every((cycle) => cycle.unused.length === 0 && (cycle.snapshot === 'matched' || cycle.snapshot === 'written') && cycle.syncs.every((sync) => sync.status === 'completed'));
    return { ok, cycles };
  } finally {
    await opened.close();
  }
}

/** One cycle: its recording played (or the live API recorded), the syncs run, the outcome compared or written. */
async function runOneCycle(run: TestRun, cycle: number): Promise<CycleReport> {
  const { options, opened, folder, shown, names } = run;
  const recording = `cycle-${cycle}.har`;
  const snapshotName = `cycle-${cycle}.snapshot.json`;
  let startedAt = new Date();
  if (options.mode !== 'record') {
    const har = await readHar(join(folder, recording), shown(recording));
    startedAt = har.startedAt;
    run.replay.play(har.entries, shown(recording));
  }
  run.clock.at = startedAt.getTime();
  await options.beforeCycle?.(cycle);
  const summaries = await runProject(opened, { syncs: names });
  const snapshot = await takeSnapshot(opened, run.selected, summaries);
  const report: CycleReport = {
    cycle,
    recording: shown(recording),
    syncs: summaries.map(({ sync, status, upserted, deleted, swept, failed, requests, error }) => ({ sync, status, upserted, deleted, swept, failed, requests, error })),
    unused: options.mode === 'record' ? [] : run.replay.unused(),
    differences: [],
    snapshot: 'written',
  };
  if (options.mode === 'record') {
    const entries = run.recorder.take(scrubberOf(opened), `cycle-${cycle + 1}`);
    await writeHar(join(folder, recording), harLog(entries, { id: `cycle-${cycle}`, title: `cycle ${cycle}: ${names.join(', ')}`, startedAt }, options.version ?? 'unknown'));
  }
  if (options.mode !== 'replay') {
    await writeSnapshot(join(folder, snapshotName), snapshot);
    return report;
  }
  const expected = await readSnapshot(join(folder, snapshotName), shown(snapshotName));
  report.differences = expected === undefined ? [] : compareSnapshots(expected, snapshot, names);
  report.snapshot = expected === undefined ? 'missing' : report.differences.length > 0 ? 'differs' : 'matched';
  return report;
}

/**
 * The vars the recording ran with (a base URL from the environment, an account id): replayed with the
 * same, so the same requests come out wherever the test runs. Vars are not secrets.
 */
async function writeVars(file: string, opened: OpenedProject): Promise<void> {
  await writeJsonFile(file, Object.fromEntries(opened.project.connectors.map((connector) => [connector.name, connector.vars])));
}

function readVars(file: string, shown: string): Promise<Record<string, Record<string, unknown>> | undefined> {
  return readJsonFile(file, shown, 'JSON');
}

/** The cycles recorded in `folder`, in order: cycle-1.har, cycle-2.har, … with no gap. */
async function recordingsIn(folder: string, shown: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new SyncError('invalid-fixture', `${shown}: no such folder; record fixtures into it with --record`);
    throw error;
  }
  const numbers = names.flatMap((name) => (RECORDING.exec(name) ? [Number(RECORDING.exec(name)![1])] : [])).sort((a, b) => a - b);
  if (numbers.length === 0) throw new SyncError('invalid-fixture', `${shown}: no recordings (cycle-1.har, cycle-2.har, …); record them with --record`);
  numbers.forEach((number, index) => {
    if (number !== index + 1) throw new SyncError('invalid-fixture', `${shown}: cycle-${index + 1}.har is missing (the recordings go ${numbers.map((n) => `cycle-${n}.har`).join(', ')})`);
  });
  return numbers.map((number) => `cycle-${number}.har`);
}

/** A new recording of N cycles replaces an older one that had more. */
async function dropRecordingsAfter(folder: string, count: number): Promise<void> {
  for (const name of await readdir(folder)) {
    const match = /^cycle-(\d+)\.(har|snapshot\.json)$/.exec(name);
    if (match && Number(match[1]) > count) await rm(join(folder, name));
  }
}

function scrubberOf(opened: OpenedProject) {
  const named: Record<string, string> = {};
  for (const connector of opened.project.connectors) Object.assign(named, connector.secrets);
  return { named, redact: opened.redact, matches: (text: string) => opened.redact(text) !== text };
}

/**
 * The config to run: `target` itself, or — for a connector spec alone — one written into the scratch
 * folder that loads it with its vars' defaults and each secret from the environment variable named
 * after it (apiToken → API_TOKEN).
 */
async function configFor(
  absolute: string,
  shown: string,
  scratch: string,
  cwd: string,
  given: Record<string, string> | undefined,
  recorded: Record<string, Record<string, unknown>> | undefined,
): Promise<string> {
  const spec = await checkSpecFile(absolute, cwd);
  if (spec === undefined) {
    if (given !== undefined && Object.keys(given).length > 0) throw new SyncError('invalid-spec', `--var is for a connector spec tested alone; ${shown} is a config, which gives its vars itself`);
    return absolute;
  }
  if (spec.spec === undefined) {
    const first = spec.diagnostics.find((diagnostic) => diagnostic.severity === 'error');
    throw new SyncError('invalid-spec', `${shown} is not a valid connector spec${first ? `: ${first.message}` : ''}; syncspec validate ${shown} says why`);
  }
  const secrets = Object.fromEntries(Object.keys(spec.spec.secrets ?? {}).map((name) => [name, { env: environmentName(name) }]));
  // A replay's vars are the recording's; a var without a default needs one before the spec loads.
  const vars = { ...recorded?.[spec.spec.name], ...given };
  const entry = { spec: absolute, ...(Object.keys(vars).length > 0 && { vars }), ...(Object.keys(secrets).length > 0 && { secrets }) };
  const config = { syncspec: 1, database: { type: 'sqlite', path: './unused.db' }, connectors: { [spec.spec.name]: entry } };
  const file = join(scratch, 'config.yaml');
  await writeFile(file, stringify(config));
  return file;
}

/** apiToken → API_TOKEN, client_secret → CLIENT_SECRET. */
export function environmentName(secret: string): string {
  return secret.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9]+/g, '_').toUpperCase();
}
