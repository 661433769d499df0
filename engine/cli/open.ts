/**
 * Opening a config from a command: invalid input prints its diagnostics and exits 2; a database that
 * cannot be opened prints why and exits 3. Commands that only look open it with access 'read'.
 */
import { InvalidConfigError, openProject, type OpenedProject } from '../project.js';
import { formatDiagnostics } from '../spec/diagnostics.js';
import { EXIT, reportStorage } from './exit.js';

export { reportStorage };

export async function openOrReport(configPath: string, access: 'read' | 'write' = 'write'): Promise<OpenedProject | undefined> {
  try {
    return await openProject(configPath, { access });
  } catch (error) {
    if (error instanceof InvalidConfigError) {
      process.stderr.write(`${formatDiagnostics(error.diagnostics)}\n`);
      process.exitCode = EXIT.invalidInput;
      return undefined;
    }
    if (reportStorage(error)) return undefined;
    throw error;
  }
}

/** Reports an error that is the user's input (a bad --sync name, bad --state JSON). */
export function reportInvalid(message: string): void {
  process.stderr.write(`error: ${message}\n`);
  process.exitCode = EXIT.invalidInput;
}
