/**
 * Event anchor (`anchor` on a backfill): when a backfill cycle starts, snapshot where its delta
 * stands, so a delta with no position yet starts there and picks up everything that changed while
 * the (possibly hours-long) backfill ran. The snapshot is a state the delta's execute starts from:
 * the position read from the API (`anchor.request` + `anchor.value`, e.g. the newest event id), or
 * for a timestamp delta without a request, now − its buffer.
 */
import type { SyncDefinition } from '../core/types.js';
import type { Anchor, Sync } from '../spec/model.generated.js';
import { SyncError } from '../core/errors.js';
import { selectFirst } from '../extract/jsonpath.js';
import { describeRequest } from '../http/request.js';
import { canonicalValue, cursorRules, initialPosition, upperBound, type CursorPosition } from './cursor.js';
import { deltaStartState } from './execute.js';
import type { ConnectorHttp } from './http.js';
import { compileRequest } from './request.js';

export type CompiledAnchor = NonNullable<SyncDefinition['anchor']>;

export interface AnchorDeps {
  /** The connector's name: the delta's qualified name is `<connector>.<delta>`. */
  connector: string;
  http: ConnectorHttp;
  vars: Record<string, unknown>;
  secrets: Record<string, string>;
}

export function compileAnchor(sync: string, anchor: Anchor, delta: Sync | undefined, deps: AnchorDeps): CompiledAnchor {
  if (!delta?.cursor) {
    throw new SyncError('bad-anchor', `${sync}: anchor.delta '${anchor.delta}' is not an incremental sync with a cursor of this connector`);
  }
  const rules = cursorRules(delta.cursor);
  const deleteCursor = delta.deletes?.stream?.cursor;
  const deleteRules = deleteCursor && cursorRules(deleteCursor);
  // A flip-flop delta's delete stream starts at the same moment, when its cursor is a time.
  const stateAt = (cursor: CursorPosition | undefined, now: Date) =>
    deltaStartState(cursor, delta.deletes?.stream ? { deletesCursor: deleteRules && upperBound(now, deleteRules) } : undefined);
  const name = `${deps.connector}.${anchor.delta}`;

  if (!anchor.request) {
    if (rules.type !== 'timestamp') {
      throw new SyncError('bad-anchor', `${sync}: anchor.request is needed: delta '${anchor.delta}' has a ${rules.type} cursor, so its position must be read from the API`);
    }
    return { sync: name, snapshot: async ({ now }) => stateAt(upperBound(now, rules), now) };
  }
  if (anchor.value === undefined) throw new SyncError('bad-anchor', `${sync}: anchor.request needs anchor.value, where the position is in its response`);
  const valuePath = anchor.value;
  const build = compileRequest(anchor.request);
  const sender = deps.http.senderFor(delta.pacer);
  return {
    sync: name,
    async snapshot({ signal, metrics, now }) {
      const request = build({ vars: deps.vars, secrets: deps.secrets, now: now.toISOString() });
      const response = await sender.send(request, { signal, metrics });
      const raw = selectFirst(valuePath, response.body);
      // An API with no position yet (an empty event feed): the delta starts from its initial cursor.
      const where = `${describeRequest(response.request ?? request)}: anchor.value ${valuePath}`;
      const cursor = raw === undefined || raw === null ? initialPosition(rules, now) : { value: canonicalValue(raw, rules, where), id: null };
      return stateAt(cursor, now);
    },
  };
}
