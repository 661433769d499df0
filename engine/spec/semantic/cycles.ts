/**
 * Keys that tie one cycle of a sync to others, each meaningful in one mode only: `fullSync` and
 * `resync` restart an incremental sync from the beginning (a replace sync does so every cycle);
 * `anchor` pairs a replace sync (a backfill) with the delta that continues after it, so it must
 * name an incremental sync of the same database whose position can be snapshotted.
 */
import type { Anchor, Cursor, Sync } from '../types.generated.js';
import type { DocPath } from '../diagnostics.js';
import { suggestion } from '../../core/suggest.js';
import { isPlainObject, type CheckedSync, type SpecContext } from './context.js';
import { connectorDefault } from '../defaults.js';

type CursorType = NonNullable<Cursor['type']>;

export function checkCycles(ctx: SpecContext, checked: CheckedSync): void {
  const { path, sync, mode } = checked;
  if (mode === 'replace') {
    if (sync.fullSync !== undefined) {
      ctx.report.error(
        [...path, 'fullSync'],
        'full-sync-in-replace',
        'fullSync is for incremental syncs; every cycle of a replace sync is already a full sync',
      );
    }
    if (sync.resync !== undefined) {
      ctx.report.error(
        [...path, 'resync'],
        'resync-in-replace',
        'resync is for incremental syncs; a replace sync keeps no delta position that could expire',
      );
    }
  }
  if (sync.anchor === undefined) return;
  if (mode === 'incremental') {
    ctx.report.error(
      [...path, 'anchor'],
      'anchor-in-incremental',
      'anchor is for replace syncs (backfills) paired with a delta; an incremental sync continues from its own cursor',
    );
    return;
  }
  checkAnchor(ctx, checked, sync.anchor, [...path, 'anchor']);
}

function checkAnchor(ctx: SpecContext, checked: CheckedSync, anchor: Anchor, at: DocPath): void {
  const cursorType = checkAnchorDelta(ctx, checked, anchor.delta, [...at, 'delta']);
  if (anchor.request === undefined && cursorType !== undefined && cursorType !== 'timestamp') {
    ctx.report.error(
      at,
      'anchor-needs-request',
      `anchor.request is needed: delta '${anchor.delta}' has ${cursorType === 'opaque' ? 'an' : 'a'} ${cursorType} cursor, so its position must be read from the API`,
    );
  } else if (anchor.request === undefined && anchor.value !== undefined) {
    ctx.report.error([...at, 'value'], 'missing-key', 'anchor.value reads the response of anchor.request; give request too, or remove value');
  } else if (anchor.request !== undefined && anchor.value === undefined) {
    ctx.report.error(at, 'missing-key', 'anchor.request needs value: where the position is in its response, e.g. value: $.data[0].id');
  }
}

/**
 * Reports what is wrong with the sync `anchor.delta` names; returns the type of its cursor when it
 * is a delta of this sync's database (undefined when it is not, or has no cursor).
 */
function checkAnchorDelta(ctx: SpecContext, { name, sync }: CheckedSync, delta: string, at: DocPath): CursorType | undefined {
  const syncs = isPlainObject(ctx.resolved.spec.syncs) ? ctx.resolved.spec.syncs : {};
  if (delta === name) {
    ctx.report.error(at, 'bad-anchor', 'anchor.delta names this sync itself; name the incremental sync that continues after the backfill');
    return undefined;
  }
  if (!Object.hasOwn(syncs, delta)) {
    const candidates = Object.entries(syncs)
      .filter(([other, candidate]) => other !== name && ctx.isClean(['syncs', other]) && isDeltaOf(candidate, sync.database))
      .map(([other]) => other);
    ctx.report.error(
      at,
      'unknown-sync',
      `unknown delta sync '${delta}' ${suggestion(delta, candidates, {
        label: `incremental syncs of database '${sync.database}'`,
        empty: `this connector has no incremental sync writing database '${sync.database}'`,
      })}`,
    );
    return undefined;
  }
  // A delta that failed the schema check has its errors reported already; its keys are unknown.
  if (!ctx.isClean(['syncs', delta])) return undefined;
  const target = syncs[delta];
  if ((target.mode ?? connectorDefault('sync', 'mode')) !== 'incremental') {
    ctx.report.error(at, 'bad-anchor', `anchor.delta '${delta}' is a replace sync; name an incremental sync (the delta that continues after the backfill)`);
    return undefined;
  }
  let fits = true;
  if (target.database !== sync.database) {
    fits = false;
    ctx.report.error(
      at,
      'bad-anchor',
      `anchor.delta '${delta}' writes database '${target.database}', not '${sync.database}'; a backfill and its delta write the same database`,
    );
  }
  if (target.partitions !== undefined) {
    fits = false;
    ctx.report.error(at, 'bad-anchor', `anchor.delta '${delta}' has partitions; an anchor snapshots one position, so its delta cannot be partitioned`);
  }
  return fits && target.cursor ? target.cursor.type ?? connectorDefault<CursorType>('cursor', 'type') : undefined;
}

function isDeltaOf(sync: Sync, database: string): boolean {
  return sync.mode === 'incremental' && sync.database === database && sync.partitions === undefined;
}
