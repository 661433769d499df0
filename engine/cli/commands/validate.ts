/**
 * `syncspec validate <file> [--json]`: checks a config and every connector spec it names — or one
 * connector spec file on its own — and prints all problems at once, each with file:line:column.
 * Nothing is fetched or written, and no secret needs a value: an unset one is a warning here (run
 * and start refuse it). Exit 0 when valid (warnings alone do not fail), 2 on any error.
 */
import type { Command } from 'commander';
import { loadProject, type LoadedProject } from '../../config/load.js';
import { displayPath } from '../../config/display.js';
import { formatDiagnostic, hasErrors, type Diagnostic } from '../../spec/diagnostics.js';
import { EXIT } from '../exit.js';
import { checkSpecFile, type SpecFileCheck } from '../../spec/load-spec.js';

export interface ValidateOptions {
  json?: boolean;
  /** Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Directory file names are shown relative to. Default process.cwd(). */
  cwd?: string;
}

export interface ValidateResult {
  exitCode: typeof EXIT.ok | typeof EXIT.invalidInput;
  stdout: string;
}

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check a config and its connector specs, or one connector spec; print every problem with its file, line and column')
    .argument('<file>', 'a config file, or a connector spec file (one with api, databases and syncs)')
    .option('--json', 'print { valid, diagnostics } as JSON')
    .action(async (config: string, options: { json?: boolean }) => {
      const result = await runValidate(config, { json: options.json === true });
      process.stdout.write(result.stdout);
      process.exitCode = result.exitCode;
    });
}

export async function runValidate(configPath: string, options: ValidateOptions = {}): Promise<ValidateResult> {
  const cwd = options.cwd ?? process.cwd();
  const spec = await checkSpecFile(configPath, cwd);
  if (spec) return specResult(spec, options);
  const { project, diagnostics } = await loadProject(configPath, { env: options.env, cwd, missingSecrets: 'warning' });
  const valid = !hasErrors(diagnostics);
  const exitCode = valid ? EXIT.ok : EXIT.invalidInput;
  if (options.json) return { exitCode, stdout: `${JSON.stringify({ valid, diagnostics }, null, 2)}\n` };
  const lines = diagnostics.map(formatDiagnostic);
  lines.push(project ? validSummary(project, diagnostics, cwd) : errorSummary(diagnostics));
  return { exitCode, stdout: `${lines.join('\n')}\n` };
}

function specResult(checked: SpecFileCheck, options: ValidateOptions): ValidateResult {
  const { diagnostics, spec } = checked;
  const valid = !hasErrors(diagnostics);
  const exitCode = valid ? EXIT.ok : EXIT.invalidInput;
  if (options.json) return { exitCode, stdout: `${JSON.stringify({ valid, diagnostics }, null, 2)}\n` };
  const lines = diagnostics.map(formatDiagnostic);
  if (spec) {
    const warnings = diagnostics.length > 0 ? ` (${plural(diagnostics.length, 'warning')})` : '';
    const counts = `${plural(Object.keys(spec.syncs).length, 'sync')}, ${plural(Object.keys(spec.databases).length, 'database')}`;
    lines.push(`${checked.file}: valid connector spec — ${counts}${warnings}; a config names it to run it`);
  } else lines.push(errorSummary(diagnostics));
  return { exitCode, stdout: `${lines.join('\n')}\n` };
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** "2 errors in 1 file", "3 errors and 1 warning in 2 files". */
function errorSummary(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const warnings = diagnostics.length - errors.length;
  const files = new Set(diagnostics.map((d) => d.file)).size;
  const counts = warnings > 0 ? `${plural(errors.length, 'error')} and ${plural(warnings, 'warning')}` : plural(errors.length, 'error');
  return `${counts} in ${plural(files, 'file')}`;
}

/** "config.yaml: valid — 2 connectors, 5 syncs, 4 databases". */
function validSummary(project: LoadedProject, diagnostics: readonly Diagnostic[], cwd: string): string {
  const file = displayPath(project.configPath, cwd);
  const syncs = project.connectors.reduce((n, c) => n + Object.keys(c.spec.syncs).length, 0);
  const databases = project.connectors.reduce((n, c) => n + Object.keys(c.spec.databases).length, 0);
  const warnings = diagnostics.length > 0 ? ` (${plural(diagnostics.length, 'warning')})` : '';
  return `${file}: valid — ${plural(project.connectors.length, 'connector')}, ${plural(syncs, 'sync')}, ${plural(databases, 'database')}${warnings}`;
}
