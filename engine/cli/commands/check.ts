/**
 * `syncspec check <config> [--sync NAME…] [--json]`: before trusting a config, one page of each
 * sync is fetched and mapped, nothing written (Airbyte's `check`): is the API reachable, does it
 * take the credentials, does the records path find records, do they map. Exit 1 when a sync fails.
 */
import type { Command } from 'commander';
import type { SyncDefinition } from '../../core/types.js';
import { selectSyncs } from '../../project.js';
import { SyncError, describeError } from '../../core/errors.js';
import { EXIT } from '../exit.js';
import { duration, table } from '../format.js';
import { openOrReport, reportInvalid } from '../open.js';
import { preview } from './preview.js';

export interface CheckResult {
  sync: string;
  /** ok: records came and mapped; empty: the page held none; failed: the request or every record failed. */
  status: 'ok' | 'empty' | 'failed';
  records: number;
  failed: number;
  requests: number;
  ms: number;
  /** Why it failed, or what to look at. */
  note: string | null;
}

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description("fetch and map one page of each sync, writing nothing: reachable, authenticated, records found and mapped")
    .argument('<config>', 'config file')
    .option('-s, --sync <name...>', 'only these syncs')
    .option('--json', 'print the results as JSON')
    .action(async (config: string, options: { sync?: string[]; json?: boolean }) => {
      const opened = await openOrReport(config, 'read');
      if (!opened) return;
      try {
        let syncs: SyncDefinition[];
        try {
          syncs = selectSyncs(opened.syncs, options.sync, opened.disabledSyncs);
        } catch (error) {
          if (error instanceof SyncError) return reportInvalid(error.message, error.code);
          throw error;
        }
        const results: CheckResult[] = [];
        for (const sync of syncs) results.push(await checkSync(sync, opened.redact));
        if (results.some((result) => result.status === 'failed')) process.exitCode = EXIT.syncFailed;
        if (options.json) {
          process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
          return;
        }
        const rows = results.map((r) => [r.sync, r.status, r.records, r.failed, r.requests, duration(r.ms), r.note ?? '']);
        process.stdout.write(`${table(['sync', 'status', 'records', 'failed', 'requests', 'time', 'note'], rows)}\n`);
      } finally {
        await opened.close();
      }
    });
}

async function checkSync(sync: SyncDefinition, redact: (text: string) => string): Promise<CheckResult> {
  const started = performance.now();
  const result = (status: CheckResult['status'], counts: { records: number; failed: number; requests: number }, note: string | null): CheckResult => ({
    sync: sync.name, status, ...counts, ms: Math.round(performance.now() - started), note: note && redact(note),
  });
  const metrics = { requests: 0, retries: 0 };
  try {
    const previewed = await preview(sync, { pages: 1, metrics });
    const output = previewed.pages[0];
    const failures = output.failed ?? [];
    const records = output.changes.length;
    const failed = failures.length;
    const counts = { records: records + failed, failed, requests: previewed.requests };
    if (records === 0 && failed === 0) return result('empty', counts, 'the first page held no records: does the records path fit the response, or is the source empty?');
    if (records === 0) return result('failed', counts, `every record failed to map; the first: ${failures[0].key ?? '(no key)'}: ${failures[0].reason}`);
    return result('ok', counts, failed > 0 ? `${failed} record(s) failed to map; the first: ${failures[0].reason}` : null);
  } catch (error) {
    return result('failed', { records: 0, failed: 0, requests: metrics.requests }, describeError(error));
  }
}
