/**
 * The JSONPath a spec may write, parsed strictly into segments: `$`, then any of `.name`, `..name`,
 * `.*`, `..*`, `[*]`, `['name']` / `["name"]`, `[0]`, `[-1]`, `[0:2]` (slices, with an optional step),
 * `[0,1]`, `['a','b']`. Anything else is refused with the character it stops at — an unclosed
 * `$.data[`, a trailing `.`, and script expressions (`[?(…)]`, `[(…)]`), which are disabled: API
 * responses are untrusted, so nothing in them may run. jsonpath-plus evaluates what this accepts; the
 * segments also let plain member chains be read directly.
 */

export type Selector =
  | { kind: 'name'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'wildcard' }
  | { kind: 'slice'; start?: number; end?: number; step?: number }
  | { kind: 'union'; items: (string | number)[] };

export interface Segment {
  /** `..`: this selector applies at every depth below. */
  descendant: boolean;
  selector: Selector;
}

/** `script`: the path uses a script expression — disabled, rather than malformed. */
export type ParsedPath = { ok: true; segments: Segment[] } | { ok: false; message: string; offset: number; script: boolean };

const SCRIPT_MESSAGE = 'uses a script expression ((…) or ?(…)), which is disabled';

class PathSyntaxError extends Error {
  constructor(message: string, readonly offset: number, readonly script = false) {
    super(message);
  }
}

/** A name after `.`: anything up to the next `.` or `[` (jsonpath-plus reads `$.a-b`, `$.é` so). */
const DOT_NAME = /[^.[\]\s'"()?@^~]+/y;
const INTEGER = /-?\d+/y;

export function parseJsonPath(path: string): ParsedPath {
  try {
    return { ok: true, segments: new Parser(path).parse() };
  } catch (error) {
    if (error instanceof PathSyntaxError) return { ok: false, message: error.message, offset: error.offset, script: error.script };
    throw error;
  }
}

/**
 * What is wrong, after the path in a message: `: unclosed '[' (at character 8)`, or ` uses a script
 * expression …`. Characters count from 1.
 */
export function describePathError(parsed: Extract<ParsedPath, { ok: false }>): string {
  return parsed.script ? ` ${parsed.message}` : `: ${parsed.message} (at character ${parsed.offset + 1})`;
}

class Parser {
  private at = 0;

  constructor(private readonly text: string) {}

  parse(): Segment[] {
    if (this.text[0] !== '$') throw new PathSyntaxError("a JSONPath starts with '$'", 0);
    this.at = 1;
    const segments: Segment[] = [];
    while (this.at < this.text.length) segments.push(this.segment());
    return segments;
  }

  private segment(): Segment {
    const char = this.text[this.at];
    if (char === '[') return { descendant: false, selector: this.bracket() };
    if (char !== '.') throw new PathSyntaxError(`unexpected '${char}'; expected '.' or '['`, this.at);
    const descendant = this.text.startsWith('..', this.at);
    this.at += descendant ? 2 : 1;
    const next = this.text[this.at];
    if (descendant && next === '[') return { descendant, selector: this.bracket() };
    if (next === '*') {
      this.at++;
      return { descendant, selector: { kind: 'wildcard' } };
    }
    const name = this.match(DOT_NAME);
    if (name === undefined) {
      const what = next === undefined ? 'the path ends' : `'${next}' follows`;
      throw new PathSyntaxError(`expected a name after '${descendant ? '..' : '.'}', but ${what}`, this.at);
    }
    return { descendant, selector: { kind: 'name', name } };
  }

  private bracket(): Selector {
    const open = this.at;
    this.at++;
    this.skipSpaces();
    const char = this.text[this.at];
    if (char === '?' || char === '(') {
      throw new PathSyntaxError(SCRIPT_MESSAGE, this.at, true);
    }
    let selector: Selector;
    if (char === '*') {
      this.at++;
      selector = { kind: 'wildcard' };
    } else if (char === "'" || char === '"' || char === '-' || char === ':' || isDigit(char)) {
      selector = this.items();
    } else if (char === undefined) {
      throw new PathSyntaxError("unclosed '['", open);
    } else {
      throw new PathSyntaxError(`unexpected '${char}' in brackets; expected a quoted name, an index, a slice or '*'`, this.at);
    }
    this.skipSpaces();
    if (this.text[this.at] !== ']') throw new PathSyntaxError("unclosed '['", open);
    this.at++;
    return selector;
  }

  /** `'a'`, `0`, `'a','b'`, `0,1`, or a slice `start:end:step`. */
  private items(): Selector {
    if (this.text[this.at] !== "'" && this.text[this.at] !== '"') {
      const first = this.optionalInteger();
      if (this.text[this.at] === ':') return this.slice(first);
      if (first === undefined) throw new PathSyntaxError('expected an index', this.at);
      return this.rest(first);
    }
    return this.rest(this.quoted());
  }

  private rest(first: string | number): Selector {
    const items: (string | number)[] = [first];
    this.skipSpaces();
    while (this.text[this.at] === ',') {
      this.at++;
      this.skipSpaces();
      const char = this.text[this.at];
      if (char === "'" || char === '"') items.push(this.quoted());
      else {
        const index = this.optionalInteger();
        if (index === undefined) throw new PathSyntaxError("expected a quoted name or an index after ','", this.at);
        items.push(index);
      }
      this.skipSpaces();
    }
    if (items.length > 1) return { kind: 'union', items };
    return typeof first === 'string' ? { kind: 'name', name: first } : { kind: 'index', index: first };
  }

  private slice(start: number | undefined): Selector {
    const selector: Extract<Selector, { kind: 'slice' }> = { kind: 'slice' };
    if (start !== undefined) selector.start = start;
    this.at++;
    const end = this.optionalInteger();
    if (end !== undefined) selector.end = end;
    if (this.text[this.at] === ':') {
      this.at++;
      const step = this.optionalInteger();
      if (step === 0) throw new PathSyntaxError('a slice step cannot be 0', this.at - 1);
      if (step !== undefined) selector.step = step;
    }
    return selector;
  }

  private quoted(): string {
    const quote = this.text[this.at];
    const start = this.at;
    this.at++;
    let name = '';
    while (this.at < this.text.length && this.text[this.at] !== quote) {
      if (this.text[this.at] === '\\' && this.at + 1 < this.text.length) this.at++;
      name += this.text[this.at++];
    }
    if (this.text[this.at] !== quote) throw new PathSyntaxError(`unclosed ${quote}`, start);
    this.at++;
    return name;
  }

  private optionalInteger(): number | undefined {
    const digits = this.match(INTEGER);
    return digits === undefined ? undefined : Number(digits);
  }

  private match(pattern: RegExp): string | undefined {
    pattern.lastIndex = this.at;
    const found = pattern.exec(this.text);
    if (!found) return undefined;
    this.at += found[0].length;
    return found[0];
  }

  private skipSpaces(): void {
    while (this.text[this.at] === ' ') this.at++;
  }
}

function isDigit(char: string | undefined): boolean {
  return char !== undefined && char >= '0' && char <= '9';
}
