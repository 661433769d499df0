/**
 * "Did you mean …?" for misspelled keys, enum values and names. Case differences cost nothing,
 * so `pagesize` finds `pageSize` before any real typo does.
 */

/**
 * Edit distance between two strings, compared case-insensitively: insertions, deletions,
 * substitutions and swaps of two neighbours (`sepc` → `spec` is one edit).
 */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  const d: number[][] = Array.from({ length: x.length + 1 }, (_, i) => [i, ...Array<number>(y.length).fill(0)]);
  for (let j = 1; j <= y.length; j++) d[0][j] = j;
  for (let i = 1; i <= x.length; i++) {
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[x.length][y.length];
}

/**
 * The candidate closest to `input`, if it is close enough to be a plausible typo: at most a third of
 * the input's length (at least 1; 0 below three letters) edits away, or the same word stem. Ties go to the earlier candidate.
 */
export function closest(input: string, candidates: Iterable<string>): string | undefined {
  // Very short names only match up to case: any one-letter change would make them match anything.
  const limit = input.length < 3 ? 0 : Math.max(1, Math.floor(input.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate === input) continue;
    const distance = editDistance(input, candidate);
    if ((distance <= limit || sameStem(input, candidate)) && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * The same word in another form: singular and plural (`company`/`companies`), or a name and its
 * qualified form (`token`/`apiToken`).
 */
function sameStem(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let shared = 0;
  while (shared < x.length && x[shared] === y[shared]) shared++;
  if (shared >= 4 && shared >= Math.max(x.length, y.length) - 3) return true;
  const [shorter, longer] = x.length <= y.length ? [x, y] : [y, x];
  return shorter.length >= 4 && longer.endsWith(shorter);
}

/** `did you mean 'x'? ` (with the trailing space) or '' — meant to open a parenthesis. */
export function didYouMean(input: string, candidates: Iterable<string>): string {
  const match = closest(input, candidates);
  return match === undefined ? '' : `did you mean '${match}'? `;
}

/**
 * The parenthesis that follows an unknown name: "(did you mean 'pageSize'? allowed: type, pageSize)".
 * `label` names the list ("allowed", "declared", "expected one of"); `empty` is said when it is empty.
 */
export function suggestion(
  input: string,
  allowed: readonly string[],
  { label = 'allowed', empty = 'none allowed' }: { label?: string; empty?: string } = {},
): string {
  if (allowed.length === 0) return `(${empty})`;
  return `(${didYouMean(input, allowed)}${label}: ${allowed.join(', ')})`;
}
