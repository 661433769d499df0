/**
 * The `jsonpath` format of the spec schema: a JSONPath the runtime's own parser accepts
 * (jsonpath-syntax.ts). Shared by the full ajv instance (schema-check.ts) and the standalone
 * validators generated at build time (scripts/gen-validators.mjs).
 */
import { parseJsonPath } from '../extract/jsonpath-syntax.js';

export const formats = {
  jsonpath: { type: 'string' as const, validate: (text: string): boolean => parseJsonPath(text).ok },
};
