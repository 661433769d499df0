/**
 * Partitions come from a static list, a list var, or another sync's records. Parent syncs must
 * exist and their chains must end (the interpreter compiles parents before children).
 */
import { suggestion } from '../../core/suggest.js';
import { checkedSyncs, type SpecContext } from './context.js';

export function checkPartitions(ctx: SpecContext): void {
  const syncs = checkedSyncs(ctx);
  const names = Object.keys(ctx.raw.syncs ?? {});
  const parentOf = new Map<string, string>();
  for (const { name, path, sync } of syncs) {
    const partitions = sync.partitions;
    if (!partitions) continue;
    const at = [...path, 'partitions'];
    if (partitions.values !== undefined && partitions.parent !== undefined) {
      ctx.report.error(at, 'partition-source', 'give partitions either values or parent, not both');
    } else if (partitions.values === undefined && partitions.parent === undefined) {
      ctx.report.error(at, 'partition-source', 'partitions needs values (a list or a list var) or parent (another sync)');
    }
    const parent = partitions.parent?.sync;
    if (parent === undefined) continue;
    if (parent === name) {
      ctx.report.error([...at, 'parent', 'sync'], 'partition-cycle', `sync '${name}' cannot be its own partition parent`);
    } else if (!names.includes(parent)) {
      const others = names.filter((other) => other !== name);
      ctx.report.error(
        [...at, 'parent', 'sync'],
        'unknown-sync',
        `unknown parent sync '${parent}' ${suggestion(parent, others, { label: 'syncs', empty: 'this connector has no other sync' })}`,
      );
    } else {
      parentOf.set(name, parent);
    }
  }
  for (const { name, path } of syncs) {
    const cycle = cycleFrom(name, parentOf);
    if (cycle) {
      ctx.report.error(
        [...path, 'partitions', 'parent', 'sync'],
        'partition-cycle',
        `partition parents form a cycle: ${cycle.join(' → ')}`,
      );
    }
  }
}

/** The cycle that `start` is part of, written from `start` back to itself; undefined if none. */
function cycleFrom(start: string, parentOf: Map<string, string>): string[] | undefined {
  const chain = [start];
  let current = parentOf.get(start);
  while (current !== undefined) {
    if (current === start) return [...chain, start];
    if (chain.includes(current)) return undefined; // a cycle further up that `start` only leads into
    chain.push(current);
    current = parentOf.get(current);
  }
  return undefined;
}
