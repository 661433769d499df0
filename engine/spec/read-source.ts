/**
 * Reading a config, spec or .env file so that no input can hang, flood or leak: only regular files
 * (a FIFO would block forever), at most MAX_SOURCE_BYTES, and only text — a binary file, or text with
 * control characters, is refused by position, never echoed (a misnamed .env or /proc/self/environ
 * would print a secret).
 */
import { isUtf8 } from 'node:buffer';
import { open, stat } from 'node:fs/promises';

/** Far beyond any real spec (the largest shipped is a few KB); a limit keeps validation bounded. */
export const MAX_SOURCE_BYTES = 16 * 2 ** 20;

export type SourceText = { ok: true; text: string } | { ok: false; code: string; message: string; line: number; column: number };

/** `absolute` read as text; `shown` and `what` ("spec file") name it in messages. */
export async function readSourceText(absolute: string, shown: string, what: string): Promise<SourceText> {
  const refused = (code: string, message: string, line = 1, column = 1): SourceText => ({ ok: false, code, message, line, column });
  let bytes: Buffer;
  try {
    const info = await stat(absolute);
    if (info.isDirectory()) return refused('file-not-found', `${what} is a directory: ${shown}`);
    if (!info.isFile()) return refused('not-a-file', `${what} ${shown} is not a regular file (a FIFO, socket or device); give the path of a file`);
    bytes = await readAtMost(absolute, MAX_SOURCE_BYTES + 1);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return refused('file-not-found', `${what} not found: ${shown}`);
    return refused('unreadable-file', `cannot read ${what} ${shown} (${code ?? 'error'})`);
  }
  if (bytes.length > MAX_SOURCE_BYTES) return refused('too-large', `${what} ${shown} is larger than ${MAX_SOURCE_BYTES / 2 ** 20} MB, the most syncspec reads`);
  if (!isUtf8(bytes)) return refused('not-text', `${what} ${shown} is not a text file (it is not UTF-8 text); nothing of it is shown`);
  const text = bytes.toString('utf8');
  const control = firstControlCharacter(text);
  if (control) {
    const { line, column } = control;
    return refused('control-character', `${what} ${shown} holds the control character U+${control.code} at line ${line}, column ${column}, which YAML does not allow; is it a text file?`, line, column);
  }
  return { ok: true, text };
}

/** Up to `limit` bytes: /proc files report a size of 0, so the size is not trusted. */
async function readAtMost(path: string, limit: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    while (total < limit) {
      const chunk = Buffer.alloc(Math.min(1 << 20, limit - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
    }
    return Buffer.concat(chunks);
  } finally {
    await handle.close();
  }
}

// YAML 1.2 allows tab, LF and CR among C0 controls, and NEL among C1; DEL and the rest are not text.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u0080-\u0084\u0086-\u009f]/;

function firstControlCharacter(text: string): { code: string; line: number; column: number } | undefined {
  const match = CONTROL.exec(text);
  if (!match) return undefined;
  const before = text.slice(0, match.index);
  const line = before.split('\n').length;
  const column = match.index - before.lastIndexOf('\n');
  return { code: match[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0'), line, column };
}
