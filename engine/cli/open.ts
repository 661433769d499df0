/** Opening a config from a command: invalid input prints its diagnostics and exits 2. */
import { InvalidConfigError, openProject, type OpenedProject } from '../project.js';
import { formatDiagnostics } from '../spec/diagnostics.js';
import { EXIT } from './exit.js';

export async function openOrReport(configPath: string): Promise<OpenedProject | undefined> {
  try {
    return await openProject(configPath);
  } catch (error) {
    if (error instanceof InvalidConfigError) {
      process.stderr.write(`${formatDiagnostics(error.diagnostics)}\n`);
      process.exitCode = EXIT.invalidInput;
      return undefined;
    }
    throw error;
  }
}

/** Reports an error that is the user's input (a bad --sync name, bad --state JSON). */
export function reportInvalid(message: string): void {
  process.stderr.write(`error: ${message}\n`);
  process.exitCode = EXIT.invalidInput;
}
