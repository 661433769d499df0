/**
 * A connector spec file on its own, as `syncspec validate connectors/tasks.yaml` checks it: read
 * (bounded), parsed with positions, and checked like a spec a config names — without a config, so
 * without var values or secrets. Also tells a connector spec from a config by its top-level keys.
 */
import { resolve } from 'node:path';
import { displayPath } from '../config/display.js';
import { sortDiagnostics, type Diagnostic } from './diagnostics.js';
import type { ConnectorModel } from './model.generated.js';
import { readSourceText } from './read-source.js';
import { checkSpec } from './semantic/index.js';
import { parseSource } from './source.js';

/** Keys only a connector spec has at its top level; a config has `connectors`. */
const SPEC_KEYS = ['api', 'databases', 'syncs'];

export interface SpecFileCheck {
  /** As shown in diagnostics. */
  file: string;
  /** The model, when the file has no error. */
  spec?: ConnectorModel;
  diagnostics: Diagnostic[];
}

/** Whether a parsed YAML value reads as a connector spec rather than a config. */
export function isConnectorSpec(value: unknown): boolean {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  return !Object.hasOwn(value, 'connectors') && SPEC_KEYS.some((key) => Object.hasOwn(value, key));
}

/** Reads `path` and, when it holds a connector spec, checks it; undefined when it is not one (a config). */
export async function checkSpecFile(path: string, cwd: string): Promise<SpecFileCheck | undefined> {
  const absolute = resolve(cwd, path);
  const file = displayPath(absolute, cwd);
  const read = await readSourceText(absolute, file, 'file');
  if (!read.ok) return undefined;
  const parsed = parseSource(read.text, file);
  if (!parsed.usable || !isConnectorSpec(parsed.source.value)) return undefined;
  const checked = checkSpec(parsed.source);
  return { file, spec: checked.spec, diagnostics: sortDiagnostics([...parsed.diagnostics, ...checked.diagnostics]) };
}
