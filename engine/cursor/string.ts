/** Event ids and ULIDs: ordered by code units, the way APIs compare them. */
import type { CursorKind } from './type.js';

export const string: CursorKind = {
  description: 'a string cursor',
  timeField: true,
  inDeleteStream: true,
  relativeInitial: false,
  tieBreaker: true,
  canonical(raw) {
    if (typeof raw === 'string' && raw !== '') return { value: raw };
    // Numbers are not taken as text: '10' < '9' would move the cursor backwards.
    return { problem: `expected a string cursor${typeof raw === 'number' ? ' (numeric ids need type: number)' : ''}` };
  },
  compare: (a, b) => (a < b ? -1 : a > b ? 1 : 0),
  capped: false,
  render: (value) => value,
};
