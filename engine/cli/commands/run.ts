/** `syncspec run <config> [--sync name…] [--full] [--json]`: one cycle of each selected sync. */
import type { Command } from 'commander';
import { runProject, selectSyncs } from '../../project.js';
import type { CycleSummary } from '../../runtime/loop.js';
import { SyncError } from '../../core/errors.js';
import { EXIT } from '../exit.js';
import { duration, table } from '../format.js';
import { openOrReport, reportInvalid } from '../open.js';

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run one cycle of each selected sync (all enabled syncs by default)')
    .argument('<config>', 'config file')
    .option('-s, --sync <name...>', 'only these syncs (CONNECTOR.SYNC, or SYNC when unambiguous)')
    .option('--full', 'start over with a full cycle: discard an interrupted one; incremental syncs read from their initial cursor and sweep what the source no longer has')
    .option('--json', 'print the summaries as JSON')
    .action(async (config: string, options: { sync?: string[]; full?: boolean; json?: boolean }) => {
      const opened = await openOrReport(config);
      if (!opened) return;
      const graceful = new AbortController();
      const hard = new AbortController();
      // First Ctrl-C: finish the result in flight (a page, or part of a split one), commit it, stop.
      // Second: abort the request in flight too (nothing of it commits). Either way the run is recorded as cancelled.
      const stop = () => (graceful.signal.aborted ? hard.abort() : graceful.abort());
      process.on('SIGINT', stop).on('SIGTERM', stop);
      try {
        try {
          selectSyncs(opened.syncs, options.sync, opened.disabledSyncs);
        } catch (error) {
          if (error instanceof SyncError) return reportInvalid(error.message);
          throw error;
        }
        const summaries = await runProject(opened, { syncs: options.sync, full: options.full, signal: graceful.signal, abortSignal: hard.signal });
        process.stdout.write(`${options.json ? JSON.stringify(summaries, null, 2) : formatSummaries(summaries)}\n`);
        // Skipped counts too: the caller asked for a cycle of that sync and did not get one.
        if (summaries.some((summary) => summary.status !== 'completed')) process.exitCode = EXIT.syncFailed;
      } finally {
        process.off('SIGINT', stop).off('SIGTERM', stop);
        await opened.close();
      }
    });
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
