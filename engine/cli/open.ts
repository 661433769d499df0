/**
 * Opening a config from a command: invalid input prints its diagnostics and exits 2; a database that
 * cannot be opened prints why and exits 3. Commands that only look open it with access 'read'.
 */
import { InvalidConfigError, openProject, type OpenOptions, type OpenedProject } from '../project.js';
import { formatDiagnostics } from '../spec/diagnostics.js';
import { EXIT, reportError, reportInvalid, reportStorage } from './exit.js';
import { SyncError } from '../core/errors.js';

export { reportInvalid, reportStorage };

const SYNC_NAME_ERRORS = new Set(['unknown-sync', 'ambiguous-sync']);

/** `looking`: a command that only reads the database and sends no request, so needs no secret values. */
export async function openOrReport(configPath: string, access: 'read' | 'write' | 'looking' = 'write', more: Pick<OpenOptions, 'transport' | 'syncs'> = {}): Promise<OpenedProject | undefined> {
  try {
    return await openProject(configPath, { ...(access === 'looking' ? { access: 'read', secrets: 'optional' } : { access }), ...more });
  } catch (error) {
    if (error instanceof InvalidConfigError) {
      reportError(EXIT.invalidInput, 'invalid-config', error.message, {
        text: formatDiagnostics(error.diagnostics),
        details: { diagnostics: error.diagnostics },
      });
      return undefined;
    }
    if (reportStorage(error)) return undefined;
    // A --sync that picks no sync (OpenOptions.syncs), refused before the database opened.
    if (error instanceof SyncError && SYNC_NAME_ERRORS.has(error.code)) {
      reportInvalid(error.message, error.code);
      return undefined;
    }
    throw error;
  }
}
