/**
 * The `syncspec` command line. Each command lives in commands/ and registers itself here.
 * Exit codes: 0 success, 1 a sync failed, 2 invalid input (config, spec or arguments).
 */
import { Command, CommanderError } from 'commander';
import { limitHeapGrowth } from '../core/heap.js';
import { EXIT, reportErrorsAsJson, reportStorage } from './exit.js';
import { packageVersion } from './version.js';

type Register = (program: Command) => void;

/**
 * Each command's module, loaded when it runs: `validate` never loads the store, the runtime or the
 * logger. Help and unknown commands load them all (commander lists and suggests registered ones).
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  init: async () => (await import('./commands/init.js')).registerInit,
  validate: async () => (await import('./commands/validate.js')).registerValidate,
  run: async () => (await import('./commands/run.js')).registerRun,
  preview: async () => (await import('./commands/preview.js')).registerPreview,
  check: async () => (await import('./commands/check.js')).registerCheck,
  state: async () => (await import('./commands/state.js')).registerState,
  status: async () => (await import('./commands/status.js')).registerStatus,
  runs: async () => (await import('./commands/runs.js')).registerRuns,
  start: async () => (await import('./commands/start.js')).registerStart,
  trigger: async () => (await import('./commands/trigger.js')).registerTrigger,
  rows: async () => (await import('./commands/rows.js')).registerRows,
  catalog: async () => (await import('./commands/catalog.js')).registerCatalog,
  test: async () => (await import('./commands/test.js')).registerTest,
};

/** The program with the commands `argv` may run: the one it names, or every one. */
export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command('syncspec')
    .description('Declarative sync engine: run YAML connector specs into a local database.')
    .version(packageVersion(), '-V, --version', 'print the version of syncspec')
    .showHelpAfterError()
    .exitOverride();
  const named = argv[2];
  const names = named !== undefined && Object.hasOwn(COMMANDS, named) ? [named] : Object.keys(COMMANDS);
  for (const register of await Promise.all(names.map((name) => COMMANDS[name]()))) register(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  // This process is syncspec's own: its peak memory stays flat over a long sync (core/heap.ts).
  limitHeapGrowth();
  // Errors of a command asked for JSON are JSON too (`--` ends the options).
  const options = argv.indexOf('--') < 0 ? argv : argv.slice(0, argv.indexOf('--'));
  reportErrorsAsJson(options.includes('--json'));
  const program = await buildProgram(argv);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.invalidInput;
      return;
    }
    // The database failed under a command after it opened (a full disk, a lock held too long).
    if (reportStorage(error)) return;
    throw error;
  }
}
