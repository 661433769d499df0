/**
 * `syncspec test <config|spec> --fixtures DIR [--sync NAME…] [--update | --record [--cycles N]] [--json]`:
 * a connector run offline against recorded HTTP exchanges, cycle after cycle, its rows and state
 * compared with snapshots (engine/testing/connector-test.ts). Exit 1 when a cycle differs, a sync
 * fails or a recorded exchange went unasked; 2 for invalid input (config, spec, fixtures).
 */
import type { Command } from 'commander';
import { SyncError, describeError } from '../../core/errors.js';
import { InvalidConfigError } from '../../project.js';
import { formatDiagnostics } from '../../spec/diagnostics.js';
import { testConnector, type ConnectorTestResult, type CycleReport, type TestMode } from '../../testing/connector-test.js';
import { EXIT, reportError, reportInvalid } from '../exit.js';
import { table, wholeNumber } from '../format.js';
import { packageVersion } from '../version.js';

interface TestOptions {
  fixtures: string;
  sync?: string[];
  update?: boolean;
  record?: boolean;
  cycles?: number;
  var?: string[];
  json?: boolean;
}

/** Errors of the input, not of the connector under test: exit 2. */
const INPUT_ERRORS = new Set(['invalid-fixture', 'invalid-spec', 'unknown-sync', 'ambiguous-sync', 'fixture-secret']);

export function registerTest(program: Command): void {
  program
    .command('test')
    .description('run a connector offline against recorded HTTP exchanges (HAR) and compare its rows and state with snapshots')
    .argument('<target>', 'a config file, or a connector spec file alone (vars take their defaults; with --record, secret apiToken comes from $API_TOKEN)')
    .requiredOption('-f, --fixtures <dir>', 'the folder of cycle-N.har recordings and cycle-N.snapshot.json snapshots')
    .option('-s, --sync <name...>', 'only these syncs')
    .option('-u, --update', 'replay, and accept what came out as the new snapshots')
    .option('--record', 'call the live API instead, writing its exchanges (secrets scrubbed) and the snapshots')
    .option('--cycles <n>', 'cycles to record (--record)', wholeNumber('--cycles', 1), 2)
    .option('--var <name=value...>', 'a var of a connector spec tested alone (e.g. --var baseUrl=http://127.0.0.1:4010)')
    .option('--json', 'print the result as JSON')
    .action(async (target: string, options: TestOptions) => {
      if (options.update && options.record) return reportInvalid('--update and --record exclude each other: --record writes the snapshots too');
      const vars: Record<string, string> = {};
      for (const pair of options.var ?? []) {
        const at = pair.indexOf('=');
        if (at <= 0) return reportInvalid(`--var ${pair}: expected NAME=VALUE`);
        vars[pair.slice(0, at)] = pair.slice(at + 1);
      }
      const mode: TestMode = options.record ? 'record' : options.update ? 'update' : 'replay';
      let result: ConnectorTestResult;
      try {
        result = await testConnector({ target, fixtures: options.fixtures, syncs: options.sync, mode, cycles: options.cycles, vars, version: packageVersion() });
      } catch (error) {
        if (error instanceof InvalidConfigError) {
          return reportError(EXIT.invalidInput, 'invalid-config', error.message, { text: formatDiagnostics(error.diagnostics), details: { diagnostics: error.diagnostics } });
        }
        if (error instanceof SyncError && INPUT_ERRORS.has(error.code)) return reportInvalid(error.message, error.code);
        return reportError(EXIT.syncFailed, 'test-failed', describeError(error));
      }
      if (!result.ok) process.exitCode = EXIT.syncFailed;
      if (options.json) {
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        return;
      }
      for (const cycle of result.cycles) process.stdout.write(describeCycle(cycle, mode));
      process.stdout.write(summary(result, mode));
    });
}

function describeCycle(cycle: CycleReport, mode: TestMode): string {
  const verdict = { matched: 'matches its snapshot', written: mode === 'record' ? 'recorded, snapshot written' : 'snapshot written', differs: 'DIFFERS from its snapshot', missing: 'has no snapshot yet (accept one with --update)' }[cycle.snapshot];
  const rows = cycle.syncs.map((sync) => [sync.sync, sync.status, sync.upserted, sync.deleted, sync.failed, sync.requests]);
  const lines = [`cycle ${cycle.cycle} (${cycle.recording}): ${verdict}`, table(['sync', 'status', 'upserted', 'deleted', 'failed', 'requests'], rows)];
  for (const sync of cycle.syncs) if (sync.error) lines.push(`  ${sync.sync}: ${sync.error}`);
  for (const unused of cycle.unused.slice(0, 10)) lines.push(`  recorded but never requested: ${unused}`);
  if (cycle.unused.length > 10) lines.push(`  … and ${cycle.unused.length - 10} more recorded exchanges never requested (--json lists them all)`);
  const shown = cycle.differences.slice(0, 20);
  for (const difference of shown) lines.push(`  ${difference}`);
  if (cycle.differences.length > shown.length) lines.push(`  … and ${cycle.differences.length - shown.length} more differences (--json lists them all)`);
  return `${lines.join('\n')}\n\n`;
}

function summary(result: ConnectorTestResult, mode: TestMode): string {
  const cycles = `${result.cycles.length} cycle${result.cycles.length === 1 ? '' : 's'}`;
  if (result.ok) return mode === 'replay' ? `ok: ${cycles} replayed, every snapshot matched\n` : `ok: ${cycles}, snapshots written\n`;
  const hint = result.cycles.some((cycle) => cycle.snapshot === 'differs' || cycle.snapshot === 'missing') ? '; if the new outcome is right, accept it with --update' : '';
  return `failed: ${cycles}${hint}\n`;
}
