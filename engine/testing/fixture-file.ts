/** The JSON files of a fixtures folder: written readable (two-space indent, a final newline), read with errors that name them. */
import { readFile, writeFile } from 'node:fs/promises';
import { SyncError } from '../core/errors.js';

export async function writeJsonFile(file: string, value: unknown): Promise<void> {
  await writeFile(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** The parsed file, or undefined when there is none; `what` says what it should have been ("a snapshot"), `hint` what to do. */
export async function readJsonFile<T>(file: string, shown: string, what: string, hint = ''): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new SyncError('invalid-fixture', `${shown}: not ${what} (${error instanceof Error ? error.message : String(error)})${hint}`);
  }
}
