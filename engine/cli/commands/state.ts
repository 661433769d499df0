/**
 * `syncspec state show|reset <config> [--sync name]`: inspect or forget checkpoints.
 *
 * The table reads each checkpoint's state as spec syncs write it — `phase` (delta or deletes, for
 * flip-flop delete streams), `cursor` and `high` (where the delta stands, and the highest record
 * seen in the open cycle), `page` (where an interrupted cycle resumes) and `deletes` (the delete
 * stream's own cursor, high and page) — one column each. Whatever it does not recognise (the
 * state of a hand-written sync, a key it does not know) is shown as compact JSON in a last
 * `state` column, so nothing stored is hidden. `--json` prints the checkpoints as stored.
 */
import type { Command } from 'commander';
import { selectSyncs, type OpenedProject } from '../../project.js';
import type { Checkpoint } from '../../store/store.js';
import { SyncError } from '../../core/errors.js';
import { REDACTED, isSensitiveName } from '../../http/redact.js';
import { table } from '../format.js';
import { openOrReport, reportInvalid } from '../open.js';

export function registerState(program: Command): void {
  const state = program.command('state').description('show or reset sync checkpoints');
  state
    .command('show')
    .argument('<config>', 'config file')
    .option('-s, --sync <name>', 'only this sync')
    .option('--json', 'print JSON')
    .action(async (config: string, options: { sync?: string; json?: boolean }) => {
      await withSyncs(config, options.sync, 'read', async (opened, names) => {
        const checkpoints = (await opened.store.listCheckpoints()).filter((c) => names.includes(c.sync));
        if (options.json) {
          process.stdout.write(`${JSON.stringify(checkpoints, null, 2)}\n`);
          return;
        }
        const lines = [...checkpoints.map(checkpointLine), ...(await anchorLines(opened, names, checkpoints))];
        if (lines.length === 0) {
          process.stdout.write('no checkpoints: every selected sync starts from the beginning\n');
          return;
        }
        // Stable: the store's order of partitions within a sync is kept.
        lines.sort((a, b) => (a.sync < b.sync ? -1 : a.sync > b.sync ? 1 : 0));
        process.stdout.write(`${stateTable(lines, opened.redact)}\n`);
      });
    });
  state
    .command('reset')
    .argument('<config>', 'config file')
    .option('-s, --sync <name>', 'only this sync (default: all)')
    .action(async (config: string, options: { sync?: string }) => {
      await withSyncs(config, options.sync, 'write', async (opened, names) => {
        for (const name of names) await opened.store.resetState(name);
        process.stdout.write(`reset ${names.length} sync(s): ${names.join(', ')}\n`);
      });
    });
}

/** One row of `state show`: a checkpoint, or the anchor a delta without one will start from. */
export interface StateLine {
  sync: string;
  partition: string;
  /** 'in progress', 'done' or 'anchored'. */
  cycle: string;
  state: unknown;
  updated: string;
}

function checkpointLine(checkpoint: Checkpoint): StateLine {
  return {
    sync: checkpoint.sync,
    partition: checkpoint.partition,
    // 'done', not 'idle': a partition that finished while its sync's cycle is still open (other
    // partitions pending) must not look as if nothing were left to do.
    cycle: checkpoint.doneInCycle === null ? 'in progress' : 'done',
    state: checkpoint.state,
    updated: checkpoint.updatedAt,
  };
}

/** A delta that has no checkpoint yet starts from the snapshot its backfill took (event anchor). */
async function anchorLines(opened: OpenedProject, names: string[], checkpoints: Checkpoint[]): Promise<StateLine[]> {
  const lines: StateLine[] = [];
  for (const name of names) {
    if (checkpoints.some((c) => c.sync === name)) continue;
    const anchor = await opened.store.getAnchor(name);
    if (anchor !== undefined) lines.push({ sync: name, partition: '', cycle: 'anchored', state: anchor, updated: '-' });
  }
  return lines;
}

/** What the table shows of a state; `rest` is what it does not recognise, as JSON (undefined: nothing). */
interface StateView {
  phase: string;
  /** Flip-flop syncs: the stream that failed in its last turn ('delta' or 'deletes'), else '-'. */
  failing: string;
  cursor: string;
  deleteCursor: string;
  page: string;
  rest: string | undefined;
}

type Redact = (text: string) => string;

interface Column {
  header: string;
  cell(line: StateLine, view: StateView): string;
  /** Shown only when some row has a value for it. */
  optional?: boolean;
}

const COLUMNS: Column[] = [
  { header: 'sync', cell: (line) => line.sync },
  { header: 'partition', cell: (line) => line.partition || '-' },
  { header: 'cycle', cell: (line) => line.cycle },
  { header: 'phase', cell: (_, view) => phaseCell(view) },
  { header: 'cursor', cell: (_, view) => view.cursor },
  { header: 'delete cursor', cell: (_, view) => view.deleteCursor },
  { header: 'page', cell: (_, view) => view.page },
  { header: 'updated', cell: (line) => line.updated },
  { header: 'state', cell: (_, view) => view.rest ?? '-', optional: true },
];

