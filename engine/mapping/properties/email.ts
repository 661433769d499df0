import { MappingError, show } from '../mapping-error.js';
import { nullable, type PropertyType } from './type.js';

// A pragmatic subset of RFC 5322: dot-atom local part (no quoted strings, no comments), and a
// domain of at least two DNS labels whose last one is alphabetic (or an IDN 'xn--' label).
const LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const TOP_LEVEL = /^(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$/;

/**
 * The common case in one test: no surrounding space, a dot-atom local part, and a lower-case domain
 * whose last label is alphabetic — the same rules as below, so such an address is returned as it is,
 * with nothing split or copied. Anything else (IDN labels, capitals, spaces) takes the full path.
 */
const PLAIN = new RegExp(`^${LOCAL.source.slice(1, -1)}@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$`);

/** Validates one address; returns it trimmed with the domain lower-cased (local parts are case-sensitive). */
export function parseEmail(raw: unknown): string {
  if (typeof raw !== 'string') throw new MappingError(`expected an email address, got ${show(raw)}`);
  if (PLAIN.test(raw)) {
    const at = raw.indexOf('@');
    if (at <= 64 && raw.length - at - 1 <= 253) return raw;
  }
  const text = raw.trim();
  const at = text.lastIndexOf('@');
  const local = text.slice(0, at);
  const domain = text.slice(at + 1);
  const labels = domain.split('.');
  const valid =
    at > 0 &&
    local.length <= 64 &&
    domain.length <= 253 &&
    LOCAL.test(local) &&
    labels.length >= 2 &&
    labels.every((label) => LABEL.test(label)) &&
    TOP_LEVEL.test(labels[labels.length - 1]);
  if (!valid) throw new MappingError(`invalid email ${show(raw)}`);
  return `${local}@${domain.toLowerCase()}`;
}

export const email: PropertyType = {
  valueSchema: () => nullable('string', { format: 'email' }),
  stored: () => 'text',
  normalize: (raw) => (raw === null || raw === undefined ? null : parseEmail(raw)),
};
