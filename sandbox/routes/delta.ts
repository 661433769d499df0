/**
 * Delta tokens (Microsoft Graph / Google style): the first call without a token returns everything,
 * every answer hands back a `deltaToken` for "changes after this". Tokens carry their issue time and
 * answer 410 `token_expired` once older than the configured age or after `/_admin/expire-tokens`;
 * the only way on is a full resync.
 *
 * Position is the order in which changes became visible (not updated_at), so a write that surfaces
 * late through the replica lag is still delivered. Removed records appear as `{ id, deleted: true }`
 * markers. Pages are `limit` long; a short page means the client is caught up.
 */
import type { SourceRecord } from '../data.js';
import type { SandboxCtx, SandboxRoute } from '../env.js';
import { HttpError, json, type Reply } from '../http.js';
import { lowerBound } from '../order.js';
import { decodeToken, encodeToken, limitParam } from '../paging.js';
import { visible } from './common.js';
import { markerOf, type Marker } from './deletes.js';

/** [seq, id] of the last delivered change, issue time, expiry generation. */
interface DeltaToken {
  p: [number, string];
  iat: number;
  g: number;
}

function isDeltaToken(v: unknown): v is DeltaToken {
  const t = v as DeltaToken;
  return !!t && Array.isArray(t.p) && typeof t.p[0] === 'number' && typeof t.p[1] === 'string' && typeof t.iat === 'number' && typeof t.g === 'number';
}

function delta(ctx: SandboxCtx): Reply {
  const { clock, delta: config } = ctx.env;
  const now = clock.now();
  const raw = ctx.query.get('token');
  const token = raw ? decodeToken(raw, 'token', isDeltaToken) : undefined;
  if (token && (now - token.iat > config.maxAgeMs || token.g < config.generation)) {
    throw new HttpError(410, 'token_expired', 'the delta token expired; start over without a token (full resync)');
  }
  const view = visible(ctx);
  // (seq, id) order without sorting: untouched seeded records (seq 0) by id, then changed ids in the
  // order their last write was applied — the view's change map iterates in exactly that order.
  const rows = view.memo('contacts', 'delta', () => {
    const changes = view.changes('contacts');
    const out: Array<{ seq: number; row: SourceRecord | Marker }> = [];
    for (const row of view.byId('contacts')) if (!changes.has(row.id)) out.push({ seq: 0, row });
    for (const [changedId, seq] of changes) {
      const gone = view.tombstone('contacts', changedId);
      const row = view.get('contacts', changedId) ?? (gone && markerOf(gone));
      if (row) out.push({ seq, row });
    }
    return out;
  });
  const [seq, id] = token?.p ?? [-1, ''];
  const start = lowerBound(rows, (r) => r.seq < seq || (r.seq === seq && r.row.id <= id));
  const page = rows.slice(start, start + limitParam(ctx.query));
  const last = page.length ? page[page.length - 1] : undefined;
  const next: DeltaToken = { p: last ? [last.seq, last.row.id] : [seq, id], iat: now, g: config.generation };
  return json({ items: page.map((r) => r.row), deltaToken: encodeToken(next) });
}

export const deltaRoutes: SandboxRoute[] = [{ method: 'GET', path: '/v1/delta/contacts', auth: 'bearer', handle: delta }];
