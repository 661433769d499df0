/**
 * A pagination style is a set of pure functions of (spec, position, last response): what the first
 * position is, where a position goes in a request, and what the next position is. Stop conditions and the
 * non-advancing guard are not the style's business; paginate.ts applies them to every style alike.
 */
import type { Stop } from '../spec/types.generated.js';
import type { HttpRequest, HttpResponse } from '../http/request.js';

export interface Page<P> {
  response: HttpResponse;
  /** The records extracted from the response. */
  records: unknown[];
  /** The position this page was fetched at (undefined for the first page of a style that starts without one). */
  position: P | undefined;
  /** describeRequest(…) of the request, secrets redacted, for error messages. */
  request: string;
  baseUrl: string;
}

export interface PaginatorStyle<S, P> {
  /** Stop conditions used when the spec gives no `stop`. */
  defaultStop: Stop;
  /** How messages name a position: "page token", "page URL"… */
  noun: string;
  /**
   * The style reads some records twice on purpose (requery pages through a tied value from its start),
   * so "this page repeats the page before it" is no sign of a stuck API; the position guard still holds.
   */
  rereadsRecords?: boolean;
  /** Configuration errors the schema cannot express (a key another key requires); `where` is e.g. `paginate`. */
  check?(spec: S, where: string): void;
  firstPosition(spec: S): P | undefined;
  /** Puts the position into the request: a token into query/header/body, a next URL in place of the URL. */
  applyPosition(spec: S, request: HttpRequest, position: P | undefined, baseUrl: string): HttpRequest;
  /** undefined = the style sees no next page. */
  nextPosition(spec: S, page: Page<P>): P | undefined;
  /**
   * The position the page was actually fetched at, when the request says more than `page.position`
   * (the first page of a next-URL style has no position but does have a URL).
   */
  fetchedAt?(spec: S, page: Page<P>): P | undefined;
  /** For `stop.total`: whether `next` lies past the total the response announced. Styles without it reject `total`. */
  pastTotal?(spec: S, total: number, next: P): boolean;
  /** Keyset and requery pagination re-render the request templates with this as {{cursor}}. */
  templateCursor?(position: P | undefined): TemplateCursor | undefined;
}

/** {{cursor}} at a position: `tie` is set by requery only (true while paging through one tied value). */
export interface TemplateCursor {
  value: unknown;
  id: string | null;
  tie?: boolean;
}
