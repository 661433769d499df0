/**
 * Recording a live API for `syncspec test --record`: the real transport under every client, each
 * exchange kept as a HAR entry, and nothing written before it is scrubbed. A config secret becomes its
 * placeholder in every form it can take (raw, URL- or JSON-escaped, base64: secretForms), so that
 * replaying — which sets each secret to its placeholder — sends the same URLs and bodies again; what
 * else the redactor knows (tokens obtained at run time) becomes [REDACTED], and credential headers
 * ([REDACTED] too) are not compared on replay. A recording that still matches a secret is refused.
 */
import { SyncError } from '../core/errors.js';
import { secretPlaceholder } from '../project.js';
import { isSensitiveName, REDACTED, secretForms } from '../http/redact.js';
import { tapTransport } from '../http/tap.js';
import type { TransportFactory } from '../http/transport.js';
import { toHarEntry, type HarEntry, type HarHeader } from './har.js';

export interface Scrubber {
  /** Config secrets by name: each form of the value is replaced by the same form of its placeholder. */
  named: Record<string, string>;
  /** Every other secret known by now (tokens obtained at run time) → [REDACTED]. */
  redact(text: string): string;
  /** Whether a text still holds a secret. */
  matches(text: string): boolean;
}

export class Recorder {
  private entries: HarEntry[] = [];
  private page = 'cycle-1';

  readonly transport: TransportFactory = tapTransport(({ request, answer, startedAt, ms }) => {
    // An exchange that got no answer (a timeout) has nothing to replay: its retry is recorded.
    if (answer) this.entries.push(toHarEntry(request, answer, startedAt, ms, this.page));
  });

  /** The entries recorded since the last call, scrubbed; later ones belong to `nextPage`. */
  take(scrubber: Scrubber, nextPage: string): HarEntry[] {
    const taken = this.entries.map((entry) => scrubEntry(entry, scrubber));
    this.entries = [];
    this.page = nextPage;
    return taken;
  }
}

function scrubEntry(entry: HarEntry, scrubber: Scrubber): HarEntry {
  const scrubbed = scrubValue(entry, scrubber) as HarEntry;
  const headers = (list: HarHeader[]) => list.map(({ name, value }) => ({ name, value: isSensitiveName(name) ? REDACTED : value }));
  scrubbed.request.headers = headers(scrubbed.request.headers);
  scrubbed.response.headers = headers(scrubbed.response.headers);
  const { content } = scrubbed.response;
  if (content.encoding === 'base64') {
    // Bytes that are not text: scrubbed decoded, where a secret would hide from the pass above.
    content.text = Buffer.from(scrubText(Buffer.from(content.text, 'base64').toString('latin1'), scrubber), 'latin1').toString('base64');
  }
  const decoded = content.encoding === 'base64' ? Buffer.from(content.text, 'base64').toString('latin1') : '';
  if (scrubber.matches(JSON.stringify(scrubbed)) || scrubber.matches(decoded)) {
    throw new SyncError('fixture-secret', `the exchange ${scrubber.redact(`${entry.request.method} ${entry.request.url}`)} still holds a secret after scrubbing; nothing was written`);
  }
  return scrubbed;
}

function scrubValue(value: unknown, scrubber: Scrubber): unknown {
  if (typeof value === 'string') return scrubText(value, scrubber);
  if (Array.isArray(value)) return value.map((item) => scrubValue(item, scrubber));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, scrubValue(item, scrubber)]));
}

/** Placeholders for named secrets (longest value first, so one containing another goes whole), then the rest. */
function scrubText(text: string, scrubber: Scrubber): string {
  let out = text;
  const named = Object.entries(scrubber.named).sort((a, b) => b[1].length - a[1].length);
  for (const [name, value] of named) {
    const placeholder = secretPlaceholder(name);
    // Forms equal to an earlier one are left out of a map: there the plain placeholder is the form.
    const placeholderForms = secretForms(placeholder);
    for (const [form, written] of secretForms(value)) out = out.split(written).join(placeholderForms.get(form) ?? placeholder);
  }
  return scrubber.redact(out);
}
