/**
 * The stored state of a spec sync — what its checkpoints and anchors hold — and how `state show`
 * and `status` describe it. execute.ts writes the flip-flop keys, phase.ts a stream's keys, seal.ts
 * seals secrets out of it, the store keeps it verbatim as JSON. It is read back by loadState (the
 * sync resuming) and describeState (the CLI), and by nothing else.
 *
 * Format 1:
 *   {
 *     cursor?:  { value, id },     incremental: the lower bound the delta's requests use
 *     high?:    { value, id },     incremental: the highest record position seen in the open cycle
 *     page?:    { position, skip, pages?, records? }   where an interrupted cycle resumes
 *     phase?:   'delta' | 'deletes',   flip-flop syncs: the stream the next cycle walks
 *     failing?: 'delta' | 'deletes',   flip-flop syncs: the stream that failed its last turn
 *     deletes?: { cursor?, high?, page? }   flip-flop syncs: where the delete stream stands
 *   }
 * `page.position` is the paginator's (`{ at, previousPage? }`, pagination/paginate.ts Position),
 * `skip` how many items of that page are committed, `pages` and `records` what the cycle read
 * before it (walk-guard.ts). Absent parts are left out, never stored as null.
 *
 * Variants format 1 reads but never writes: a state without `phase` is in its delta phase (saved
 * before the sync had a delete stream, or an anchor snapshot); `page.done` lists the identities
 * committed of a split page (saved before the page log, page-parts.ts).
 *
 * Versions: the `v` key, and a state without it is format 1 — every state written so far. While the
 * shape stays format 1 the key is not written, so a state is the same (and compares equal) whichever
 * engine wrote it and checkpoints already stored need no migration. A change an older engine would
 * misread bumps STATE_FORMAT: new states then carry `v`, and loadState upgrades the older formats.
 * A state of a format newer than the engine's is refused (it would be misread), and described as
 * JSON, unread.
 */
import { SyncError } from '../core/errors.js';
import { maskUrl } from '../http/request.js';
import type { Position as PaginatorPosition } from '../pagination/paginate.js';
import type { CursorPosition } from './cursor.js';

/** The format this engine writes (without the key, as long as it is 1) and reads. */
export const STATE_FORMAT = 1;

export type PhaseName = 'delta' | 'deletes';

const PHASES: readonly string[] = ['delta', 'deletes'] satisfies PhaseName[];

/**
 * Where a cycle is: the position of the page it reads; when the page is split over commits, how many
 * of its items are committed (`skip`; their identities are in the page log, or — in states saved
 * before the page log — in `done`); and how many pages and records the cycle read before this page.
 */
export interface PageState {
  /** The paginator's position (a PaginatorPosition); opaque outside pagination. */
  position: unknown;
  skip: number;
  /** Saved by earlier versions: the identities committed of a split page. Read, never written. */
  done?: string[];
  pages?: number;
  records?: number;
}

/** Where one stream (the delta, or the delete stream) stands. */
export interface PhaseState {
  cursor?: CursorPosition;
  high?: CursorPosition;
  page?: PageState;
}

export interface SpecState extends PhaseState {
  /** Flip-flop syncs: the stream this (or the next) cycle walks. */
  phase?: PhaseName;
  /** Flip-flop syncs: where the delete stream stands. */
  deletes?: PhaseState;
  /** Flip-flop syncs: the stream that failed in its last turn, until it completes a walk. */
  failing?: PhaseName;
}

/** A stored state as execute reads it: of this engine's format, without the version key. */
export function loadState(stored: SpecState | undefined): SpecState | undefined {
  if (!isPlainObject(stored) || !('v' in stored)) return stored;
  const { v, ...state } = stored as Record<string, unknown>;
  if (v === STATE_FORMAT) return state as SpecState;
  throw new SyncError(
    'state-format',
    `the checkpoint is of state format ${JSON.stringify(v)}, and this engine reads format ${STATE_FORMAT}: ` +
      'it was written by another version of syncspec (run that one, or `syncspec state reset` to start over)',
  );
}

/** A phase as a reader calls the stream: 'delta' or 'delete stream'. */
export const streamName = (phase: string): string => (phase === 'deletes' ? 'delete stream' : phase);

/** What `state show` and `status` print of a state; `rest` is what is not recognised, as JSON (undefined: nothing). */
export interface StateView {
  /** 'delta' or 'deletes' for flip-flop syncs, else '-'. */
  phase: string;
  /** Flip-flop syncs: the stream that failed in its last turn ('delta' or 'deletes'), else '-'. */
  failing: string;
  /** `value (id)`, with `, seen …` for the highest record of the open cycle. */
  cursor: string;
  deleteCursor: string;
  /** `at 3`, `at tok_7, 20 committed`, `deletes at …`; several joined by '; '. */
  page: string;
  rest: string | undefined;
}

