/** Cursor kinds by the spec's `cursor.type`: adding one is one file and one line here. */
import type { Cursor } from '../spec/model.generated.js';
import type { CursorKind } from './type.js';
import { timestamp } from './timestamp.js';
import { number } from './number.js';
import { string } from './string.js';
import { opaque } from './opaque.js';

export const cursorKinds = { timestamp, number, string, opaque } satisfies Record<Cursor['type'], CursorKind>;
