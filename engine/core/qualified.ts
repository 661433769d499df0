/**
 * Names written CONNECTOR.NAME (syncs, databases), which people may also give as the bare NAME
 * when only one connector has it: what a name given on the command line stands for.
 */
import { closest } from './suggest.js';

export type Resolved =
  | { found: string }
  | { ambiguous: string[] }
  /** No such name; `guess` is the qualified name it most likely meant (a typo of the full or bare name). */
  | { guess: string | undefined };

export function resolveQualified(name: string, qualified: readonly string[]): Resolved {
  if (qualified.includes(name)) return { found: name };
  const matches = qualified.filter((full) => full.endsWith(`.${name}`));
  if (matches.length === 1) return { found: matches[0] };
  if (matches.length > 1) return { ambiguous: matches };
  const byName = new Map<string, string>();
  for (const full of qualified) {
    byName.set(full, full);
    const bare = full.slice(full.indexOf('.') + 1);
    if (!byName.has(bare)) byName.set(bare, full);
  }
  const match = closest(name, byName.keys());
  return { guess: match === undefined ? undefined : byName.get(match) };
}

/** "did you mean 'crm.contacts'? " for an unknown name's message, or nothing. */
export function didYouMeanQualified(resolved: { guess: string | undefined }): string {
  return resolved.guess === undefined ? '' : `did you mean '${resolved.guess}'? `;
}