export type Redact = (text: string) => string;

/** Long values (tokens, next-page URLs) are cut: the table is for reading; --json has them whole. */
const MAX_VALUE = 40;

/**
 * Any stored state (a spec sync's, a hand-written sync's, an anchor) read into the fields the CLI
 * prints; what it does not recognise — a key it does not know, a known key of another shape, a
 * state of another format — is left in `rest`, so nothing stored is hidden. `redact` removes
 * secret values; it runs on whole values, before long ones are cut.
 */
export function describeState(state: unknown, redact: Redact = (text) => text): StateView {
  const view: StateView = { phase: '-', failing: '-', cursor: '-', deleteCursor: '-', page: '-', rest: undefined };
  if (state === undefined || state === null) return view;
  if (!isPlainObject(state) || (state.v !== undefined && state.v !== STATE_FORMAT)) return { ...view, rest: redact(JSON.stringify(state)) };
  const show = (text: string) => shorten(redact(maskUrl(text)));
  const rest: Record<string, unknown> = {};
  const { v: _v, phase, deletes, failing, ...delta } = state;
  if (typeof failing === 'string' && PHASES.includes(failing)) view.failing = failing;
  else if (failing !== undefined) rest.failing = failing;
  if (typeof phase === 'string' && PHASES.includes(phase)) view.phase = phase;
  else if (phase !== undefined) rest.phase = phase;
  // A flip-flop state without a phase (an anchor snapshot) starts with the delta.
  else if (deletes !== undefined) view.phase = 'delta';
  const pages: string[] = [];
  const deltaPart = describePart(delta, show);
  Object.assign(rest, deltaPart.rest);
  view.cursor = deltaPart.cursor;
  if (deltaPart.page) pages.push(deltaPart.page);
  if (isPlainObject(deletes)) {
    const deletesPart = describePart(deletes, show);
    if (Object.keys(deletesPart.rest).length > 0) rest.deletes = deletesPart.rest;
    view.deleteCursor = deletesPart.cursor;
    if (deletesPart.page) pages.push(`deletes ${deletesPart.page}`);
  } else if (deletes !== undefined) {
    rest.deletes = deletes;
  }
  view.page = pages.length > 0 ? pages.join('; ') : '-';
  if (Object.keys(rest).length > 0) view.rest = redact(JSON.stringify(rest));
  return view;
}

/** `cursor`, `high` and `page` of the delta or of the delete stream. */
function describePart(part: Record<string, unknown>, show: Redact): { cursor: string; page: string | undefined; rest: Record<string, unknown> } {
  const { cursor, high, page, ...rest } = part;
  const cursorText = isPosition(cursor) ? position(cursor, show) : undefined;
  const highText = isPosition(high) ? position(high, show) : undefined;
  if (cursor !== undefined && cursorText === undefined) rest.cursor = cursor;
  if (high !== undefined && highText === undefined) rest.high = high;
  const pageText = isPage(page) ? pageSummary(page, show) : undefined;
  if (page !== undefined && pageText === undefined) rest.page = page;
  let cursorCell = cursorText ?? '-';
  if (highText !== undefined) cursorCell = `${cursorText ?? 'none'}, seen ${highText}`;
  return { cursor: cursorCell, page: pageText, rest };
}

/** A cursor position; an `id` left out is read as none. */
type ShownPosition = Omit<CursorPosition, 'id'> & { id?: string | null };

function isPosition(value: unknown): value is ShownPosition {
  return isPlainObject(value) && (typeof value.value === 'string' || typeof value.value === 'number')
    && (value.id === undefined || value.id === null || typeof value.id === 'string')
    && Object.keys(value).every((key) => key === 'value' || key === 'id');
}

/** `2024-05-01T10:00:00.000Z (cus_000012)`: the value, and the tie-breaker id when there is one. */
function position({ value, id }: ShownPosition, show: Redact): string {
  const text = show(String(value));
  return id === undefined || id === null ? text : `${text} (${show(id)})`;
}

function isPage(value: unknown): value is PageState {
  return isPlainObject(value) && 'position' in value && typeof value.skip === 'number';
}

/**
 * `at 3`, `at cus_000050, 20 committed`: the paginator's position (a page number, offset, token,
 * URL or keyset) and how many records of that page are already committed.
 */
function pageSummary({ position, skip }: PageState, show: Redact): string {
  // The digest of the previous page (PaginatorPosition.previousPage) means nothing to a reader.
  const at = isPlainObject(position) && 'at' in position ? (position as Partial<PaginatorPosition>).at : position;
  const text = at === null || at === undefined ? 'the first page' : show(typeof at === 'string' ? at : JSON.stringify(at));
  return skip > 0 ? `at ${text}, ${skip} committed` : `at ${text}`;
}

function shorten(text: string): string {
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}
