/**
 * Checks of a cursor against its type, by the facts of its kind (engine/cursor/): which keys each
 * type uses, and which types a delete stream can persist. The keys a type ignores are reported, so
 * a spec never says more than it does.
 */
import type { Cursor } from '../types.generated.js';
import type { DocPath } from '../diagnostics.js';
import type { SpecContext } from './context.js';
import { cursorKinds } from '../../cursor/registry.js';
import { connectorDefault } from '../defaults.js';

type CursorType = NonNullable<Cursor['type']>;

export interface CursorPlace {
  /** The cursor of a delete stream (flip-flop with the delta) rather than of a sync. */
  deleteStream: boolean;
}

export function checkCursor(ctx: SpecContext, cursor: Cursor, at: DocPath, place: CursorPlace): void {
  const type = cursor.type ?? connectorDefault<CursorType>('cursor', 'type');
  const rules = cursorKinds[type];
  if (!rules.tieBreaker && cursor.tieBreaker !== undefined) {
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
