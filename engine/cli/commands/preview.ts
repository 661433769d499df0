/**
 * `syncspec preview <config> --sync name [--pages n] [--state json] [--partition key] [--json]`:
 * fetch and map without writing anything; print each request, the first changes and the next state
 * (preview-view.ts) — paste that state back with --state to continue paginating by hand.
 */
import type { Command } from 'commander';
import type { ExecuteResult, FailedRecord, Partition, SyncDefinition } from '../../core/types.js';
import { selectSyncs } from '../../project.js';
import { SyncError, describeError } from '../../core/errors.js';
import { EXIT } from '../exit.js';
import { openOrReport, reportInvalid } from '../open.js';
import { tapTransport, type TappedExchange } from '../../http/tap.js';
import { previewRequest, renderPreview } from '../preview-view.js';

interface PreviewOptions { sync: string; pages: string; state?: string; partition?: string; json?: boolean }

export function registerPreview(program: Command): void {
  program
    .command('preview')
    .description('fetch and map pages of one sync without writing; prints changes and the next state')
    .argument('<config>', 'config file')
    .requiredOption('-s, --sync <name>', 'the sync to preview')
    .option('-p, --pages <n>', 'how many execute calls (pages) to run', '1')
    .option('--state <json>', 'start from this state (the nextState printed by a previous preview)')
    .option('--partition <key>', 'which partition (default: the first)')
    .option('--json', 'print the raw output (every change, every request) as JSON')
    .action(async (config: string, options: PreviewOptions) => {
      const pages = Number(options.pages);
      if (!Number.isInteger(pages) || pages < 1) return reportInvalid(`--pages must be a positive integer, got '${options.pages}'`);
      let state: unknown;
      try {
        state = options.state === undefined ? undefined : JSON.parse(options.state);
      } catch (error) {
        return reportInvalid(`--state is not valid JSON: ${describeError(error)}`);
      }
      // Every exchange, told by the transport under the connector's clients, and the page it served.
      const tapped: { exchange: TappedExchange; page: number | undefined }[] = [];
      let page: number | undefined;
      const opened = await openOrReport(config, 'read', { transport: tapTransport((exchange) => tapped.push({ exchange, page })) });
      if (!opened) return;
      try {
        const [sync] = selectSyncs(opened.syncs, [options.sync], opened.disabledSyncs);
        const output = await preview(sync, { pages, state, partition: options.partition, onPage: (index) => (page = index) });
        const requests = tapped.map(({ exchange, page: served }) => previewRequest(exchange, served, opened.redact));
        process.stdout.write(options.json ? `${JSON.stringify({ ...output, exchanges: requests }, null, 2)}\n` : renderPreview(output, requests));
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
  pages: { changes: ExecuteResult['changes']; failed: FailedRecord[]; hasMore: boolean }[];
  hasMore: boolean;
  nextState: unknown;
  requests: number;
}

/** Runs execute up to `pages` times in memory. Nothing touches the store. */
export async function preview(
  sync: SyncDefinition,
  options: {
    pages: number;
    state?: unknown;
    partition?: string;
    metrics?: { requests: number; retries: number };
    /** Before each page's execute (0, 1, …): which page the requests from now on serve. */
    onPage?: (page: number) => void;
  },
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
    options.onPage?.(page);
    const result = await sync.execute(output.nextState, { partition, full: false, cycleStartedAt, metrics, signal });
    output.pages.push({ changes: result.changes, failed: result.failed ?? [], hasMore: result.hasMore });
    output.hasMore = result.hasMore;
    output.nextState = result.nextState;
  }
  output.requests = metrics.requests;
  return output;
}
