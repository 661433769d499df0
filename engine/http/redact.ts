/**
 * Keeps secrets out of errors and logs. A secret can reach a message raw, URL-encoded (a query value),
 * or base64-encoded (basic auth), so each secret is registered in all those forms. Tokens obtained at run
 * time (OAuth2 access tokens, basic-auth credentials) are added as they appear.
 */

export const REDACTED = '[REDACTED]';

/** Shorter values are not secrets worth shredding every message for (and '' would match everywhere). */
const MIN_SECRET_LENGTH = 4;

const SENSITIVE_NAME =
  /^(authorization|proxy-authorization|cookie|set-cookie)$|api[-_]?key|access[-_]?key|token|secret|password|passwd|signature|^sig$|^key$|session/i;

/** Header and query parameter names whose values are credentials whatever they hold. */
export function isSensitiveName(name: string): boolean {
  return SENSITIVE_NAME.test(name);
}

export class Redactor {
  private readonly forms = new Set<string>();
  private pattern: RegExp | undefined;

  constructor(secrets: Iterable<string | undefined> = []) {
    this.add(...secrets);
  }

  /** Registers more secret values (and their encoded forms). */
  add(...secrets: (string | undefined)[]): void {
    let changed = false;
    for (const secret of secrets) {
      if (secret === undefined || secret.length < MIN_SECRET_LENGTH) continue;
      for (const form of encodedForms(secret)) {
        if (!this.forms.has(form)) {
          this.forms.add(form);
          changed = true;
        }
      }
    }
    if (changed) this.pattern = undefined;
  }

  redact(text: string): string {
    if (this.forms.size === 0) return text;
    this.pattern ??= new RegExp(
      // Longest first, so a secret that contains another is replaced whole.
      [...this.forms].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'),
      'g',
    );
    return text.replace(this.pattern, REDACTED);
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
}

function encodedForms(secret: string): string[] {
  const forms = [
    secret,
    encodeURIComponent(secret),
    new URLSearchParams({ s: secret }).toString().slice(2),
    Buffer.from(secret).toString('base64'),
    Buffer.from(secret).toString('base64url'),
  ];
  return forms.filter((form) => form.length >= MIN_SECRET_LENGTH);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
