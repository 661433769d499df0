/**
 * Running async work with a bound on how much runs at once: the syncs of a project (at most
 * `concurrency`, one per connector at a time) and the partitions of one sync (at most
 * `partitionConcurrency`). Items start in their given order, each as soon as a slot is free and
 * its group (if any) is idle, so `limit: 1` runs them one after another in that order.
 */

export interface LimitedOptions<T> {
  /** At most this many items run at once (at least 1). */
  limit: number;
  /** Items of one group run one after another; items of different groups may overlap. */
  groupOf?: (item: T) => string;
  /** Checked before each start: true starts nothing more (the running items finish). */
  stopped?: () => boolean;
}

/**
 * Runs `work` over `items` and returns each result at its item's index; items never started
 * (stopped, or after a failure) are undefined. After the first failure nothing new starts; the
 * running items finish, then that failure is thrown.
 */
export function runLimited<T, R>(items: readonly T[], options: LimitedOptions<T>, work: (item: T) => Promise<R>): Promise<(R | undefined)[]> {
  const { limit } = options;
  if (!Number.isSafeInteger(limit) || limit < 1) return Promise.reject(new RangeError(`a concurrency limit must be a whole number of at least 1, got ${String(limit)}`));
  const results: (R | undefined)[] = new Array(items.length).fill(undefined);
  const waiting = items.map((_, index) => index);
  const busyGroups = new Set<string>();
  let running = 0;
  let failure: { error: unknown } | undefined;

  const groupOf = (index: number): string | undefined => options.groupOf?.(items[index]);
  const idle = (index: number): boolean => {
    const group = groupOf(index);
    return group === undefined || !busyGroups.has(group);
  };

  return new Promise((resolve, reject) => {
    const startNext = () => {
      while (running < limit && !failure && !options.stopped?.()) {
        const at = waiting.findIndex(idle);
        if (at < 0) break;
        const [index] = waiting.splice(at, 1);
        start(index);
      }
      if (running === 0) {
        if (failure) reject(failure.error);
        else resolve(results);
      }
    };
    const start = (index: number) => {
      const group = groupOf(index);
      if (group !== undefined) busyGroups.add(group);
      running++;
      // Started from a resolved promise: a synchronous throw in `work` becomes a failure like any other.
      Promise.resolve()
        .then(() => work(items[index]))
        .then(
          (result) => {
            results[index] = result;
          },
          (error: unknown) => {
            failure ??= { error };
          },
        )
        .finally(() => {
          running--;
          if (group !== undefined) busyGroups.delete(group);
          startNext();
        });
    };
    startNext();
  });
}
