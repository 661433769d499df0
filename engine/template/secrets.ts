/**
 * Which templates render credential material: those that read `secrets.*` (or the whole context, which
 * holds them). Their values go to the API's own origins only (engine/http/origins.ts).
 */
import { analyzeTemplate } from './analyze.js';
import { helperNames } from './helpers.js';

const HELPERS = [...helperNames, 'if', 'unless', 'with', 'each'];

export function readsSecrets(text: string): boolean {
  if (!text.includes('{{')) return false;
  const analysis = analyzeTemplate(text, { helpers: HELPERS });
  // A template the analyzer cannot read is counted as one that might: the cautious side.
  if (!analysis.ok) return true;
  return analysis.variables.some((use) => use.path.length === 0 || use.path[0] === 'secrets');
}

/** Whether any string of a JSON body template reads secrets. */
export function bodyReadsSecrets(body: unknown): boolean {
  if (typeof body === 'string') return readsSecrets(body);
  if (Array.isArray(body)) return body.some(bodyReadsSecrets);
  if (body !== null && typeof body === 'object') return Object.values(body).some(bodyReadsSecrets);
  return false;
}
