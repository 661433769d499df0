/** `syncspec state show|reset <config> [--sync name]`: inspect or forget checkpoints. */
import type { Command } from 'commander';
import { selectSyncs, type OpenedProject } from '../../project.js';
import { SyncError } from '../../core/errors.js';
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
      await withSyncs(config, options.sync, async (opened, names) => {
        const checkpoints = (await opened.store.listCheckpoints()).filter((c) => names.includes(c.sync));
        if (options.json) {
          process.stdout.write(`${JSON.stringify(checkpoints, null, 2)}\n`);
          return;
        }
        if (checkpoints.length === 0) {
          process.stdout.write('no checkpoints: every selected sync starts from the beginning\n');
          return;
        }
        // 'done', not 'idle': a partition that finished while its sync's cycle is still open (other
        // partitions pending) must not look as if nothing were left to do.
        const rows = checkpoints.map((c) => [c.sync, c.partition || '-', c.doneInCycle === null ? 'in progress' : 'done', c.updatedAt, JSON.stringify(c.state) ?? '-']);
        process.stdout.write(`${table(['sync', 'partition', 'cycle', 'updated', 'state'], rows)}\n`);
      });
    });
  state
    .command('reset')
    .argument('<config>', 'config file')
    .option('-s, --sync <name>', 'only this sync (default: all)')
    .action(async (config: string, options: { sync?: string }) => {
      await withSyncs(config, options.sync, async (opened, names) => {
        for (const name of names) await opened.store.resetState(name);
        process.stdout.write(`reset ${names.length} sync(s): ${names.join(', ')}\n`);
      });
    });
}

async function withSyncs(config: string, name: string | undefined, action: (opened: OpenedProject, names: string[]) => Promise<void>): Promise<void> {
  const opened = await openOrReport(config);
  if (!opened) return;
  try {
    const names = selectSyncs(opened.syncs, name ? [name] : undefined).map((sync) => sync.name);
    await action(opened, names);
  } catch (error) {
    if (error instanceof SyncError) return reportInvalid(error.message);
    throw error;
  } finally {
    await opened.close();
  }
}
