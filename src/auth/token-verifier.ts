import { createRemoteJWKSet, errors as joseErrors, jwtVerify, SignJWT, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { isRole, isScope, scopesOf, type Role, type Scope } from './roles.js';
import { ANONYMOUS, type Principal } from './principal.js';

const claimsSchema = z.object({
  sub: z.string().min(1).max(200),
  name: z.string().max(200).optional(),
  agency: z.string().max(200).optional(),
  units: z.array(z.string().regex(/^(\d{2}|\d{5}|VN)$/)).max(500).default([]),
  roles: z.array(z.string()).max(20).default([]),
  /** Space-separated extra scopes (OAuth 2.0 style). */
  scope: z.string().max(2_000).optional(),
});

export interface TokenVerifierOptions {
  /** HS256 shared secret (demo, tests, and deployments without an identity provider). */
  secret?: string | undefined;
  /** RS256/ES256 keys of an identity provider. */
  jwksUrl?: string | undefined;
  issuer: string;
  audience: string;
}

export type AuthOutcome = { ok: true; principal: Principal } | { ok: false; message: string };

/** One message for every bad token, so a caller learns nothing that helps forge one. */
const INVALID = 'invalid or expired token';

/**
 * Verifies bearer JWTs with jose and turns their claims into a Principal. No Authorization header
 * is the anonymous principal; any bad token is refused.
 */
export class TokenVerifier {
  private readonly key: Uint8Array | JWTVerifyGetKey;
  private readonly algorithms: string[];

  constructor(private readonly options: TokenVerifierOptions) {
    if (options.jwksUrl) {
      this.key = createRemoteJWKSet(new URL(options.jwksUrl));
      this.algorithms = ['RS256', 'ES256'];
    } else if (options.secret) {
      this.key = new TextEncoder().encode(options.secret);
      this.algorithms = ['HS256'];
    } else {
      throw new Error('token verification needs AUTH_JWT_SECRET or AUTH_JWKS_URL');
    }
  }

  async verify(authorization: string | undefined): Promise<AuthOutcome> {
    if (authorization === undefined || authorization === '') return { ok: true, principal: ANONYMOUS };
    const match = /^Bearer ([A-Za-z0-9_\-.]{10,8192})$/.exec(authorization.trim());
    if (!match?.[1]) return { ok: false, message: INVALID };
    try {
      const { payload } = await jwtVerify(match[1], this.key as Uint8Array, {
        issuer: this.options.issuer,
        audience: this.options.audience,
        algorithms: this.algorithms,
        requiredClaims: ['sub', 'exp'],
      });
      const claims = claimsSchema.safeParse(payload);
      if (!claims.success) return { ok: false, message: INVALID };
      const roles = claims.data.roles.filter(isRole);
      const extra = (claims.data.scope ?? '').split(/\s+/).filter(isScope);
      return {
        ok: true,
        principal: {
          kind: 'USER',
          subject: claims.data.sub,
          name: claims.data.name ?? null,
          agency: claims.data.agency ?? null,
          units: claims.data.units,
          roles,
          scopes: scopesOf(roles, extra),
        },
      };
    } catch (error) {
      if (error instanceof joseErrors.JOSEError) return { ok: false, message: INVALID };
      throw error;
    }
  }
}

export interface TokenRequest {
  subject: string;
  name?: string;
  agency?: string;
  units: readonly string[];
  roles: readonly Role[];
  scopes?: readonly Scope[];
  ttlSeconds?: number;
}

/** Mints an HS256 token (demo mode and tests only; production tokens come from the identity provider). */
export async function mintToken(secret: string, issuer: string, audience: string, request: TokenRequest): Promise<string> {
  return new SignJWT({
    name: request.name,
    agency: request.agency,
    units: [...request.units],
    roles: [...request.roles],
    ...(request.scopes?.length ? { scope: request.scopes.join(' ') } : {}),
  })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(request.subject)
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime(`${request.ttlSeconds ?? 8 * 3600}s`)
    .sign(new TextEncoder().encode(secret));
}
