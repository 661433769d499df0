/**
 * A spec sync compiled into the execute(state) → { changes, hasMore, nextState } contract.
 *
 * Most syncs walk one stream (phase.ts), and their state is that stream's:
 *   { cursor?, high?, page? }
 * (The stored shape, its format version and how it is described: state-format.ts.)
 *
 * A sync with a delete stream (`deletes.stream`) runs flip-flop: a cycle of the delta, walked until
 * it is caught up, then a cycle of the delete stream, walked until it is caught up, then the delta
 * again. Each stream keeps its own cursor; the state names the phase the next cycle runs:
 *   { phase: 'delta' | 'deletes', cursor?, high?, page?, deletes?: { cursor?, high?, page? } }
 * The top-level cursor/high/page are the delta's, as in a sync without a delete stream; `deletes`
 * holds the delete stream's. A state without `phase` (saved before the sync had a delete stream)
 * is a delta phase.
 *
 * A full cycle (ctx.full: periodic, --full, or a resync) starts without state, runs the delta alone
 * (the cycle's sweep removes what was deleted before it) and hands over to the delete stream, which
 * catches up on what was deleted while the cycle ran.
 *
 * A delete stream with no position yet starts where its delta's first cycle started: a deletion
 * older than that concerns a record the delta never read. An explicit `cursor.initial` overrides it.
 *
 * Neither stream starves the other: when one fails (a 400 for a window the API refuses, a 500 after
 * every retry), the other runs in the same cycle and the failure is reported when the cycle ends
 * (ExecuteResult.deferredError) — the failed stream keeps its position and is retried in its next
 * turn. `failing` names the stream that failed last, until it completes a walk. When the other
 * failed its own last turn too, the cycle ends at the hand-over: each cycle then tries one stream,
 * in turn, so whichever recovers first runs again.
 */
import type { ExecuteContext, ExecuteResult } from '../core/types.js';
import { ResyncRequired, SyncError, describeError } from '../core/errors.js';
import { upperBound } from './cursor.js';
import { compilePhase, type PhaseResult, type PhaseRules } from './phase.js';
import { loadState, streamName, type PhaseName, type PhaseState, type SpecState } from './state-format.js';

export interface SpecSyncParts {
  /** The sync's own request and records. */
  delta: PhaseRules;
  /** The delete stream, run flip-flop with the delta. */
  deletes?: PhaseRules;
}

/** The sync's execute: stored states are loaded (state-format.ts) before either stream reads them. */
export function compileExecute(parts: SpecSyncParts) {
  const execute = compileStreams(parts);
  return (state: SpecState | undefined, ctx: ExecuteContext): Promise<ExecuteResult<SpecState>> => execute(loadState(state), ctx);
}

function compileStreams(parts: SpecSyncParts) {
  const delta = compilePhase(parts.delta);
  if (!parts.deletes) {
    return async function execute(state: SpecState | undefined, ctx: ExecuteContext): Promise<ExecuteResult<SpecState>> {
      const result = await delta(state, ctx);
      return toResult(result, result.state);
    };
  }
  const deleteRules = parts.deletes;
  const deletes = compilePhase(deleteRules);
  const runPhase = async (phase: PhaseName, state: SpecState | undefined, ctx: ExecuteContext): Promise<ExecuteResult<SpecState>> => {
    if (phase === 'deletes') {
      const result = await deletes(state?.deletes, ctx);
      const failing = result.done && state?.failing === 'deletes' ? undefined : state?.failing;
      return toResult(result, flipFlopState(result.done ? 'delta' : 'deletes', deltaOf(state), result.state, failing));
    }
    const result = await delta(deltaOf(state), ctx);
    const deletesState = deletesOf(state, ctx, deleteRules);
    const after = ctx.full && result.done ? deletesAfterFullCycle(deleteRules, state?.deletes, ctx) : deletesState;
    const failing = result.done && state?.failing === 'delta' ? undefined : state?.failing;
    return toResult(result, flipFlopState(result.done ? 'deletes' : 'delta', result.state, after, failing));
  };
  return async function execute(state: SpecState | undefined, ctx: ExecuteContext): Promise<ExecuteResult<SpecState>> {
    const phase: PhaseName = state?.phase === 'deletes' && !ctx.full ? 'deletes' : 'delta';
    try {
      return await runPhase(phase, state, ctx);
    } catch (error) {
      const other: PhaseName = phase === 'delta' ? 'deletes' : 'delta';
      // A full cycle needs its whole delta (it sweeps what it did not read); cancellation and an
      // expired position are the loop's to handle.
      if (ctx.full || ctx.signal.aborted || error instanceof ResyncRequired) throw error;
      // The next turn is the other stream's, even when both fail: whichever recovers first runs. It
      // runs in this cycle unless it failed its own last turn too (then the cycle ends here).
      const handedOver = flipFlopState(other, deltaOf(state), deletesOf(state, ctx, deleteRules), phase);
      return { changes: [], hasMore: state?.failing !== other, nextState: handedOver, deferredError: streamFailure(phase, error) };
    }
  };
}

