import { MappingError, show } from '../mapping-error.js';
import { nullable, type PropertyType } from './type.js';

const URL_SCHEMES = ['http:', 'https:', 'mailto:'];

/**
 * An absolute URL whose scheme is one of `schemes`, checked with WHATWG `URL`. Returns the input
 * trimmed but otherwise as written: `URL.href` would add slashes and re-encode, changing the data.
 */
export function parseUrl(raw: unknown, schemes: readonly string[] = URL_SCHEMES): string {
  if (typeof raw !== 'string') throw new MappingError(`expected a URL, got ${show(raw)}`);
  const text = raw.trim();
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new MappingError(`not a URL: ${show(raw)}`);
  }
  if (!schemes.includes(parsed.protocol)) {
    const allowed = schemes.map((s) => s.slice(0, -1)).join(', ');
    throw new MappingError(`unsupported URL scheme '${parsed.protocol}' in ${show(raw)} (allowed: ${allowed})`);
  }
  return text;
}

export const url: PropertyType = {
  valueSchema: () => nullable('string', { format: 'uri' }),
  stored: () => 'text',
  normalize: (raw) => (raw === null || raw === undefined ? null : parseUrl(raw)),
};
