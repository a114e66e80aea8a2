import { isAscii } from './latin1-json.js';

/**
 * Checks of decoded JSON values for the readers that check a change-feed page by hand instead of
 * through its zod schema; each does what the zod check it names does.
 */

/** `z.object`'s own check of its input: an object that is not an array. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `z.string().min(1)` (and `.max(max)` when given), and ASCII, as a string taken from a Latin-1 view must be. */
export function isAsciiCode(value: unknown, max = Number.POSITIVE_INFINITY): value is string {
  return typeof value === 'string' && value !== '' && value.length <= max && isAscii(value);
}

/** `z.string().regex(/^\d{length}$/)`: exactly `length` ASCII digits. */
export function isDigits(value: unknown, length: number): value is string {
  if (typeof value !== 'string' || value.length !== length) return false;
  for (let index = 0; index < length; index += 1) {
    const code = value.charCodeAt(index);
    if (code < 48 || code > 57) return false;
  }
  return true;
}

/** `z.number().int()`, which admits safe integers only. */
export function isInt(value: unknown): value is number {
  return Number.isSafeInteger(value);
}
