/**
 * A YAML file parsed with positions. The Document is kept next to the plain value so that any
 * document path — a schema error, a template, a runtime failure — can be pointed back to a line
 * and column. Anchors, aliases and `<<` merge keys are followed when locating.
 */
import {
  LineCounter,
  isAlias,
  isCollection,
  isMap,
  isPair,
  isScalar,
  isSeq,
  parseDocument,
  type Document,
  type Node,
  type Pair,
} from 'yaml';
import { diagnostic, formatPath, type Diagnostic, type DocPath, type Locator } from './diagnostics.js';
import { checkStructure, type StructureProblem } from './yaml-structure.js';

export interface Position {
  line: number;
  column: number;
}

/** One step of a walk: the node reached and, for map entries, its key node. */
interface Step {
  node: Node | null;
  key: Node | null;
}

export class SpecSource implements Locator {
  /** The plain JavaScript value (merge keys applied, aliases expanded). */
  readonly value: unknown;

  constructor(
    readonly file: string,
    readonly text: string,
    readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
    value: unknown,
  ) {
    this.value = value;
  }

  /** The position of an offset in the text. */
  position(offset: number): Position {
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }

  /**
   * Where the node at `path` is. A block map or list is shown at its key (its first line would be
   * its first child's). A missing path falls back to the nearest existing ancestor, shown at its key.
   */
  locate(path: DocPath): Position {
    const steps = this.walk(path);
    const last = steps[steps.length - 1];
    const complete = steps.length === path.length + 1;
    const node = last.node;
    if (complete && node && !(isCollection(node) && !node.flow && last.key)) return this.start(node);
    if (last.key) return this.start(last.key);
    return node ? this.start(node) : { line: 1, column: 1 };
  }

  /** Where the key of the last segment of `path` is, when there is one; otherwise like `locate`. */
  locateKey(path: DocPath): Position {
    const steps = this.walk(path);
    const last = steps[steps.length - 1];
    if (steps.length === path.length + 1 && last.key) return this.start(last.key);
    return this.locate(path);
  }

  /** Whether `path` exists in the document. */
  has(path: DocPath): boolean {
    return this.walk(path).length === path.length + 1;
  }

  /** The document path of the innermost node (key or value) that contains `offset`. */
  pathAt(offset: number): DocPath {
    const path: (string | number)[] = [];
    let node: unknown = this.doc.contents;
    for (;;) {
      if (isMap(node)) {
        const pair = node.items.find((p) => contains(p.key, offset) || contains(p.value, offset));
        if (!pair) return path;
        path.push(keyText(pair));
        if (contains(pair.key, offset)) return path;
        node = pair.value;
      } else if (isSeq(node)) {
        const index = node.items.findIndex((item) => contains(item, offset));
        if (index < 0) return path;
        path.push(index);
        node = node.items[index];
      } else {
        return path;
      }
    }
  }

  private start(node: Node): Position {
    return this.position(node.range?.[0] ?? 0);
  }

  /** The steps along `path`, the root first, stopping at the first segment that does not exist. */
  private walk(path: DocPath): Step[] {
    const steps: Step[] = [{ node: this.doc.contents, key: null }];
    for (const segment of path) {
      const next = this.child(steps[steps.length - 1].node, segment);
      if (!next) break;
      steps.push(next);
    }
    return steps;
  }

  private child(parent: Node | null, segment: string | number): Step | undefined {
    const node = this.resolve(parent);
    if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment];
      return item === undefined ? undefined : { node: item as Node | null, key: null };
    }
    if (!isMap(node)) return undefined;
    const own = node.items.find((pair) => !isMergePair(pair) && keyText(pair) === String(segment));
    if (own) return { node: own.value as Node | null, key: own.key as Node };
    // Keys brought in by `<<: *anchor` (or a list of anchors) live in the anchored map.
    for (const pair of node.items.filter(isMergePair)) {
      const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
      for (const merged of sources) {
        const found = this.child(merged as Node, segment);
        if (found) return found;
      }
    }
    return undefined;
  }

  private resolve(node: Node | null): Node | null {
    let current = node;
    for (let hops = 0; isAlias(current) && hops < 100; hops++) current = current.resolve(this.doc) ?? null;
    return current;
  }
}

