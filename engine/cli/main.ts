/**
 * The `syncspec` command line. Each command lives in commands/ and registers itself here.
 * Exit codes: 0 success, 1 a sync failed, 2 invalid input (config, spec or arguments).
 */
import { Command, CommanderError } from 'commander';
import { registerValidate } from './commands/validate.js';
import { registerRun } from './commands/run.js';
import { registerPreview } from './commands/preview.js';
import { registerState } from './commands/state.js';
import { registerStatus } from './commands/status.js';
import { registerRuns } from './commands/runs.js';
import { registerStart } from './commands/start.js';
import { registerTrigger } from './commands/trigger.js';
import { EXIT } from './exit.js';
import { reportStorage } from './open.js';

export function buildProgram(): Command {
  const program = new Command('syncspec')
    .description('Declarative sync engine: run YAML connector specs into a local database.')
    .showHelpAfterError()
    .exitOverride();
  registerValidate(program);
  registerRun(program);
  registerPreview(program);
  registerState(program);
  registerStatus(program);
  registerRuns(program);
  registerStart(program);
  registerTrigger(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
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
