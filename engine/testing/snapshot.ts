/**
 * What a cycle of a connector test left behind, as the snapshot it is compared with: per sync what
 * the run did (status, counts, failed records) and the state it persisted, and every row of the
 * databases the syncs write. Durations and run ids are left out: they differ from run to run.
 */
import type { OpenedProject } from '../project.js';
import type { CycleSummary } from '../runtime/run-types.js';
import type { SyncDefinition } from '../core/types.js';
import { readJsonFile, writeJsonFile } from './fixture-file.js';

/** What the run summary says (its outcome, not its timing), and the state the sync stored. */
export type SyncOutcome = Pick<CycleSummary, 'status' | 'full' | 'upserted' | 'deleted' | 'swept' | 'failed' | 'stale' | 'requests' | 'error' | 'failures'> & {
  /** Per partition ('' when there is one), as stored. */
  state: Record<string, unknown>;
};

export interface Snapshot {
  syncs: Record<string, SyncOutcome>;
  /** Rows by database, ordered by key. */
  databases: Record<string, Record<string, unknown>[]>;
}

const PAGE = 1000;

export async function takeSnapshot(opened: OpenedProject, syncs: readonly SyncDefinition[], summaries: readonly CycleSummary[]): Promise<Snapshot> {
  const outcomes: Record<string, SyncOutcome> = {};
  for (const summary of summaries) {
    const state = Object.fromEntries((await opened.store.listCheckpoints(summary.sync)).map((checkpoint) => [checkpoint.partition, checkpoint.state ?? null]));
    const { status, full, upserted, deleted, swept, failed, stale, requests, error, failures } = summary;
    outcomes[summary.sync] = { status, full, upserted, deleted, swept, failed, stale, requests, error, failures, state };
  }
  const databases: Snapshot['databases'] = {};
  for (const database of new Map(syncs.map((sync) => [sync.database.name, sync.database])).values()) {
    const rows: Record<string, unknown>[] = [];
    for (let offset = 0; ; offset += PAGE) {
      const page = await opened.store.readRows(database, { limit: PAGE, offset });
      rows.push(...page.rows);
      if (page.rows.length < PAGE) break;
    }
    databases[database.name] = rows;
  }
  return { syncs: outcomes, databases };
}

export async function writeSnapshot(file: string, snapshot: Snapshot): Promise<void> {
  await writeJsonFile(file, snapshot);
}

export function readSnapshot(file: string, shown: string): Promise<Snapshot | undefined> {
  return readJsonFile<Snapshot>(file, shown, 'a snapshot', '; accept a new one with --update');
}

/**
 * The differences, one line each: `database github.issues, row "12": Title: expected "a", got "b"`.
 * Of the syncs, only those that ran (`--sync` may pick some of those recorded) are compared.
 */
export function compareSnapshots(expected: Snapshot, actual: Snapshot, ran: readonly string[]): string[] {
  const differences: string[] = [];
  for (const sync of union(Object.keys(expected.syncs ?? {}), Object.keys(actual.syncs)).filter((name) => ran.includes(name))) {
    differences.push(...compareRecord(`sync ${sync}`, expected.syncs?.[sync], actual.syncs[sync]));
  }
  for (const database of union(Object.keys(expected.databases ?? {}), Object.keys(actual.databases))) {
    const want = keyed(expected.databases?.[database]);
    const got = keyed(actual.databases[database]);
    if (want === undefined || got === undefined) {
      differences.push(`database ${database}: ${want === undefined ? 'not in the snapshot' : 'not written by this run'}`);
      continue;
    }
    for (const key of union([...want.keys()], [...got.keys()])) {
      differences.push(...compareRecord(`database ${database}, row ${JSON.stringify(key)}`, want.get(key), got.get(key)));
    }
  }
  return differences;
}

function keyed(rows: Record<string, unknown>[] | undefined): Map<string, Record<string, unknown>> | undefined {
  return rows && new Map(rows.map((row) => [String(row._key), row]));
}

function compareRecord(what: string, want: object | undefined, got: object | undefined): string[] {
  if (want === undefined) return [`${what}: not in the snapshot`];
  if (got === undefined) return [`${what}: in the snapshot, missing now`];
  const a = want as Record<string, unknown>;
  const b = got as Record<string, unknown>;
  return union(Object.keys(a), Object.keys(b)).flatMap((field) => {
    const expectedText = JSON.stringify(a[field]);
    const actualText = JSON.stringify(b[field]);
    return expectedText === actualText ? [] : [`${what}: ${field}: expected ${clip(expectedText)}, got ${clip(actualText)}`];
  });
}

const clip = (text: string | undefined): string => (text === undefined ? 'nothing' : text.length > 160 ? `${text.slice(0, 160)}…` : text);

function union(a: string[], b: string[]): string[] {
  return [...new Set([...a, ...b])].sort();
}
