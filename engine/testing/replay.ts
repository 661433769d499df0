/**
 * Replaying a recording: the transport under every client answers each request with the recorded
 * answer to the same method, URL and body — headers are not compared, since credentials were
 * scrubbed from the recording — in the order they were recorded. A request nobody recorded fails,
 * naming it; what was recorded but never asked for is reported after the cycle (the connector sends
 * fewer requests than it did).
 */
import { SyncError } from '../core/errors.js';
import { TransportError, type Exchange, type RawAnswer, type Transport, type TransportFactory } from '../http/transport.js';
import { answerOf, type HarEntry } from './har.js';

/** Method, URL with its query sorted, and body (JSON compared by value): what picks an answer. */
export function exchangeKey(method: string, url: string, body: string | undefined): string {
  const parsed = new URL(url);
  parsed.searchParams.sort();
  return `${method.toUpperCase()} ${parsed.href}\n${canonicalBody(body)}`;
}

function canonicalBody(body: string | undefined): string {
  if (body === undefined || body === '') return '';
  try {
    return JSON.stringify(sortKeys(JSON.parse(body)));
  } catch {
    return body;
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]));
}

/** `GET https://api.example.com/v1/items?page=2`, and the body when there is one. */
export function describeExchange(method: string, url: string, body: string | undefined, redact: (text: string) => string): string {
  const shown = body === undefined || body === '' ? '' : ` with body ${body.length > 200 ? `${body.slice(0, 200)}…` : body}`;
  return redact(`${method.toUpperCase()} ${url}${shown}`);
}

export class Replay {
  private queues = new Map<string, HarEntry[]>();
  private file = '';

  constructor(private readonly redact: (text: string) => string) {}

  /** From now on, answers come from `entries` (the recording `file`, as shown in messages). */
  play(entries: readonly HarEntry[], file: string): void {
    this.file = file;
    this.queues = new Map();
    for (const entry of entries) {
      const key = exchangeKey(entry.request.method, entry.request.url, entry.request.postData?.text);
      const queue = this.queues.get(key);
      if (queue) queue.push(entry);
      else this.queues.set(key, [entry]);
    }
  }

  /** The transport every client of the project gets: it answers from what plays now. */
  readonly transport: TransportFactory = (options) => {
    const transport: Transport = {
      exchange: async (request: Exchange, signal: AbortSignal | undefined): Promise<RawAnswer> => {
        if (signal?.aborted) throw new TransportError('network', false, 'aborted');
        const answer = this.answer(request);
        if (answer.body.length > options.maxBytes) {
          throw new TransportError('tooLarge', false, `the response body is larger than api.maxResponseBytes (${options.maxBytes} bytes): ${answer.body.length} bytes recorded`);
        }
        return answer;
      },
      close: () => {},
    };
    return transport;
  };

  private answer(request: Exchange): RawAnswer {
    const queue = this.queues.get(exchangeKey(request.method, request.url, request.body));
    const entry = queue?.shift();
    if (entry === undefined) {
      const what = describeExchange(request.method, request.url, request.body, this.redact);
      const again = queue !== undefined ? ' (recorded, but already answered as many times as it was recorded)' : '';
      throw new SyncError('fixture-missing', `no recorded answer in ${this.file} for ${what}${again}; record it again with --record, or add the exchange to the file`);
    }
    return answerOf(entry);
  }

  /** Recorded exchanges no request asked for. */
  unused(): string[] {
    return [...this.queues.values()].flatMap((queue) =>
      queue.map((entry) => describeExchange(entry.request.method, entry.request.url, entry.request.postData?.text, this.redact)));
  }
}
