/**
 * Text that is not valid Unicode: JSON may carry a lone UTF-16 surrogate (`"\ud800"`), which no UTF-8
 * encoder can write — SQLite would store invalid bytes that other clients cannot read. Such text is
 * refused with its place, never silently altered.
 */

interface WellFormed {
  isWellFormed(): boolean;
}

/** The index of the first lone surrogate in `text`, or -1 when it is valid Unicode. */
export function loneSurrogateAt(text: string): number {
  // Native and fast (Node 20); the regular expression runs only on the rare text that fails it.
  if ((text as unknown as WellFormed).isWellFormed()) return -1;
  return text.search(/\p{Cs}/u);
}

/**
 * The text with each lone surrogate written as JSON writes it (`\ud800`): for reports — a failure's
 * key and reason, an error, a log line — which must show what arrived and stay valid UTF-8. Data is
 * refused instead, never altered.
 */
export function escapeLoneSurrogates(text: string): string;
export function escapeLoneSurrogates(text: string | null): string | null;
export function escapeLoneSurrogates(text: string | null): string | null {
  if (text === null || loneSurrogateAt(text) < 0) return text;
  // With the u flag a surrogate pair is one code point: this matches unpaired halves only.
  return text.replace(/\p{Cs}/gu, (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `a lone UTF-16 surrogate (\uD800) at character 12` */
export function describeLoneSurrogate(text: string, at: number): string {
  const unit = text.charCodeAt(at).toString(16).toUpperCase();
  return `a lone UTF-16 surrogate (\\u${unit}) at character ${at + 1}, which is not valid Unicode`;
}
