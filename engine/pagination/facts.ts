/**
 * What the rest of the engine asks about a paginator — validation, request templates, the interpreter —
 * answered from its style in the registry, so no list of types lives anywhere else.
 */
import type { Paginator } from '../spec/model.generated.js';
import { paginators } from './registry.js';
import type { CursorPaging, PaginatorStyle } from './style.js';

// The registry pairs each type with its style; the cast only forgets which pair this is.
type AnyStyle = PaginatorStyle<Paginator, any>;

/** The style of a paginator (no paginator: `none`). */
export function styleOf(paginator: Paginator | undefined): AnyStyle {
  return paginators[paginator?.type ?? 'none'] as AnyStyle;
}

/** The types whose style has a property, in registry order: `typesWhere((s) => s.pastTotal)`. */
export function typesWhere(holds: (style: AnyStyle) => unknown): string[] {
  return Object.entries(paginators).filter(([, style]) => holds(style as AnyStyle)).map(([type]) => type);
}

/** The paginator's position is a cursor (keyset, requery): what {{cursor}} holds while paging. */
export function cursorPaging(paginator: Paginator | undefined): CursorPaging<unknown> | undefined {
  return styleOf(paginator).cursor;
}

/** Whether the paginator pages by the cursor itself: in an incremental sync, its position after each page is the cursor. */
export function pagesByCursor(paginator: Paginator | undefined): boolean {
  return cursorPaging(paginator) !== undefined;
}

/** `a`, `a and b`, `a, b or c`: types in messages. */
export function listOf(items: readonly string[], word: 'and' | 'or'): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} ${word} ${items[items.length - 1]}`;
}
