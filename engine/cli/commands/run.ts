/**
 * `syncspec run <config> [--sync name…] [--full] [--json] [--quiet] [--log-format pretty|json]`:
 * one cycle of each selected sync. The summary goes to stdout; logs go to stderr — readable lines
 * on a terminal, one JSON object per line otherwise — with a progress bar per running sync when
 * stderr is an interactive terminal (and the summary is not asked for as JSON).
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import { runProject, selectSyncs } from '../../project.js';
import type { CycleSummary, RunEvent } from '../../runtime/loop.js';
import { SyncError } from '../../core/errors.js';
import { createLogger } from '../../log/logger.js';
import { logRunEvent } from '../../log/run-log.js';
import { EXIT } from '../exit.js';
import { duration, table } from '../format.js';
import { openOrReport, reportInvalid } from '../open.js';
import { createProgressBoard } from '../progress.js';

const LOG_FORMATS = ['pretty', 'json'] as const;

interface RunCommandOptions {
  sync?: string[];
  full?: boolean;
  json?: boolean;
  quiet?: boolean;
  logFormat?: (typeof LOG_FORMATS)[number];
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run one cycle of each selected sync (all enabled syncs by default)')
    .argument('<config>', 'config file')
    .option('-s, --sync <name...>', 'only these syncs (CONNECTOR.SYNC, or SYNC when unambiguous)')
    .option('--full', 'start over with a full cycle: discard an interrupted one; incremental syncs read from their initial cursor and sweep what the source no longer has')
    .option('--json', 'print the summaries as JSON')
    .option('-q, --quiet', 'no logs and no progress bars on stderr (the summary is still printed)')
    .addOption(new Option('--log-format <format>', 'logs as readable lines or JSON lines (default: pretty on a terminal, else json)').choices(LOG_FORMATS))
    .action(async (config: string, options: RunCommandOptions) => {
      const opened = await openOrReport(config, 'write', { syncs: options.sync });
      if (!opened) return;
      const graceful = new AbortController();
      const hard = new AbortController();
      // First Ctrl-C: finish the result in flight (a page, or part of a split one), commit it, stop.
      // Second: abort the request in flight too (nothing of it commits). Either way the run is recorded as cancelled.
      const stop = () => (graceful.signal.aborted ? hard.abort() : graceful.abort());
      process.on('SIGINT', stop).on('SIGTERM', stop);
      let output: RunOutput | undefined;
      try {
        let selected: string[];
        try {
          selected = selectSyncs(opened.syncs, options.sync, opened.disabledSyncs).map((sync) => sync.name);
        } catch (error) {
          if (error instanceof SyncError) return reportInvalid(error.message, error.code);
          throw error;
        }
        output = runOutput(options, selected, opened.redact);
        const summaries = await runProject(opened, {
          syncs: options.sync, full: options.full, signal: graceful.signal, abortSignal: hard.signal, onEvent: output.onEvent,
        });
        output.close();
        process.stdout.write(`${options.json ? JSON.stringify(summaries, null, 2) : formatSummaries(summaries)}\n`);
        // Skipped counts too: the caller asked for a cycle of that sync and did not get one.
        if (summaries.some((summary) => summary.errorCode?.startsWith('storage-'))) process.exitCode = EXIT.storage;
        else if (summaries.some((summary) => summary.status !== 'completed')) process.exitCode = EXIT.syncFailed;
      } finally {
        output?.close();
        process.off('SIGINT', stop).off('SIGTERM', stop);
        await opened.close();
      }
    });
}

interface RunOutput {
  onEvent(event: RunEvent): void;
  close(): void;
}

/**
 * Where a run's events go on stderr: nowhere (--quiet); log lines (redacted); and on an
 * interactive terminal, bars — then commits show on the bars instead of as one line each.
 */
function runOutput(options: RunCommandOptions, syncs: string[], redact: (text: string) => string): RunOutput {
  if (options.quiet) return { onEvent: () => {}, close: () => {} };
  const stderr = process.stderr;
  const board = stderr.isTTY && !options.json ? createProgressBoard(stderr, { syncs }) : undefined;
  const pretty = options.logFormat === undefined ? Boolean(stderr.isTTY) : options.logFormat === 'pretty';
  const logger = createLogger({ redact, pretty, destination: board?.logStream ?? stderr });
  return {
    onEvent(event) {
      board?.onEvent(event);
      if (!(board && event.type === 'commit')) logRunEvent(logger, event);
    },
    close: () => board?.stop(),
  };
}

export function formatSummaries(summaries: CycleSummary[]): string {
  const rows = summaries.map((s) => [s.sync, s.status, s.upserted, s.deleted, s.failed, s.requests, duration(s.durationMs)]);
  const lines = [table(['sync', 'status', 'upserted', 'deleted', 'failed', 'requests', 'duration'], rows)];
  for (const summary of summaries) {
    if (summary.notSwept) lines.push(`\n${summary.notSwept}`);
    if (summary.resynced) lines.push(`\n${summary.sync}: its delta position had expired; it resynced in full`);
    // A skipped sync's error says itself that it is running elsewhere; it did not fail.
    if (summary.error) lines.push(summary.status === 'skipped' ? `\n${summary.error}` : `\n${summary.sync} failed: ${summary.error}`);
    if (summary.failures.length > 0) {
      lines.push(`\n${summary.sync}: ${summary.failed} record(s) failed${summary.failed > summary.failures.length ? ` (first ${summary.failures.length} shown; all in run ${summary.runId})` : ''}:`);
      for (const failure of summary.failures) lines.push(`  ${failure.key ?? '(no key)'}: ${failure.reason}`);
    }
  }
  return lines.join('\n');
}