/** The failure of one stream, named, with the original's code. */
function streamFailure(phase: PhaseName, error: unknown): SyncError {
  const code = (error as { code?: unknown } | null)?.code;
  const label = streamName(phase);
  const other = phase === 'deletes' ? 'the delta' : 'the delete stream';
  return new SyncError(typeof code === 'string' ? code : 'stream-failed', `${label} failed (${other} ran instead; it is retried in its next turn): ${describeError(error)}`, { cause: error });
}

/** The state a delta starts from at `cursor` (an anchor snapshot), in the shape its execute reads. */
export function deltaStartState(cursor: PhaseState['cursor'], flipFlop?: { deletesCursor: PhaseState['cursor'] }): SpecState {
  if (!flipFlop) return cursor ? { cursor } : {};
  return flipFlopState('delta', cursor ? { cursor } : undefined, flipFlop.deletesCursor ? { cursor: flipFlop.deletesCursor } : undefined);
}

/**
 * After a full cycle, deletions older than its start are gone with its sweep: a timestamp delete
 * stream need not read them again, and continues from the cycle's now − buffer. Other cursors
 * cannot be placed at a time, so their stream reads from where it stood (or its start).
 */
function deletesAfterFullCycle(rules: PhaseRules, previous: PhaseState | undefined, ctx: ExecuteContext): PhaseState | undefined {
  const cursorRules = rules.incremental?.rules;
  const until = cursorRules ? upperBound(ctx.cycleStartedAt, cursorRules) : undefined;
  return until ? { cursor: until } : previous && { cursor: previous.cursor };
}

/** Where the delete stream stands; on a sync's very first turn, where it will start (deletesFromStart). */
function deletesOf(state: SpecState | undefined, ctx: ExecuteContext, rules: PhaseRules): PhaseState | undefined {
  return state?.deletes ?? (!state && !ctx.full ? deletesFromStart(rules, ctx) : undefined);
}

/**
 * A timestamp delete stream with no position and no `initial` of its own, when its delta starts for
 * the first time: from this cycle's now − buffer, not from the epoch an API may refuse.
 */
function deletesFromStart(rules: PhaseRules, ctx: ExecuteContext): PhaseState | undefined {
  const cursorRules = rules.incremental?.rules;
  if (!cursorRules || rules.incremental?.spec.initial !== undefined) return undefined;
  const until = upperBound(ctx.cycleStartedAt, cursorRules);
  return until && { cursor: until };
}

/** The delta's part of a flip-flop state: everything but the phase, the delete stream's and the failing mark. */
function deltaOf(state: SpecState | undefined): PhaseState | undefined {
  if (!state) return undefined;
  const { phase: _phase, deletes: _deletes, failing: _failing, ...delta } = state;
  return delta;
}

/** Keys in reading order, for `state show`; absent parts are left out rather than shown empty. */
function flipFlopState(phase: PhaseName, delta: PhaseState | undefined, deletes: PhaseState | undefined, failing?: PhaseName): SpecState {
  const state: SpecState = { phase, ...definedOf(delta) };
  const deletesState = definedOf(deletes);
  if (Object.keys(deletesState).length > 0) state.deletes = deletesState;
  if (failing) state.failing = failing;
  return state;
}

/** The parts that are set: the runtime compares states in memory, where `{ high: undefined }` ≠ `{}`. */
function definedOf(state: PhaseState | undefined): PhaseState {
  const out: PhaseState = {};
  if (state?.cursor !== undefined) out.cursor = state.cursor;
  if (state?.high !== undefined) out.high = state.high;
  if (state?.page !== undefined) out.page = state.page;
  return out;
}

function toResult(result: PhaseResult, nextState: SpecState | undefined): ExecuteResult<SpecState> {
  const out: ExecuteResult<SpecState> = { changes: result.changes, failed: result.failed, hasMore: !result.done, nextState };
  if (result.progress) out.progress = result.progress;
  if (result.pageLog) out.pageLog = result.pageLog;
  return out;
}
