/**
 * State that leaves the process — checkpoints, anchors, `preview` output — never holds a credential.
 * APIs echo them back: next links carry `api_key=…` or `access_token=…`, a token can sit in a URL path
 * (`/bot<token>/…`). Such state is sealed before it is returned to the runtime:
 *
 * - a config secret, in any of its encoded forms, becomes a marker naming it (`[secret:apiKey]`,
 *   `[secret:apiKey:uri]`), and unsealing puts the current value back, byte for byte, so a signed next
 *   URL still works after a restart;
 * - a credential obtained at run time (an OAuth2 access token) cannot be put back — the next run has
 *   another — so a URL query parameter holding one is dropped (the authenticator sends its own) and
 *   any other occurrence is redacted.
 *
 * The redactor knows both kinds; this module only walks JSON values.
 */
import { secretForms, type Redactor, type SecretForm } from '../http/redact.js';

export interface StateSeal {
  seal<T>(state: T): T;
  unseal<T>(state: T): T;
}

const MARKER_START = '[secret:';

function marker(name: string, form: SecretForm): string {
  return form === 'raw' ? `${MARKER_START}${name}]` : `${MARKER_START}${name}:${form}]`;
}

/** Pairs (form value, marker) of the config secrets, longest value first. */
function markers(redactor: Redactor): [string, string][] {
  const pairs: [string, string][] = [];
  for (const [name, secret] of redactor.namedSecrets()) {
    for (const [form, value] of secretForms(secret)) pairs.push([value, marker(name, form)]);
  }
  return pairs.sort((a, b) => b[0].length - a[0].length);
}

export function createStateSeal(redactor: Redactor): StateSeal {
  // Config secrets are all registered before the first state is sealed.
  let pairs: [string, string][] | undefined;
  const known = () => (pairs ??= markers(redactor));
  const sealString = (text: string): string => {
    if (!redactor.matches(text)) return text;
    let out = text;
    for (const [value, mark] of known()) out = out.replaceAll(value, mark);
    // What is left is a credential obtained at run time.
    return redactor.matches(out) ? redactor.redact(withoutCredentialParams(out, redactor)) : out;
  };
  const unsealString = (text: string): string => {
    if (!text.includes(MARKER_START)) return text;
    let out = text;
    for (const [value, mark] of known()) out = out.replaceAll(mark, value);
    return out;
  };
  return {
    seal: (state) => mapStrings(state, sealString),
    unseal: (state) => mapStrings(state, unsealString),
  };
}

/** An absolute URL without the query parameters whose value holds a credential; other text as it is. */
function withoutCredentialParams(text: string, redactor: Redactor): string {
  if (!/^https?:\/\//i.test(text) || !URL.canParse(text)) return text;
  const url = new URL(text);
  const names = [...url.searchParams].filter(([, value]) => redactor.matches(value)).map(([name]) => name);
  if (names.length === 0) return text;
  for (const name of names) url.searchParams.delete(name);
  return url.href;
}

/** A copy of a JSON value with `map` applied to every string (keys included); the value itself when nothing changed. */
function mapStrings<T>(value: T, map: (text: string) => string): T {
  if (typeof value === 'string') return map(value) as T;
  if (Array.isArray(value)) {
    let changed = false;
    const out = value.map((item) => {
      const mapped = mapStrings(item, map);
      if (mapped !== item) changed = true;
      return mapped;
    });
    return (changed ? out : value) as T;
  }
  if (value !== null && typeof value === 'object') {
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const mappedKey = map(key);
      const mapped = mapStrings(item, map);
      if (mapped !== item || mappedKey !== key) changed = true;
      out[mappedKey] = mapped;
    }
    return (changed ? out : value) as T;
  }
  return value;
}
