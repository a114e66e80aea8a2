import type { Role, Scope } from '../../src/auth/roles.js';
import { mintToken } from '../../src/auth/token-verifier.js';

/** The secret every hub started by the tests verifies tokens with. */
export const TEST_JWT_SECRET = 'test-secret-for-the-hub-tests-only-0123456789';
export const TEST_ISSUER = 'lienthong';
export const TEST_AUDIENCE = 'lienthong-api';

export async function tokenFor(roles: Role[], units: string[], scopes: Scope[] = [], subject = `test-${roles.join('-').toLowerCase()}`): Promise<string> {
  return mintToken(TEST_JWT_SECRET, TEST_ISSUER, TEST_AUDIENCE, { subject, units, roles, scopes });
}

export async function bearer(roles: Role[], units: string[], scopes: Scope[] = []): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await tokenFor(roles, units, scopes)}` };
}

/** A nationwide principal with every scope, for tests about something other than authorization. */
export function superuser(): Promise<Record<string, string>> {
  return bearer(['PROVINCE_OFFICER', 'AUDITOR', 'OPERATOR'], ['VN'], ['population:lookup', 'documents:confidential']);
}
