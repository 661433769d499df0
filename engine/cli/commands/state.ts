/**
 * `syncspec state show|reset <config> [--sync name]`: inspect or forget checkpoints.
 *
 * The table shows each checkpoint's state as the interpreter describes it (state-format.ts
 * `describeState`, which owns the stored shape) — the phase of a flip-flop sync and the stream
 * failing its turns, the delta's cursor (and the highest record seen in the open cycle), the delete
 * stream's, where an interrupted cycle resumes — one column each. Whatever the describer does not
 * recognise (the state of a hand-written sync, a key it does not know) is shown as compact JSON in
 * a last `state` column, so nothing stored is hidden. `--json` prints the checkpoints as stored.
 */
import type { Command } from 'commander';
import { selectSyncs, type OpenedProject } from '../../project.js';
import type { Checkpoint } from '../../store/store.js';
import { SyncError } from '../../core/errors.js';
import { describeState, streamName, type Redact, type StateView } from '../../interpreter/state-format.js';
import { table } from '../format.js';
import { openOrReport, reportInvalid } from '../open.js';

export function registerState(program: Command): void {
  const state = program.command('state').description('show or reset sync checkpoints');
  state
    .command('show')
    .argument('<config>', 'config file')
    .option('-s, --sync <name>', 'only this sync')
    .option('--json', 'print JSON')
    .action(async (config: string, options: { sync?: string; json?: boolean }) => {
      await withSyncs(config, options.sync, 'looking', async (opened, names) => {
        const checkpoints = (await opened.store.listCheckpoints()).filter((c) => names.includes(c.sync));
        if (options.json) {
          process.stdout.write(`${JSON.stringify(checkpoints, null, 2)}\n`);
          return;
        }
        const lines = [...checkpoints.map(checkpointLine), ...(await anchorLines(opened, names, checkpoints))];
        if (lines.length === 0) {
          process.stdout.write('no checkpoints: every selected sync starts from the beginning\n');
          return;
        }
        // Stable: the store's order of partitions within a sync is kept.
        lines.sort((a, b) => (a.sync < b.sync ? -1 : a.sync > b.sync ? 1 : 0));
        process.stdout.write(`${stateTable(lines, opened.redact)}\n`);
      });
    });
  state
    .command('reset')
    .argument('<config>', 'config file')
    .option('-s, --sync <name>', 'only this sync (default: all)')
    .action(async (config: string, options: { sync?: string }) => {
      await withSyncs(config, options.sync, 'write', async (opened, names) => {
        for (const name of names) await opened.store.resetState(name);
        process.stdout.write(`reset ${names.length} sync(s): ${names.join(', ')}\n`);
      });
    });
}

/** One row of `state show`: a checkpoint, or the anchor a delta without one will start from. */
export interface StateLine {
  sync: string;
  partition: string;
  /** 'in progress', 'done' or 'anchored'. */
  cycle: string;
  state: unknown;
  updated: string;
}

function checkpointLine(checkpoint: Checkpoint): StateLine {
  return {
    sync: checkpoint.sync,
    partition: checkpoint.partition,
    // 'done', not 'idle': a partition that finished while its sync's cycle is still open (other
    // partitions pending) must not look as if nothing were left to do.
    cycle: checkpoint.doneInCycle === null ? 'in progress' : 'done',
    state: checkpoint.state,
    updated: checkpoint.updatedAt,
  };
}

/** A delta that has no checkpoint yet starts from the snapshot its backfill took (event anchor). */
async function anchorLines(opened: OpenedProject, names: string[], checkpoints: Checkpoint[]): Promise<StateLine[]> {
  const lines: StateLine[] = [];
  for (const name of names) {
    if (checkpoints.some((c) => c.sync === name)) continue;
    const anchor = await opened.store.getAnchor(name);
    if (anchor !== undefined) lines.push({ sync: name, partition: '', cycle: 'anchored', state: anchor, updated: '-' });
  }
  return lines;
}

interface Column {
  header: string;
  cell(line: StateLine, view: StateView): string;
  /** Shown only when some row has a value for it. */
  optional?: boolean;
}

const COLUMNS: Column[] = [
  { header: 'sync', cell: (line) => line.sync },
  { header: 'partition', cell: (line) => line.partition || '-' },
  { header: 'cycle', cell: (line) => line.cycle },
  { header: 'phase', cell: (_, view) => phaseCell(view) },
  { header: 'cursor', cell: (_, view) => view.cursor },
  { header: 'delete cursor', cell: (_, view) => view.deleteCursor },
  { header: 'page', cell: (_, view) => view.page },
  { header: 'updated', cell: (line) => line.updated },
  { header: 'state', cell: (_, view) => view.rest ?? '-', optional: true },
];

/** `redact` removes secret values; it runs on whole values, before long ones are cut. */
export function stateTable(lines: StateLine[], redact: Redact = (text) => text): string {
  const views = lines.map((line) => describeState(line.state, redact));
  const columns = COLUMNS.filter((column) => !column.optional || lines.some((line, i) => column.cell(line, views[i]) !== '-'));
  return table(
    columns.map((column) => column.header),
    lines.map((line, i) => columns.map((column) => column.cell(line, views[i]))),
  );
}

/** `deletes`, or `delta (delete stream failing)` while the other stream fails its turns. */
function phaseCell(view: StateView): string {
  return view.failing === '-' ? view.phase : `${view.phase} (${streamName(view.failing)} failing)`;
}

async function withSyncs(
  config: string, name: string | undefined, access: 'looking' | 'write', action: (opened: OpenedProject, names: string[]) => Promise<void>,
): Promise<void> {
  const opened = await openOrReport(config, access);
  if (!opened) return;
  try {
    const names = selectSyncs(opened.syncs, name ? [name] : undefined, opened.disabledSyncs).map((sync) => sync.name);
    await action(opened, names);
  } catch (error) {
    if (error instanceof SyncError) return reportInvalid(error.message, error.code);
    throw error;
  } finally {
    await opened.close();
  }
}
