/**
 * `syncspec trigger <config> <sync> [--full]`: queues a run of one sync — a manual backfill, say —
 * and prints its id. A running `syncspec start` on the same database picks it up within a second;
 * without one, trigger says so on stderr (the run waits, pending, for the next `syncspec start`).
 * Exit 2 for an unknown or disabled sync.
 */
import type { Command } from 'commander';
import { selectSyncs } from '../../project.js';
import { SyncError } from '../../core/errors.js';
import { openOrReport, reportInvalid } from '../open.js';
import { serviceRunning } from '../../runtime/lock.js';

export function registerTrigger(program: Command): void {
  program
    .command('trigger')
    .description('queue a run of a sync for the service (`syncspec start`) and print its id')
    .argument('<config>', 'config file')
    .argument('<sync>', 'the sync (CONNECTOR.SYNC, or SYNC when unambiguous)')
    .option('--full', 'a full cycle: discard an interrupted one; incremental syncs read from their initial cursor and sweep what the source no longer has')
    .action(async (config: string, name: string, options: { full?: boolean }) => {
      const opened = await openOrReport(config, 'write', { syncs: [name] });
      if (!opened) return;
      try {
        let sync;
        try {
          [sync] = selectSyncs(opened.syncs, [name], opened.disabledSyncs);
        } catch (error) {
          if (error instanceof SyncError) return reportInvalid(error.message, error.code);
          throw error;
        }
        const runId = await opened.store.queueRun(sync.name, { full: Boolean(options.full) });
        process.stdout.write(`${runId}\n`);
        if (!(await serviceRunning(opened.store))) {
          process.stderr.write(
            `no service is running on this database: run ${runId} waits, pending, until one starts — ` +
              `run \`syncspec start ${config}\` (or \`syncspec run ${config} --sync ${sync.name}\` to run it now, in this terminal)\n`,
          );
        }
      } finally {
        await opened.close();
      }
    });
}
