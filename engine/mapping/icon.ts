import { MappingError, show } from './mapping-error.js';
import { parseUrl } from './properties/url.js';

// Made on first use: building it loads ICU's segmentation data, which start-up should not pay for.
let segmenter: Intl.Segmenter | undefined;
// Pictographs, flags (regional-indicator pairs) and keycaps (1️⃣); a bare digit or letter is not an icon.
const EMOJI = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20E3/u;

function isEmoji(text: string): boolean {
  segmenter ??= new Intl.Segmenter('en', { granularity: 'grapheme' });
  const graphemes = [...segmenter.segment(text)];
  return graphemes.length === 1 && EMOJI.test(text);
}

/** A row icon: one emoji, or an http(s) image URL. */
export function parseIcon(raw: unknown): string | null {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'string') {
    const text = raw.trim();
    if (isEmoji(text)) return text;
    if (/^https?:/i.test(text)) return parseUrl(text, ['http:', 'https:']);
  }
  throw new MappingError(`expected an emoji or an http(s) image URL, got ${show(raw)}`);
}
