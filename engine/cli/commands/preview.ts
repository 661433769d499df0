/**
 * `syncspec preview <config> --sync name [--pages n] [--state json] [--partition key]`:
 * fetch and map without writing anything, print the changes and the next state — paste that
 * state back with --state to continue paginating by hand.
 */
import type { Command } from 'commander';
import type { ExecuteResult, Partition, SyncDefinition } from '../../core/types.js';
import { selectSyncs } from '../../project.js';
import { SyncError, describeError } from '../../core/errors.js';
import { EXIT } from '../exit.js';
import { openOrReport, reportInvalid } from '../open.js';

interface PreviewOptions { sync: string; pages: string; state?: string; partition?: string }

export function registerPreview(program: Command): void {
  program
    .command('preview')
    .description('fetch and map pages of one sync without writing; prints changes and the next state')
    .argument('<config>', 'config file')
    .requiredOption('-s, --sync <name>', 'the sync to preview')
    .option('-p, --pages <n>', 'how many execute calls (pages) to run', '1')
    .option('--state <json>', 'start from this state (the nextState printed by a previous preview)')
    .option('--partition <key>', 'which partition (default: the first)')
    .action(async (config: string, options: PreviewOptions) => {
      const pages = Number(options.pages);
      if (!Number.isInteger(pages) || pages < 1) return reportInvalid(`--pages must be a positive integer, got '${options.pages}'`);
      let state: unknown;
      try {
        state = options.state === undefined ? undefined : JSON.parse(options.state);
      } catch (error) {
        return reportInvalid(`--state is not valid JSON: ${describeError(error)}`);
      }
      const opened = await openOrReport(config, 'read');
      if (!opened) return;
      try {
        const [sync] = selectSyncs(opened.syncs, [options.sync], opened.disabledSyncs);
        const output = await preview(sync, { pages, state, partition: options.partition });
        process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
      } catch (error) {
        if (error instanceof SyncError && (error.code === 'unknown-sync' || error.code === 'ambiguous-sync' || error.code === 'unknown-partition')) {
          return reportInvalid(error.message);
        }
        process.stderr.write(`error: ${opened.redact(describeError(error))}\n`);
        process.exitCode = EXIT.syncFailed;
      } finally {
        await opened.close();
      }
    });
}

export interface PreviewOutput {
  sync: string;
  partition: string;
  pages: { changes: ExecuteResult['changes']; failed: ExecuteResult['failed']; hasMore: boolean }[];
  hasMore: boolean;
  nextState: unknown;
  requests: number;
}

/** Runs execute up to `pages` times in memory. Nothing touches the store. */
export async function preview(
  sync: SyncDefinition,
  options: { pages: number; state?: unknown; partition?: string; metrics?: { requests: number; retries: number } },
): Promise<PreviewOutput> {
  // The caller's counters, when given, count the requests of a preview that fails, too.
  const metrics = options.metrics ?? { requests: 0, retries: 0 };
  const signal = new AbortController().signal;
  const partitions: Partition[] = sync.partitions ? await sync.partitions({ signal, metrics }) : [{ key: '', value: undefined }];
  const partition = options.partition === undefined ? partitions[0] : partitions.find((p) => p.key === options.partition);
  if (!partition) {
    const known = partitions.map((p) => p.key).slice(0, 20).join(', ') || '(none)';
    throw new SyncError('unknown-partition', `${sync.name} has no partition '${options.partition}'; partitions: ${known}`);
  }
  const output: PreviewOutput = { sync: sync.name, partition: partition.key, pages: [], hasMore: true, nextState: options.state, requests: 0 };
  const cycleStartedAt = new Date();
  for (let page = 0; page < options.pages && output.hasMore; page++) {
    const result = await sync.execute(output.nextState, { partition, full: false, cycleStartedAt, metrics, signal });
    output.pages.push({ changes: result.changes, failed: result.failed ?? [], hasMore: result.hasMore });
    output.hasMore = result.hasMore;
    output.nextState = result.nextState;
  }
  output.requests = metrics.requests;
  return output;
}
