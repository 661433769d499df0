/**
 * RFC 8288 `Link` header parsing: `<https://api/x?page=2>; rel="next", <…>; rel="last"`. Written out by
 * hand because URIs may hold commas and semicolons, quoted parameters may hold both too, `rel` may list
 * several relation types (`rel="next last"`), and a malformed entry must not hide the well-formed ones.
 */

export interface Link {
  /** The target as written (resolve it against the request URL). */
  uri: string;
  /** Parameters by lower-cased name; the first occurrence wins (RFC 8288 §3). */
  params: Record<string, string>;
}

export function parseLinkHeader(header: string | string[]): Link[] {
  const text = Array.isArray(header) ? header.join(', ') : header;
  const links: Link[] = [];
  let i = 0;
  const skipSpace = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  while (i < text.length) {
    while (i < text.length && (text[i] === ',' || /\s/.test(text[i]))) i++;
    if (i >= text.length) break;
    const close = text[i] === '<' ? text.indexOf('>', i + 1) : -1;
    if (close < 0) {
      i = nextEntry(text, i);
      continue;
    }
    const uri = text.slice(i + 1, close).trim();
    i = close + 1;
    const params: Record<string, string> = {};
    for (;;) {
      skipSpace();
      if (text[i] !== ';') break;
      i++;
      skipSpace();
      const nameStart = i;
      while (i < text.length && !/[\s=;,]/.test(text[i])) i++;
      const name = text.slice(nameStart, i).toLowerCase();
      skipSpace();
      let value = '';
      if (text[i] === '=') {
        i++;
        skipSpace();
        if (text[i] === '"') {
          i++;
          while (i < text.length && text[i] !== '"') {
            if (text[i] === '\\' && i + 1 < text.length) i++;
            value += text[i++];
          }
          i++;
        } else {
          const valueStart = i;
          while (i < text.length && !/[\s;,]/.test(text[i])) i++;
          value = text.slice(valueStart, i);
        }
      }
      if (name !== '' && !Object.hasOwn(params, name)) params[name] = value;
    }
    skipSpace();
    if (i < text.length && text[i] !== ',') i = nextEntry(text, i);
    links.push({ uri, params });
  }
  return links;
}

/** The first link whose `rel` lists the relation type (case-insensitive). */
export function findLink(links: Link[], rel: string): Link | undefined {
  const wanted = rel.toLowerCase();
  return links.find((link) => (link.params.rel ?? '').toLowerCase().split(/\s+/).includes(wanted));
}

/** Index of the next comma that is outside quotes and angle brackets (the start of the next entry). */
function nextEntry(text: string, from: number): number {
  let quoted = false;
  let bracketed = false;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (bracketed) {
      if (c === '>') bracketed = false;
    } else if (c === '"') quoted = true;
    else if (c === '<') bracketed = true;
    else if (c === ',') return i;
  }
  return text.length;
}
