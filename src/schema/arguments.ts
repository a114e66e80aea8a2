import { validateDossierCode } from '../domain/dossier-code.js';
import { validatePersonalId } from '../domain/personal-id.js';
import { badUserInput } from './errors.js';

/** Argument checks shared by resolvers: each failure is a BAD_USER_INPUT naming the argument. */

export function requireDossierCode(value: string, argument = 'code'): string {
  const result = validateDossierCode(value);
  if (!result.ok) throw badUserInput(result.error.message, argument);
  return result.value.value;
}

export function requirePersonalId(value: string, now: Date, argument = 'personalId'): string {
  const result = validatePersonalId(value, now);
  if (!result.ok) throw badUserInput(result.error.message, argument);
  return result.value.value;
}

export function requireProvinceCode(value: string, argument = 'provinceCode'): string {
  if (!/^\d{2}$/.test(value)) throw badUserInput(`province code must be two digits, e.g. "96"; got "${truncate(value)}"`, argument);
  return value;
}

export function requireCommuneCode(value: string, argument = 'communeCode'): string {
  if (!/^\d{5}$/.test(value)) throw badUserInput(`commune code must be five digits, e.g. "32248"; got "${truncate(value)}"`, argument);
  return value;
}

export function requirePageSize(first: number | null | undefined, max: number, argument = 'first'): number {
  const size = first ?? 20;
  if (!Number.isInteger(size) || size < 0 || size > max) throw badUserInput(`${argument} must be between 0 and ${max}; got ${size}`, argument);
  return size;
}

export function encodeCursor(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, argument = 'after'): string {
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!cursor || encodeCursor(key) !== cursor) throw badUserInput('the cursor is not one this API returned', argument);
  return key;
}

function truncate(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
}
