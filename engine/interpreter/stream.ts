/**
 * A stream is a request, a paginator and a record selector: it fetches one page at a position
 * and says where the next page is. Shared by syncs, parent listings and delete streams. Positions
 * are plain JSON so they can live in checkpoints; what a stream keeps between calls is only the
 * pages it fetches ahead (`pageConcurrency`), which a process that restarts simply fetches again.
 */
import type { Paginator, Request } from '../spec/model.generated.js';
import type { HttpRequest, HttpResponse } from '../http/request.js';
import type { SyncMetrics } from '../core/types.js';
import { describeRequest, resolveUrl } from '../http/request.js';
import { compilePaginator } from '../pagination/paginate.js';
import { describeValue, ExtractError, selectRecords } from '../extract/jsonpath.js';
import type { TemplateContext } from '../template/render.js';
import type { CursorPosition } from './cursor.js';
import { compileRequest } from './request.js';

export interface StreamSpec {
  request: Request;
  records: string;
  paginate?: Paginator;
  /**
   * The records are mapped, so they must be objects: a records path that selects only scalars (ids,
   * strings) fails the page naming the request and the path. Delete streams may list bare keys.
   */
  objects?: boolean;
}

/** Per-call I/O context: cancellation, and the run's counters that every request adds to. */
export interface FetchIo {
  signal: AbortSignal;
  metrics: SyncMetrics;
}

export interface HttpSender {
  send(request: HttpRequest, io: FetchIo): Promise<HttpResponse>;
}

export interface FetchedPage {
  records: unknown[];
  response: HttpResponse;
  next: { done: true } | { done: false; position: unknown };
}

export interface Stream {
  pageSize: number | undefined;
  firstPosition(): unknown;
  /** For keyset and requery pagination: the cursor the request templates see at a position. */
  templateCursor(position: unknown): (CursorPosition & { tie?: boolean }) | undefined;
  fetch(position: unknown, ctx: TemplateContext, io: FetchIo): Promise<FetchedPage>;
  /** The request for the page at a position, for messages (method and URL; secrets redacted later). */
  describe(position: unknown, ctx: TemplateContext): string;
}

export function compileStream(spec: StreamSpec, http: HttpSender, baseUrl: string, options: { pageConcurrency?: number } = {}): Stream {
  const build = compileRequest(spec.request);
  const paginator = compilePaginator(spec.paginate, baseUrl);
  const recordsPath = spec.records;
  const ahead = new PagesAhead(options.pageConcurrency ?? 1);
  const requestAt = (position: unknown, ctx: TemplateContext) => paginator.apply(build({ ...ctx, page: { size: paginator.pageSize } }), position);
  return {
    pageSize: paginator.pageSize,
    firstPosition: () => paginator.first(),
    templateCursor: (position) => {
      const cursor = paginator.templateCursor(position);
      if (!cursor) return undefined;
      const at = { value: cursor.value as string | number, id: cursor.id };
      return cursor.tie === undefined ? at : { ...at, tie: cursor.tie };
    },
    describe: (position, ctx) => describeRequest(resolved(paginator.apply(build({ ...ctx, page: { size: paginator.pageSize } }), position), baseUrl)),
    async fetch(position, ctx, io) {
      const request = requestAt(position, ctx);
      const response = await (ahead.take(request, ctx) ?? http.send(request, io));
      // Described only for a message: building it for every page cost as much as mapping a record.
      const described = () => describeRequest(response.request ?? request);
      const records = selectRecords(recordsPath, response.body, described);
      if (spec.objects) requireObjects(records, recordsPath, described);
      const next = paginator.next({ response, records, position });
      if (!next.done && ahead.wanted()) {
        for (const at of paginator.ahead({ response, records, position }, next.position, ahead.count)) {
          const page = requestAt(at, ctx);
          ahead.send(page, ctx, () => http.send(page, io));
        }
      }
      return { records, response, next };
    },
  };
}

/**
 * A page whose records are none of them objects means a records path that selects the wrong thing
 * (ids, names): the page fails. One odd item among objects (a null the API let slip) fails alone.
 */
function requireObjects(records: unknown[], path: string, request: () => string): void {
  if (records.length === 0 || records.some((record) => record !== null && typeof record === 'object' && !Array.isArray(record))) return;
  throw new ExtractError(
    `${request()}: records path ${path} selected ${records.length} value(s) that are not objects (the first is ${describeValue(records[0])}); ` +
      'it must select the records themselves (e.g. $.data[*])',
    path,
  );
}

/** The request with its URL resolved against the base URL, as the client would send it. */
function resolved(request: HttpRequest, baseUrl: string): HttpRequest {
  return { ...request, url: resolveUrl(baseUrl, request.url) };
}

/**
 * The pages fetched ahead of the walk, by request. A request is taken when the walk reaches it;
 * one the walk asks for that was not fetched ahead (a short page moved the offsets) drops them all.
 * Keys hold the cycle's `now`, so a page fetched for one cycle never serves another.
 */
class PagesAhead {
  private readonly pages = new Map<string, Promise<HttpResponse>>();

  constructor(readonly count: number) {}

  wanted(): boolean {
    return this.count > 1;
  }

  take(request: HttpRequest, ctx: TemplateContext): Promise<HttpResponse> | undefined {
    if (!this.wanted()) return undefined;
    const key = keyOf(request, ctx);
    const page = this.pages.get(key);
    if (page === undefined) this.pages.clear();
    else this.pages.delete(key);
    return page;
  }

  send(request: HttpRequest, ctx: TemplateContext, send: () => Promise<HttpResponse>): void {
    const key = keyOf(request, ctx);
    if (this.pages.has(key)) return;
    const page = send();
    // Its failure is the walk's when it reaches the page; unawaited until then, it is not unhandled.
    page.catch(() => undefined);
    this.pages.set(key, page);
  }
}

function keyOf(request: HttpRequest, ctx: TemplateContext): string {
  return JSON.stringify([ctx.now ?? null, request.method, request.url, request.query, request.headers, request.body ?? null, request.form ?? null]);
}
