/**
 * How `preview` reads on a terminal: a line of totals, each request (method, URL redacted, status,
 * time, the records its page held), a table of the first mapped changes, the failed records, and the
 * next state to continue from. `--json` prints the raw output instead.
 */
import type { Change } from '../core/types.js';
import type { TappedExchange } from '../http/tap.js';
import { maskUrl } from '../http/request.js';
import { duration, table } from './format.js';
import type { PreviewOutput } from './commands/preview.js';

/** One request of the preview, as listed: the page it served (undefined: listing partitions). */
export interface PreviewRequest {
  method: string;
  url: string;
  status: number | string;
  ms: number;
  page: number | undefined;
}

const SHOWN_CHANGES = 10;
const SHOWN_PROPERTIES = 6;
const CELL = 28;

export function previewRequest(tapped: TappedExchange, page: number | undefined, redact: (text: string) => string): PreviewRequest {
  const status = tapped.answer ? tapped.answer.status : `error: ${tapped.error instanceof Error ? tapped.error.message : String(tapped.error)}`;
  return { method: tapped.request.method, url: redact(maskUrl(tapped.request.url)), status: typeof status === 'string' ? redact(status) : status, ms: Math.round(tapped.ms), page };
}

export function renderPreview(output: PreviewOutput, requests: readonly PreviewRequest[]): string {
  const changes = output.pages.flatMap((page) => page.changes);
  const failed = output.pages.flatMap((page) => page.failed);
  const deletes = changes.filter((change) => change.type === 'delete').length;
  const partition = output.partition === '' ? '' : `, partition ${JSON.stringify(output.partition)}`;
  const lines = [
    `${output.sync}${partition}: ${output.pages.length} page${output.pages.length === 1 ? '' : 's'}, ${requests.length} request${requests.length === 1 ? '' : 's'}, ` +
      `${changes.length} change${changes.length === 1 ? '' : 's'} (${changes.length - deletes} upserts, ${deletes} deletes), ${failed.length} failed; ` +
      `${output.hasMore ? 'more pages follow' : 'no more pages'}. Nothing was written.`,
    '',
    requestTable(output, requests),
  ];
  if (changes.length > 0) lines.push('', `first changes (${Math.min(SHOWN_CHANGES, changes.length)} of ${changes.length}):`, changesTable(changes.slice(0, SHOWN_CHANGES)));
  if (failed.length > 0) {
    lines.push('', `failed records (${failed.length}):`, ...failed.slice(0, SHOWN_CHANGES).map((failure) => `  ${failure.key ?? '(no key)'}: ${failure.reason}`));
    if (failed.length > SHOWN_CHANGES) lines.push(`  … and ${failed.length - SHOWN_CHANGES} more (--json lists them all)`);
  }
  const state = JSON.stringify(output.nextState ?? null);
  lines.push('', `next state: ${state}`);
  if (output.hasMore) lines.push(`continue with: --state '${state.replaceAll("'", "'\\''")}'`);
  return `${lines.join('\n')}\n`;
}

/** Records per request: a page's records go to the last request made for it (its retries come before). */
function requestTable(output: PreviewOutput, requests: readonly PreviewRequest[]): string {
  const lastOfPage = new Map<number, number>();
  requests.forEach((request, index) => {
    if (request.page !== undefined) lastOfPage.set(request.page, index);
  });
  const rows = requests.map((request, index) => {
    const page = request.page === undefined ? undefined : output.pages[request.page];
    const records = page && lastOfPage.get(request.page!) === index ? String(page.changes.length + page.failed.length) : request.page === undefined ? '(partitions)' : '-';
    return [`${request.method} ${request.url}`, request.status, duration(request.ms), records];
  });
  return table(['request', 'status', 'time', 'records'], rows);
}

/** The key, the change type and the first properties, each cell cut to a readable width. */
function changesTable(changes: readonly Change[]): string {
  const names: string[] = [];
  for (const change of changes) {
    for (const name of Object.keys(change.type === 'upsert' ? change.properties ?? {} : {})) {
      if (!names.includes(name) && names.length < SHOWN_PROPERTIES) names.push(name);
    }
  }
  const rows = changes.map((change) => [
    change.type,
    cut(change.key),
    ...names.map((name) => (change.type === 'upsert' ? cell(change.properties?.[name]) : '')),
  ]);
  return table(['change', 'key', ...names], rows);
}

function cell(value: unknown): string {
  if (value === undefined) return '';
  if (value === null) return '-';
  return cut(typeof value === 'string' ? value : JSON.stringify(value));
}

const cut = (text: string): string => {
  const line = text.replace(/\s+/g, ' ');
  return line.length > CELL ? `${line.slice(0, CELL - 1)}…` : line;
};
