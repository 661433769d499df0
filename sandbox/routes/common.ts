/** Helpers every contact route shares: the visible contacts, windowed and ordered by (updated_at, id). */
import type { SourceRecord } from '../data.js';
import type { SandboxCtx } from '../env.js';
import { sliceWindow, windowParams, type Window } from '../paging.js';
import type { View } from '../view.js';

/** The replica as this request sees it (writes younger than the lag are not in it yet). */
export function visible(ctx: SandboxCtx): View {
  return ctx.env.store.visible();
}

/** Live contacts inside `updated_since`/`updated_before`, ordered by (updated_at, id). */
export function contactsWindow(ctx: SandboxCtx, window: Window = windowParams(ctx.query)): SourceRecord[] {
  return sliceWindow(visible(ctx).byUpdated('contacts'), window);
}

/** The URL of this endpoint with some query parameters replaced, absolute, for next links. */
export function linkTo(ctx: SandboxCtx, changes: Record<string, string | number>): string {
  const query = new URLSearchParams(ctx.query);
  for (const [key, value] of Object.entries(changes)) query.set(key, String(value));
  // Keep OData's `$top`/`$skiptoken` readable; URLSearchParams would write %24.
  return `${ctx.baseUrl}${ctx.url.pathname}?${query.toString().replace(/%24/g, '$')}`;
}
