/**
 * From the bytes of an answer to JSON. The text is decoded by the charset the answer declares
 * (`application/json; charset=iso-8859-1`), UTF-8 when it declares none, and strictly: bytes that are
 * not valid in that charset are an error, never a silent U+FFFD in a stored row.
 *
 * retriable: JSON that does not parse (in a JSON or untyped answer) — or UTF-8 whose last character is
 * cut off — is what a connection dropped mid-body behind a buffering proxy delivers, so it earns
 * another attempt. Markup does not: an HTML page where JSON belongs is a login page, a wrong base URL or
 * an API that moved — a person must look.
 */
import { isUtf8 } from 'node:buffer';
import { excerpt } from './errors.js';
import type { Redactor } from './redact.js';

export type Decoded = { ok: true; value: unknown } | { ok: false; retriable: boolean; summary: string };

/** The media type and charset of a content-type header, lower-cased. */
export function parseContentType(header: string | undefined): { type: string; charset: string | undefined } {
  const [type, ...params] = (header ?? '').split(';');
  let charset: string | undefined;
  for (const param of params) {
    const match = /^\s*charset\s*=\s*"?([^";\s]+)"?\s*$/i.exec(param);
    if (match) charset = match[1].toLowerCase();
  }
  return { type: type.trim().toLowerCase(), charset };
}

export function decodeJson(body: Buffer, contentType: string | undefined, status: number, redactor: Redactor): Decoded {
  const { type, charset } = parseContentType(contentType);
  const text = decodeText(body, charset);
  if (!text.ok) return text;
  return parseJson(text.value, type, status, redactor);
}

/** An error answer's text, for its summary: decoded leniently, it only has to be read by a person. */
export function lenientText(body: Buffer, contentType: string | undefined): string {
  const { charset } = parseContentType(contentType);
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(body);
  } catch {
    return new TextDecoder('utf-8').decode(body);
  }
}

function decodeText(body: Buffer, charset: string | undefined): { ok: true; value: string } | Extract<Decoded, { ok: false }> {
  // UTF-8, the common case: checked and decoded natively, without a decoder per answer (a BOM is
  // dropped, as TextDecoder drops it).
  if ((charset === undefined || charset === 'utf-8' || charset === 'utf8') && isUtf8(body)) {
    const text = body.toString('utf8');
    return { ok: true, value: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
  }
  let decoder: InstanceType<typeof TextDecoder>;
  try {
    decoder = new TextDecoder(charset ?? 'utf-8', { fatal: true });
  } catch {
    return { ok: false, retriable: false, summary: `the response declares charset=${charset}, which is not a known character encoding` };
  }
  try {
    return { ok: true, value: decoder.decode(body) };
  } catch {
    const at = firstInvalidUtf8(body);
    const where = at === undefined ? '' : ` (at byte ${at})`;
    // A character cut off at the very end is a body cut short (worth another attempt); one in the middle is not.
    const truncated = at !== undefined && at >= body.length - 3;
    return { ok: false, retriable: truncated, summary: `the response is not valid ${decoder.encoding}${where}; declare its charset in Content-Type if it is another encoding` };
  }
}

/** The offset of the first byte that breaks UTF-8 (lead and continuation bytes only), for the message. */
function firstInvalidUtf8(bytes: Buffer): number | undefined {
  for (let at = 0; at < bytes.length; ) {
    const lead = bytes[at];
    const follow = lead < 0x80 ? 0 : lead >= 0xc2 && lead <= 0xdf ? 1 : lead >= 0xe0 && lead <= 0xef ? 2 : lead >= 0xf0 && lead <= 0xf4 ? 3 : -1;
    if (follow < 0) return at;
    for (let k = 1; k <= follow; k++) {
      if (at + k >= bytes.length || (bytes[at + k] & 0xc0) !== 0x80) return at;
    }
    at += follow + 1;
  }
  return undefined;
}

function parseJson(text: string, type: string, status: number, redactor: Redactor): Decoded {
  if (!/\S/.test(text)) return { ok: true, value: null };
  const markup = type.includes('html') || type.includes('xml') || /^\s*</.test(text);
  if (!markup) {
    try {
      return { ok: true, value: JSON.parse(text) };
    } catch (error) {
      if (type === '' || type.includes('json')) {
        const reason = error instanceof Error ? error.message : String(error);
        return {
          ok: false,
          retriable: true,
          summary: `expected JSON, got invalid or truncated JSON (${status}; ${redactor.redact(reason)}): ${excerpt(text, redactor)}`,
        };
      }
    }
  }
  return { ok: false, retriable: false, summary: `expected JSON, got ${type || 'markup'} (${status}): ${excerpt(text, redactor)}` };
}