/** `redact` removes secret values; it runs on whole values, before long ones are cut. */
export function stateTable(lines: StateLine[], redact: Redact = (text) => text): string {
  const views = lines.map((line) => readState(line.state, redact));
  const columns = COLUMNS.filter((column) => !column.optional || lines.some((line, i) => column.cell(line, views[i]) !== '-'));
  return table(
    columns.map((column) => column.header),
    lines.map((line, i) => columns.map((column) => column.cell(line, views[i]))),
  );
}

const PHASES = ['delta', 'deletes'];

/** A flip-flop phase as a reader calls the stream: 'delta' or 'delete stream'. */
export const streamName = (phase: string): string => (phase === 'deletes' ? 'delete stream' : phase);

/** `deletes`, or `delta (delete stream failing)` while the other stream fails its turns. */
function phaseCell(view: StateView): string {
  return view.failing === '-' ? view.phase : `${view.phase} (${streamName(view.failing)} failing)`;
}
/** Long values (tokens, next-page URLs) are cut: the table is for reading; --json has them whole. */
const MAX_VALUE = 40;

/** A spec sync's state read into columns; anything else is left in `rest`. */
export function readState(state: unknown, redact: Redact = (text) => text): StateView {
  const view: StateView = { phase: '-', failing: '-', cursor: '-', deleteCursor: '-', page: '-', rest: undefined };
  if (state === undefined || state === null) return view;
  if (!isPlainObject(state)) return { ...view, rest: redact(JSON.stringify(state)) };
  const show = (text: string) => shorten(redact(maskCredentials(text)));
  const rest: Record<string, unknown> = {};
  const { phase, deletes, failing, ...delta } = state;
  if (typeof failing === 'string' && PHASES.includes(failing)) view.failing = failing;
  else if (failing !== undefined) rest.failing = failing;
  if (typeof phase === 'string' && PHASES.includes(phase)) view.phase = phase;
  else if (phase !== undefined) rest.phase = phase;
  // A flip-flop state without a phase (an anchor snapshot) starts with the delta.
  else if (deletes !== undefined) view.phase = 'delta';
  const pages: string[] = [];
  const deltaPart = readPart(delta, show);
  Object.assign(rest, deltaPart.rest);
  view.cursor = deltaPart.cursor;
  if (deltaPart.page) pages.push(deltaPart.page);
  if (isPlainObject(deletes)) {
    const deletesPart = readPart(deletes, show);
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
function readPart(part: Record<string, unknown>, show: Redact): { cursor: string; page: string | undefined; rest: Record<string, unknown> } {
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

type Position = { value: string | number; id?: string | null };

function isPosition(value: unknown): value is Position {
  return isPlainObject(value) && (typeof value.value === 'string' || typeof value.value === 'number')
    && (value.id === undefined || value.id === null || typeof value.id === 'string')
    && Object.keys(value).every((key) => key === 'value' || key === 'id');
}

/** `2024-05-01T10:00:00.000Z (cus_000012)`: the value, and the tie-breaker id when there is one. */
function position({ value, id }: Position, show: Redact): string {
  const text = show(String(value));
  return id === undefined || id === null ? text : `${text} (${show(id)})`;
}

type Page = { position: unknown; skip: number };

function isPage(value: unknown): value is Page {
  return isPlainObject(value) && 'position' in value && typeof value.skip === 'number';
}

/**
 * `at 3`, `at cus_000050, 20 committed`: the paginator's position (a page number, offset, token,
 * URL or keyset) and how many records of that page are already committed.
 */
function pageSummary({ position, skip }: Page, show: Redact): string {
  // Paginator positions are `{ at, previousPage? }`; the digest of the previous page means nothing to a reader.
  const at = isPlainObject(position) && 'at' in position ? position.at : position;
  const text = at === null || at === undefined ? 'the first page' : show(typeof at === 'string' ? at : JSON.stringify(at));
  return skip > 0 ? `at ${text}, ${skip} committed` : `at ${text}`;
}

/**
 * Next-page URLs may carry credentials the redactor never saw (a token the API put in the link):
 * like request logs, the table hides user info and query values with credential-like names.
 */
function maskCredentials(text: string): string {
  if (!/^https?:\/\//i.test(text)) return text;
  try {
    const url = new URL(text);
    url.username = '';
    url.password = '';
    const pairs = [...url.searchParams].map(([name, value]) => `${encodeURIComponent(name)}=${isSensitiveName(name) ? REDACTED : encodeURIComponent(value)}`);
    url.search = '';
    return pairs.length > 0 ? `${url.href}?${pairs.join('&')}` : url.href;
  } catch {
    return text;
  }
}

function shorten(text: string): string {
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

async function withSyncs(
  config: string, name: string | undefined, access: 'read' | 'write', action: (opened: OpenedProject, names: string[]) => Promise<void>,
): Promise<void> {
  const opened = await openOrReport(config, access);
  if (!opened) return;
  try {
    const names = selectSyncs(opened.syncs, name ? [name] : undefined, opened.disabledSyncs).map((sync) => sync.name);
    await action(opened, names);
  } catch (error) {
    if (error instanceof SyncError) return reportInvalid(error.message);
    throw error;
  } finally {
    await opened.close();
  }
}
