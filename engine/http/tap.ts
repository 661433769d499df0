/**
 * A transport that tells of every exchange it makes — the request, the answer or the error, when it
 * started and how long it took — and otherwise is got's: `preview` lists its requests from it, and
 * `syncspec test --record` records them (testing/record.ts).
 */
import { createTransport, type Exchange, type RawAnswer, type TransportFactory } from './transport.js';

export interface TappedExchange {
  request: Exchange;
  /** Absent when no answer came (a timeout, a reset connection, a body too large). */
  answer?: RawAnswer;
  error?: unknown;
  startedAt: Date;
  ms: number;
}

export function tapTransport(onExchange: (tapped: TappedExchange) => void): TransportFactory {
  return (options) => {
    const real = createTransport(options);
    return {
      exchange: async (request, signal) => {
        const startedAt = new Date();
        const started = performance.now();
        try {
          const answer = await real.exchange(request, signal);
          onExchange({ request, answer, startedAt, ms: performance.now() - started });
          return answer;
        } catch (error) {
          onExchange({ request, error, startedAt, ms: performance.now() - started });
          throw error;
        }
      },
      close: () => real.close(),
    };
  };
}
