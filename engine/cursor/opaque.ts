/** A delta token read from the response (Microsoft Graph's deltaLink): sent back as given, never ordered. */
import type { CursorKind } from './type.js';

export const opaque: CursorKind = {
  description: 'an opaque cursor',
  timeField: false,
  timeFieldUnused: 'an opaque cursor is read from the response, not from the records',
  inDeleteStream: false,
  relativeInitial: false,
  tieBreaker: false,
  canonical: (raw) => (typeof raw === 'string' || typeof raw === 'number' ? { value: raw } : { problem: 'expected an opaque cursor (string)' }),
  compare: () => 0,
  capped: false,
  render: (value) => value,
};
