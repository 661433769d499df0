/**
 * Checks of a cursor against its type: which keys each type uses, and which types a delete stream
 * can persist. The keys a type ignores are reported, so a spec never says more than it does.
 */
import type { Cursor } from '../types.generated.js';
import type { DocPath } from '../diagnostics.js';
import type { SpecContext } from './context.js';

type CursorType = NonNullable<Cursor['type']>;

interface CursorTypeRules {
  /** Whether records carry a time apart from the cursor (event ids, sequence numbers). */
  timeField: boolean;
  /** Why `timeField` is not used, after "timeField is for number and string cursors; ". */
  timeFieldUnused?: string;
  /** Whether a delete stream can page by it: its position is read from its records. */
  inDeleteStream: boolean;
  /** Whether `initial: { ago }` can place it: only a time can be counted back from now. */
  relativeInitial: boolean;
}

const CURSOR_TYPES = {
  timestamp: { timeField: false, timeFieldUnused: 'a timestamp cursor is its own time', inDeleteStream: true, relativeInitial: true },
  number: { timeField: true, inDeleteStream: true, relativeInitial: false },
  string: { timeField: true, inDeleteStream: true, relativeInitial: false },
  opaque: {
    timeField: false,
    timeFieldUnused: 'an opaque cursor is read from the response, not from the records',
    inDeleteStream: false,
    relativeInitial: false,
  },
} satisfies Record<CursorType, CursorTypeRules>;

export interface CursorPlace {
  /** The cursor of a delete stream (flip-flop with the delta) rather than of a sync. */
  deleteStream: boolean;
}

export function checkCursor(ctx: SpecContext, cursor: Cursor, at: DocPath, place: CursorPlace): void {
  const type = cursor.type ?? 'timestamp';
  const rules: CursorTypeRules = CURSOR_TYPES[type];
  if (type === 'opaque' && cursor.tieBreaker !== undefined) {
    ctx.report.warning(
      [...at, 'tieBreaker'],
      'unused-tiebreaker',
      'an opaque cursor is sent back as the API gave it, so tieBreaker is not used: remove it',
    );
  }
  if (cursor.timeField !== undefined && !rules.timeField) {
    ctx.report.error(
      [...at, 'timeField'],
      'unused-time-field',
      `timeField is for number and string cursors; ${rules.timeFieldUnused}`,
    );
  }
  if (typeof cursor.initial === 'object' && !rules.relativeInitial) {
    ctx.report.error([...at, 'initial', 'ago'], 'bad-initial', `initial: { ago } counts back from now, so it needs a timestamp cursor; a ${type} cursor takes a value`);
  }
  if (place.deleteStream && !rules.inDeleteStream) {
    ctx.report.error(
      [...at, 'type'],
      'bad-cursor-type',
      `a delete stream's cursor is read from its records: use type timestamp, number or string (delta tokens are not supported for delete streams)`,
    );
  }
}
