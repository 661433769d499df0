/** Sync state (checkpoints, anchors) is stored verbatim as JSON text; saving it must say what failed. */
import { describeValue } from './codec.js';
import { StoreError } from '../errors.js';

/** `value` as JSON text; `what` names it in errors ("Sync "x", partition "": the next state"). */
export function jsonText(value: unknown, what: string): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    throw new StoreError('store-invalid-value', `${what} cannot be saved as JSON: ${(error as Error).message}`, { cause: error });
  }
  if (json === undefined) throw new StoreError('store-invalid-value', `${what} cannot be saved as JSON (it is ${describeValue(value)})`);
  return json;
}