function isMergePair(pair: Pair): boolean {
  return isScalar(pair.key) && typeof pair.key.value === 'symbol';
}

function keyText(pair: Pair): string {
  return isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
}

function contains(node: unknown, offset: number): boolean {
  if (!node || typeof node !== 'object' || !('range' in node)) return false;
  const range = (node as Node).range;
  return !!range && offset >= range[0] && offset < Math.max(range[1], range[0] + 1);
}

export interface ParsedSource {
  source: SpecSource;
  diagnostics: Diagnostic[];
  /** False when the YAML is too broken to check further (duplicate keys alone are not). */
  usable: boolean;
}

/**
 * Parses YAML text; syntax errors, duplicate keys and documents too deep or too large to expand
 * (yaml-structure.ts) become diagnostics, never exceptions. The value is built only from a document
 * that passed those checks.
 */
export function parseSource(text: string, file: string): ParsedSource {
  const lines = new LineCounter();
  let doc: Document.Parsed;
  try {
    // uniqueKeys off: yaml's check is quadratic; checkStructure finds duplicates in one pass.
    doc = parseDocument(text, { merge: true, lineCounter: lines, prettyErrors: false, uniqueKeys: false, logLevel: 'error' });
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    const problem: Diagnostic = { file, line: 1, column: 1, path: '', code: 'too-deep', message: 'the YAML nests too deeply to be read', severity: 'error' };
    return { source: new SpecSource(file, text, parseDocument(''), lines, null), diagnostics: [problem], usable: false };
  }
  const lineOf = (node: Node) => lines.linePos(node.range?.[0] ?? 0).line;
  const structure = checkStructure(doc, lineOf);
  const blocked = structure.some((problem) => problem.blocking) || doc.errors.length > 0;
  let value: unknown = null;
  let valueError: string | undefined;
  if (!blocked) {
    try {
      value = doc.toJS({ maxAliasCount: 1000 });
    } catch (error) {
      valueError = error instanceof Error ? error.message : String(error);
    }
  }
  const source = new SpecSource(file, text, doc, lines, value);
  const diagnostics: Diagnostic[] = [];
  const tooDeep = structure.some((problem) => problem.code === 'too-deep');
  for (const error of doc.errors) {
    // The parser's own stack ran out on a document nested this deep: the depth check says where.
    if (tooDeep && error.message.includes('Maximum call stack size exceeded')) continue;
    diagnostics.push(yamlDiagnostic(source, error, 'error'));
  }
  for (const warning of doc.warnings) diagnostics.push(yamlDiagnostic(source, warning, 'warning'));
  for (const problem of structure) diagnostics.push(structureDiagnostic(source, problem));
  if (valueError !== undefined) diagnostics.push(diagnostic(source, [], 'yaml-syntax', `cannot read the YAML: ${valueError}`));
  const usable = !blocked && valueError === undefined;
  return { source, diagnostics, usable };
}

function structureDiagnostic(source: SpecSource, problem: StructureProblem): Diagnostic {
  const { line, column } = source.position(problem.node.range?.[0] ?? 0);
  return { file: source.file, line, column, path: formatPath(problem.path), code: problem.code, message: problem.message, severity: 'error' };
}

function yamlDiagnostic(
  source: SpecSource,
  error: { code: string; message: string; pos: [number, number] },
  severity: 'error' | 'warning',
): Diagnostic {
  const { line, column } = source.position(error.pos[0]);
  return {
    file: source.file,
    line,
    column,
    path: '',
    code: severity === 'error' ? 'yaml-syntax' : 'yaml-warning',
    message: `YAML: ${firstLine(error.message)}`,
    severity,
  };
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}
