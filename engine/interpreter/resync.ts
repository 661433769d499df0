/**
 * `resync`: the answers that mean a delta's position expired (HTTP 410 for an old delta token, or an
 * error body). They become ResyncRequired, on which the runtime abandons the cycle and runs a full
 * one at once; every other failure passes through unchanged.
 */
import type { Resync } from '../spec/model.generated.js';
import { ResyncRequired } from '../core/errors.js';
import { compileCondition } from '../extract/conditions.js';
import { HttpError } from '../http/errors.js';
import { describeRequest } from '../http/request.js';
import type { HttpSender } from './stream.js';

export function resyncingSender(sender: HttpSender, resync: Resync): HttpSender {
  const statuses = new Set<number>(resync.status ?? []);
  const when = resync.when;
  const matches = when ? compileCondition(when) : undefined;
  return {
    async send(request, io) {
      let response;
      try {
        response = await sender.send(request, io);
      } catch (error) {
        if (error instanceof HttpError && error.status !== undefined && statuses.has(error.status)) {
          throw new ResyncRequired(
            `${error.request} answered ${error.summary}: the delta position expired (resync.status), so the sync resyncs in full`,
          );
        }
        throw error;
      }
      if (matches?.(response.body)) {
        throw new ResyncRequired(
          `${describeRequest(response.request ?? request)}: the response matches resync.when (${describeCondition(when!)}): ` +
            'the delta position expired, so the sync resyncs in full',
        );
      }
      return response;
    },
  };
}

/** `$.error equals "token_expired"` */
function describeCondition(condition: NonNullable<Resync['when']>): string {
  const tests = (['equals', 'notEquals', 'in', 'notIn', 'exists'] as const)
    .filter((test) => Object.hasOwn(condition, test))
    .map((test) => `${test} ${JSON.stringify(condition[test])}`);
  return `${condition.path} ${tests.join(', ')}`;
}
