import { MappingError, show } from '../mapping-error.js';
import { nullable, type PropertyType } from './type.js';
import { asText } from './as-text.js';
import { parseUrl } from './url.js';

const FILE_SCHEMES = ['http:', 'https:'];

/**
 * An external file: a URL string, or `{ url, name }` (the structured value source, or such an
 * object at one path — extra keys like `size` are ignored). The name is optional and never guessed.
 */
export const file: PropertyType = {
  valueSchema: () => nullable('object', { required: ['url', 'name'], properties: { url: { type: 'string', format: 'uri' }, name: { type: ['string', 'null'] } } }),
  stored: () => 'file',
  structured: {
    name: 'file',
    keys: ['url', 'name'],
    required: ['url'],
    fits: (property) => property.type === 'file',
    noun: 'file',
    needs: 'a file needs url (name may be left out)',
  },
  normalize(raw) {
    if (raw === null || raw === undefined) return null;
    if (typeof raw === 'string') return { url: parseUrl(raw, FILE_SCHEMES), name: null };
    if (typeof raw !== 'object' || Array.isArray(raw)) {
      throw new MappingError(`expected a file URL or { url, name }, got ${show(raw)}`);
    }
    const { url, name } = raw as { url?: unknown; name?: unknown };
    let text: string | null;
    try {
      text = asText(name);
    } catch (error) {
      throw new MappingError(`file name: ${(error as Error).message}`);
    }
    if (url === null || url === undefined) {
      if (text !== null) throw new MappingError(`file ${show(text)} has no URL`);
      return null;
    }
    return { url: parseUrl(url, FILE_SCHEMES), name: text };
  },
};
