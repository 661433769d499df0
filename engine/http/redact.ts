/**
 * Keeps secrets out of errors and logs. A secret can reach a message raw, JSON-escaped (an API echoing
 * it inside a JSON error body), URL-encoded (a query value, with upper- or lower-case hex), form-encoded,
 * or base64-encoded (basic auth), so each secret is registered in all those forms. Tokens obtained at run
 * time (OAuth2 access tokens, basic-auth credentials) are added as they appear.
 *
 * Config secrets are registered by name too, so that state which must keep one (a next-page URL an API
 * signed with the key, a token in a URL path) can be sealed: stored with a marker naming the secret in
 * place of its value, and unsealed with the current value when it is used again (see seal.ts).
 */

export const REDACTED = '[REDACTED]';

/** Shorter values are not secrets worth shredding every message for (and '' would match everywhere). */
export const MIN_SECRET_LENGTH = 4;

const SENSITIVE_NAME =
  /^(authorization|proxy-authorization|cookie|set-cookie)$|api[-_]?key|access[-_]?key|token|secret|password|passwd|signature|^sig$|^key$|session/i;

/** Header and query parameter names whose values are credentials whatever they hold. */
export function isSensitiveName(name: string): boolean {
  return SENSITIVE_NAME.test(name);
}

/** How a secret can be written in text that reaches us; `raw` is the value itself. */
export type SecretForm = 'raw' | 'json' | 'json2' | 'uri' | 'urilower' | 'form' | 'base64' | 'base64url';

/** Every form of a secret, by name; forms equal to an earlier one (or too short) are left out. */
export function secretForms(secret: string): Map<SecretForm, string> {
  const json = JSON.stringify(secret).slice(1, -1);
  const uri = encodeURIComponent(secret);
  const candidates: [SecretForm, string][] = [
    ['raw', secret],
    ['json', json],
    // Escaped twice: a JSON document carried as a string inside another (error bodies do this).
    ['json2', JSON.stringify(json).slice(1, -1)],
    ['uri', uri],
    ['urilower', uri.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase())],
    ['form', new URLSearchParams({ s: secret }).toString().slice(2)],
    ['base64', Buffer.from(secret).toString('base64')],
    ['base64url', Buffer.from(secret).toString('base64url')],
  ];
  const forms = new Map<SecretForm, string>();
  const seen = new Set<string>();
  for (const [name, form] of candidates) {
    if (form.length < MIN_SECRET_LENGTH || seen.has(form)) continue;
    seen.add(form);
    forms.set(name, form);
  }
  return forms;
}

export class Redactor {
  private readonly forms = new Set<string>();
  /** Config secrets by name (see seal.ts); runtime credentials are anonymous. */
  private readonly named = new Map<string, string>();
  private pattern: RegExp | undefined;

  constructor(secrets: Iterable<string | undefined> = []) {
    this.add(...secrets);
  }

  /** Registers more secret values (and their encoded forms). */
  add(...secrets: (string | undefined)[]): void {
    let changed = false;
    for (const secret of secrets) {
      if (secret === undefined || secret.length < MIN_SECRET_LENGTH) continue;
      for (const form of secretForms(secret).values()) {
        if (!this.forms.has(form)) {
          this.forms.add(form);
          changed = true;
        }
      }
    }
    if (changed) this.pattern = undefined;
  }

  /** Registers a config secret under its name, so that sealed state can refer to it. */
  addNamed(name: string, secret: string | undefined): void {
    if (secret === undefined || secret.length < MIN_SECRET_LENGTH) return;
    this.named.set(name, secret);
    this.add(secret);
  }

  /** Config secrets by name, longest value first (a secret containing another is matched whole). */
  namedSecrets(): [string, string][] {
    return [...this.named].sort((a, b) => b[1].length - a[1].length);
  }

  /** Whether the text holds any form of any secret. */
  matches(text: string): boolean {
    if (this.forms.size === 0 || text.length < MIN_SECRET_LENGTH) return false;
    const pattern = this.compiled();
    pattern.lastIndex = 0;
    return pattern.test(text);
  }

  redact(text: string): string {
    if (this.forms.size === 0) return text;
    return text.replace(this.compiled(), REDACTED);
  }

  /** Headers for a log line: credential headers hidden whatever they hold, other values redacted. */
  redactHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) {
      if (value === undefined) continue;
      const text = Array.isArray(value) ? value.join(', ') : value;
      out[name] = isSensitiveName(name) ? REDACTED : this.redact(text);
    }
    return out;
  }

  private compiled(): RegExp {
    this.pattern ??= new RegExp(
      // Longest first, so a secret that contains another is replaced whole.
      [...this.forms].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'),
      'g',
    );
    return this.pattern;
  }
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
