/**
 * `syncspec runs list <config> [--sync name] [--limit n] [--json]`: the run history, newest first.
 * `syncspec runs logs <config> <id> [--json]`: what one run logged, and the records that failed.
 */
import type { Command } from 'commander';
import { selectSyncs } from '../../project.js';
import { SyncError } from '../../core/errors.js';
import type { RunLogEntry } from '../../store/store.js';
import { table, wholeNumber } from '../format.js';
import { openOrReport, reportInvalid } from '../open.js';
import { durationCell, localTime, progressCell, runView, shortError, waitsCell } from '../run-view.js';

const DEFAULT_LIMIT = 20;

export function registerRuns(program: Command): void {
  const runs = program.command('runs').description('show the run history and the logs of a run');
  runs
    .command('list')
    .description('the latest runs, newest first')
    .argument('<config>', 'config file')
    .option('-s, --sync <name>', 'only this sync')
    .option('-n, --limit <n>', `at most this many runs (default ${DEFAULT_LIMIT})`, wholeNumber('--limit', 1))
    .option('--json', 'print JSON')
    .action(async (config: string, options: { sync?: string; limit?: number; json?: boolean }) => {
      const opened = await openOrReport(config, 'looking');
      if (!opened) return;
      try {
        let sync: string | undefined;
        try {
          sync = options.sync === undefined ? undefined : selectSyncs(opened.syncs, [options.sync], opened.disabledSyncs)[0].name;
        } catch (error) {
          if (error instanceof SyncError) return reportInvalid(error.message, error.code);
          throw error;
        }
        const now = new Date();
        const views = (await opened.store.listRuns({ sync, limit: options.limit ?? DEFAULT_LIMIT })).map((run) => runView(run, now));
        if (options.json) {
          process.stdout.write(`${JSON.stringify(views, null, 2)}\n`);
          return;
        }
        if (views.length === 0) {
          process.stdout.write(`no runs yet${sync ? ` of ${sync}` : ''}\n`);
          return;
        }
        const headers = ['id', 'sync', 'status', 'trigger', 'started', 'duration', 'upserted', 'deleted', 'failed', 'requests', 'retries', 'waits', 'progress', 'error'];
        const rows = views.map((run) => [
          run.id, run.sync, run.status, run.trigger, localTime(run.startedAt), durationCell(run), run.upserted, run.deleted, run.failed,
          run.requests, run.retries, waitsCell(run), progressCell(run), shortError(run.error),
        ]);
        process.stdout.write(`${table(headers, rows)}\n`);
      } finally {
        await opened.close();
      }
    });
  runs
    .command('logs')
    .description("a run's log lines and the records that failed in it")
    .argument('<config>', 'config file')
    .argument('<id>', 'run id (see runs list)')
    .option('--json', 'print JSON')
    .action(async (config: string, idText: string, options: { json?: boolean }) => {
      const id = Number(idText);
      if (!/^\d+$/.test(idText) || !Number.isSafeInteger(id) || id < 1) return reportInvalid(`invalid run id '${idText}': expected a whole number of at least 1`);
      const opened = await openOrReport(config, 'looking');
      if (!opened) return;
      try {
        const run = await opened.store.getRun(id);
        if (!run) return reportInvalid(`no run ${id} in ${opened.project.storage.path}; \`syncspec runs list\` shows the runs recorded`);
        const [logs, failures] = await Promise.all([opened.store.listRunLogs(id), opened.store.listFailures(id)]);
        if (options.json) {
          process.stdout.write(`${JSON.stringify({ run: runView(run, new Date()), logs, failures }, null, 2)}\n`);
          return;
        }
        const lines = [`run ${run.id} of ${run.sync}: ${run.status} (${run.trigger}), started ${localTime(run.startedAt)}`];
        lines.push(...(logs.length > 0 ? logs.map(logLine) : ['(no log lines)']));
        if (failures.length > 0) {
          lines.push('', `${failures.length} record(s) failed:`);
          for (const failure of failures) lines.push(`  ${failure.key ?? '(no key)'}: ${failure.reason}`);
        }
        process.stdout.write(`${lines.join('\n')}\n`);
      } finally {
        await opened.close();
      }
    });
}

/** `2026-11-22 09:21:45  INFO   page committed: 25 upserted, 0 deleted, 0 failed` */
function logLine(entry: RunLogEntry): string {
  return `${localTime(entry.at)}  ${entry.level.toUpperCase().padEnd(5)}  ${entry.message}`;
}
