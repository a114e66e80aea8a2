/**
 * What a commune code a system reports means today. Resolution 202/2025/QH15 dissolved the
 * district tier and merged communes from 1 July 2025; systems that were never migrated still
 * report pre-2025 codes.
 *
 * - CURRENT: a commune code in force.
 * - LEGACY_UNAMBIGUOUS: a dissolved commune that went whole into one new commune.
 * - LEGACY_AMBIGUOUS: a dissolved commune split among several new communes; only a person
 *   who reads the address can tell which one the dossier belongs to.
 * - UNKNOWN: neither a current nor a pre-2025 code.
 */
export type CommuneResolution =
  | { readonly kind: 'CURRENT' }
  | { readonly kind: 'LEGACY_UNAMBIGUOUS'; readonly newCode: string }
  | { readonly kind: 'LEGACY_AMBIGUOUS'; readonly candidates: readonly string[] }
  | { readonly kind: 'UNKNOWN' };

/**
 * Resolves a commune code. Injected so that domain rules stay pure: the hub answers from the
 * administrative-unit tables, tests from a small map.
 */
export type CommuneResolver = (communeCode: string) => CommuneResolution;
