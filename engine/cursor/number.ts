/** A sequence number or numeric event id: ordered by value; the records' `timeField` says when they happened. */
import type { CursorKind } from './type.js';

export const number: CursorKind = {
  description: 'a number cursor',
  timeField: true,
  inDeleteStream: true,
  relativeInitial: false,
  tieBreaker: true,
  start: 0,
  canonical(raw) {
    const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
    return typeof value === 'number' && Number.isFinite(value) ? { value } : { problem: 'expected a number cursor' };
  },
  compare: (a, b) => Number(a) - Number(b),
  capped: false,
  render: (value) => value,
};
