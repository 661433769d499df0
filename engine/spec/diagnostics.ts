/**
 * A problem found in a config or spec file, with the exact place to fix it. Validation collects
 * them all instead of stopping at the first, and the CLI prints them sorted by file and line.
 */

export type DocPath = readonly (string | number)[];

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  /** The file as given, relative to the working directory when it lies inside it. */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** Dotted document path, e.g. `syncs.contacts.paginate.type`; `[n]` for list items; '' for the whole file. */
  path: string;
  /** Stable identifier of the kind of problem ('unknown-key', 'bad-enum', …): scripts may rely on it. */
  code: string;
  /** Plain English, never containing a secret's value. */
  message: string;
  severity: Severity;
}

/** Where a document path is in its file: what a SpecSource provides. */
export interface Locator {
  readonly file: string;
  locate(path: DocPath): { line: number; column: number };
  /** The key of the last path segment when it exists (unknown keys are reported there). */
  locateKey(path: DocPath): { line: number; column: number };
}

/** Keys with spaces ("Due date") read fine plain; dots, brackets, quotes and edge spaces would not. */
function needsQuoting(key: string): boolean {
  return key === '' || /[.[\]"]/.test(key) || key.trim() !== key;
}

/** `['syncs', 'contacts', 'map', 'Due date', 0]` → `syncs.contacts.map.Due date[0]`. */
export function formatPath(path: DocPath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (needsQuoting(segment)) text += `[${JSON.stringify(segment)}]`;
    else text += text === '' ? segment : `.${segment}`;
  }
  return text;
}

export interface DiagnosticOptions {
  severity?: Severity;
  /** Point at the key of the last segment instead of its value (unknown keys, names). */
  at?: 'key' | 'value';
  /** The dotted path shown, when it differs from the located path (an unknown key is shown on its parent). */
  shownPath?: DocPath;
}

export function diagnostic(
  source: Locator,
  path: DocPath,
  code: string,
  message: string,
  options: DiagnosticOptions = {},
): Diagnostic {
  const { line, column } = options.at === 'key' ? source.locateKey(path) : source.locate(path);
  return {
    file: source.file,
    line,
    column,
    path: formatPath(options.shownPath ?? path),
    code,
    message,
    severity: options.severity ?? 'error',
  };
}

/** Collects the diagnostics of one file. */
export class Reporter {
  readonly diagnostics: Diagnostic[] = [];

  constructor(readonly source: Locator) {}

  error(path: DocPath, code: string, message: string, options: Omit<DiagnosticOptions, 'severity'> = {}): void {
    this.diagnostics.push(diagnostic(this.source, path, code, message, options));
  }

  warning(path: DocPath, code: string, message: string, options: Omit<DiagnosticOptions, 'severity'> = {}): void {
    this.diagnostics.push(diagnostic(this.source, path, code, message, { ...options, severity: 'warning' }));
  }
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Sorted by file, line, column; identical reports (a shared fragment seen from two syncs) collapse. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const unique: Diagnostic[] = [];
  for (const d of diagnostics) {
    const key = JSON.stringify([d.file, d.line, d.column, d.path, d.code, d.message, d.severity]);
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(d);
  }
  return unique.sort(
    (a, b) =>
      a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.message.localeCompare(b.message),
  );
}

/**
 * Which parts of a document passed a schema check: a part is clean when no error lies at or below
 * it, and no ancestor has the wrong type (a list where a map of syncs was expected says nothing
 * about its items). Semantic checks only look at clean parts.
 */
export function cleanWhere(schemaDiagnostics: readonly Diagnostic[]): (path: DocPath) => boolean {
  const errors = schemaDiagnostics.filter((d) => d.severity === 'error');
  const below = (p: string, at: string) => p.startsWith(`${at}.`) || p.startsWith(`${at}[`);
  return (path) => {
    const at = formatPath(path);
    return !errors.some(
      (d) => d.path === at || below(d.path, at) || (d.code === 'wrong-type' && (d.path === '' || below(at, d.path))),
    );
  };
}

/** `connectors/crm.yaml:14:7  syncs.contacts.paginate: unknown key 'pagesize' (…)`. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = `${d.file}:${d.line}:${d.column}`;
  const level = d.severity === 'warning' ? 'warning: ' : '';
  const subject = d.path === '' ? '' : `${d.path}: `;
  return `${where}  ${level}${subject}${d.message}`;
}

/** One line per diagnostic, sorted. */
export function formatDiagnostics(diagnostics: readonly Diagnostic[]): string {
  return sortDiagnostics(diagnostics).map(formatDiagnostic).join('\n');
}
