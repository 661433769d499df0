/**
 * One kind of incremental cursor, keyed by the spec's `cursor.type`: every fact about it lives in
 * its entry — what validate allows beside it, how a raw value becomes its canonical form, how two
 * values order, whether the consistency buffer caps it, and how a request writes it.
 */
import type { Cursor } from '../spec/model.generated.js';

export type CursorFormat = Cursor['format'];

export interface CursorKind {
  /** What the cursor is, for messages: "a timestamp cursor". */
  description: string;
  /** Whether records carry a time apart from the cursor (event ids, sequence numbers): `timeField` applies. */
  timeField: boolean;
  /** Why `timeField` is not used, after "timeField is for number and string cursors; ". */
  timeFieldUnused?: string;
  /** Whether a delete stream can page by it: its position is read from its records. */
  inDeleteStream: boolean;
  /** Whether `initial: { ago }` can place it: only a time can be counted back from now. */
  relativeInitial: boolean;
  /** Whether `tieBreaker` means anything: positions with an id after the value. */
  tieBreaker: boolean;
  /** Where the first cycle starts when the spec gives no `initial`; undefined: from the API's first page. */
  start?: string | number;
  /** The canonical value of a raw one, or the reason it is not one ("expected a number cursor"). */
  canonical(raw: unknown, format: CursorFormat): { value: string | number } | { problem: string };
  /** Orders two canonical values; 0 for kinds without an order. */
  compare(a: string | number, b: string | number): number;
  /** Whether the cursor is a time the consistency buffer caps at now − buffer. */
  capped: boolean;
  /** The canonical value as the API writes it, for {{cursor.value}}. */
  render(value: string | number, format: CursorFormat): string | number;
}
