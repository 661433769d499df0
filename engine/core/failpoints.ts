/**
 * Crash points, for tests that kill the process at an exact step rather than after a guessed delay:
 * `SYNCSPEC_FAILPOINT=store.commit:3` makes the process SIGKILL itself the 3rd time it reaches the
 * `store.commit` point (several points: comma-separated). A kill planned this way lands at the same
 * step however loaded the machine is. Unset (always, outside such tests), a point costs one check.
 *
 * Points:
 * - `loop.start`: a run has been recorded (and its sync's lock taken), nothing fetched yet;
 * - `store.commit`: inside a commit's transaction, after its writes, before it commits (nothing of it
 *   may survive);
 * - `loop.committed`: right after a commit, before the run goes on.
 */

const planned = parse(process.env.SYNCSPEC_FAILPOINT);
const reached = new Map<string, number>();

function parse(text: string | undefined): Map<string, number> | undefined {
  if (!text) return undefined;
  const plan = new Map<string, number>();
  for (const item of text.split(',')) {
    const [name, count] = item.trim().split(':');
    const n = Number(count ?? 1);
    if (name && Number.isInteger(n) && n > 0) plan.set(name, n);
  }
  return plan.size > 0 ? plan : undefined;
}

export function failpoint(name: string): void {
  if (!planned) return;
  const target = planned.get(name);
  if (target === undefined) return;
  const count = (reached.get(name) ?? 0) + 1;
  reached.set(name, count);
  if (count === target) process.kill(process.pid, 'SIGKILL');
}
