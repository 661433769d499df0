/**
 * Checks of a parsed YAML document's shape, made in one pass before it is turned into a value, so that
 * no document can exhaust the process:
 *
 * - duplicate keys, with a Set per map (yaml's own check compares every key with every other: 40k keys
 *   took 15 s);
 * - keys that are collections (`? [a, b]`), which JavaScript objects cannot hold;
 * - `__proto__` as a key: a JavaScript object cannot hold it as data, so it could never work;
 * - nesting deeper than MAX_DEPTH, aliases included (a 2,000-deep map overflowed the stack);
 * - an expanded size over MAX_EXPANDED: a 4 MB anchor referenced 999 times stayed under yaml's alias
 *   count yet expanded to 4 GB once copied.
 *
 * The walk is iterative, and sizes of anchored nodes are counted once each.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node, type Pair } from 'yaml';

export const MAX_DEPTH = 64;
/** Characters of scalars plus one per node, after aliases are expanded. */
export const MAX_EXPANDED = 16_000_000;

export interface StructureProblem {
  code: 'duplicate-key' | 'collection-key' | 'reserved-name' | 'too-deep' | 'too-large';
  /** The node the problem is at (a key for key problems). */
  node: Node;
  /** The document path of the map holding the key (key problems), or of the node. */
  path: (string | number)[];
  message: string;
  /** True when the document cannot be turned into a value safely. */
  blocking: boolean;
}

interface Frame {
  node: Node | null;
  depth: number;
  path: (string | number)[];
}

export function checkStructure(doc: Document.Parsed, lineOf: (node: Node) => number): StructureProblem[] {
  const problems: StructureProblem[] = [];
  const sizes = new ExpandedSizes(doc);
  const stack: Frame[] = [{ node: doc.contents as Node | null, depth: 0, path: [] }];
  let tooDeep = false;
  while (stack.length > 0) {
    const { node, depth, path } = stack.pop()!;
    if (!node) continue;
    if (isAlias(node)) {
      if (depth + sizes.depthOf(node) > MAX_DEPTH && !tooDeep) {
        tooDeep = true;
        problems.push({ code: 'too-deep', node, path, blocking: true, message: `this alias nests the document deeper than ${MAX_DEPTH} levels` });
      }
      continue;
    }
    if (!isMap(node) && !isSeq(node)) continue;
    if (depth >= MAX_DEPTH) {
      if (!tooDeep) problems.push({ code: 'too-deep', node, path, blocking: true, message: `nested deeper than ${MAX_DEPTH} levels; a spec needs far fewer` });
      tooDeep = true;
      continue;
    }
    if (isMap(node)) checkKeys(node.items as Pair[], path, problems, lineOf);
    for (let i = node.items.length - 1; i >= 0; i--) {
      const item = node.items[i] as unknown;
      if (isPair(item)) {
        const key = isScalar(item.key) ? String(item.key.value) : i;
        stack.push({ node: item.value as Node | null, depth: depth + 1, path: [...path, key] });
        if (item.key && !isScalar(item.key)) stack.push({ node: item.key as Node, depth: depth + 1, path });
      } else stack.push({ node: item as Node | null, depth: depth + 1, path: [...path, i] });
    }
  }
  const big = sizes.overLimit(MAX_EXPANDED);
  if (big) {
    problems.push({
      code: 'too-large', node: big, path: [], blocking: true,
      message: `with its aliases expanded the document grows past ${MAX_EXPANDED.toLocaleString('en-US')} characters; an alias here repeats too much`,
    });
  }
  return problems;
}

function checkKeys(pairs: Pair[], path: (string | number)[], problems: StructureProblem[], lineOf: (node: Node) => number): void {
  const seen = new Map<string, Node>();
  for (const pair of pairs) {
    const key = pair.key as Node | null;
    if (!key) continue;
    if (!isScalar(key)) {
      problems.push({ code: 'collection-key', node: key, path, blocking: true, message: 'a key must be a plain value, not a list or a map' });
      continue;
    }
    // `<<` merge keys may repeat (one per merged anchor), and their keys may be overridden.
    if (typeof key.value === 'symbol') continue;
    const text = String(key.value);
    if (text === '__proto__') {
      problems.push({ code: 'reserved-name', node: key, path, blocking: true, message: "'__proto__' cannot be used as a key: JavaScript reserves it" });
    }
    const first = seen.get(text);
    if (first) {
      problems.push({ code: 'duplicate-key', node: key, path, blocking: false, message: `duplicate key '${text}' (first defined on line ${lineOf(first)})` });
    } else seen.set(text, key);
  }
}

/** Sizes and depths of nodes with their aliases expanded, each computed once. */
class ExpandedSizes {
  private readonly size = new Map<Node, number>();
  private readonly depth = new Map<Node, number>();

  constructor(private readonly doc: Document.Parsed) {}

  depthOf(node: Node): number {
    this.measure(node);
    return this.depth.get(node) ?? 0;
  }

  /** When the whole document expands past `limit`: where — the alias that expands most, or the root. */
  overLimit(limit: number): Node | undefined {
    const root = this.doc.contents as Node | null;
    if (!root) return undefined;
    this.measure(root);
    if ((this.size.get(root) ?? 0) <= limit) return undefined;
    let heaviest: Node | undefined;
    for (const [node, size] of this.size) {
      if (isAlias(node) && (!heaviest || size > this.size.get(heaviest)!)) heaviest = node;
    }
    return heaviest ?? root;
  }

  /** Post-order over `start`, following aliases to their targets. */
  private measure(start: Node): void {
    const stack: { node: Node; expanded: boolean }[] = [{ node: start, expanded: false }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (this.size.has(top.node)) {
        stack.pop();
        continue;
      }
      const children = this.next(top.node);
      if (!top.expanded) {
        top.expanded = true;
        for (const child of children) if (!this.size.has(child)) stack.push({ node: child, expanded: false });
        continue;
      }
      stack.pop();
      const own = isScalar(top.node) ? 1 + String(top.node.value ?? '').length : 1;
      // A child still unmeasured here is an alias back into its own anchor: yaml refuses those.
      this.size.set(top.node, children.reduce((sum, child) => sum + (this.size.get(child) ?? 1), own));
      // Not Math.max(...children): a map of 200k keys would overflow the call's arguments.
      const childDepth = children.reduce((deepest, child) => Math.max(deepest, this.depth.get(child) ?? 0), 0);
      this.depth.set(top.node, isAlias(top.node) ? childDepth : isScalar(top.node) ? 0 : childDepth + 1);
    }
  }

  private next(node: Node): Node[] {
    if (isAlias(node)) {
      const target = node.resolve(this.doc) as Node | undefined;
      return target ? [target] : [];
    }
    return childrenOf(node).filter((child): child is Node => child !== null);
  }
}

function childrenOf(node: Node): (Node | null)[] {
  if (!isMap(node) && !isSeq(node)) return [];
  return node.items.flatMap((item) => (isPair(item) ? [item.key as Node | null, item.value as Node | null] : [item as Node | null]));
}
