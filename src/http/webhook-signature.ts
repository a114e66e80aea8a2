import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com): HMAC-SHA256 with the secret's
 * bytes over `${webhook-id}.${webhook-timestamp}.${body}`, sent base64 as `v1,<signature>` in
 * `webhook-signature`, several space-separated so a sender can sign with an old and a new secret
 * during a rotation. Shared by the hub (verify) and the sender helper (sign).
 */

export const WEBHOOK_SECRET_PREFIX = 'whsec_';
/** How far a delivery's timestamp may be from the hub's clock, either way. */
export const DEFAULT_TOLERANCE_SECONDS = 5 * 60;

export const WEBHOOK_HEADERS = {
  id: 'webhook-id',
  timestamp: 'webhook-timestamp',
  signature: 'webhook-signature',
} as const;

/** A new random secret, `whsec_` and 32 bytes of base64. */
export function generateWebhookSecret(): string {
  return `${WEBHOOK_SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

/** The key bytes of a `whsec_…` secret, or null when it is not base64 of at least 16 bytes. */
export function decodeWebhookSecret(secret: string): Buffer | null {
  const encoded = secret.startsWith(WEBHOOK_SECRET_PREFIX) ? secret.slice(WEBHOOK_SECRET_PREFIX.length) : secret;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 !== 0) return null;
  const key = Buffer.from(encoded, 'base64');
  return key.length >= 16 ? key : null;
}

/** Why a secret cannot be used, or null when it can (for configuration checks). */
export function webhookSecretProblem(secret: string): string | null {
  if (!secret.startsWith(WEBHOOK_SECRET_PREFIX)) return `a secret must start with ${WEBHOOK_SECRET_PREFIX}`;
  return decodeWebhookSecret(secret) ? null : `a secret must be ${WEBHOOK_SECRET_PREFIX} followed by base64 of at least 16 bytes`;
}

function hmac(key: Buffer, id: string, timestamp: string, body: Buffer | string): Buffer {
  return createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest();
}

/** The `webhook-signature` value for one secret: `v1,<base64>`. */
export function signWebhook(secret: string | Buffer, id: string, timestampSeconds: number, body: Buffer | string): string {
  const key = typeof secret === 'string' ? decodeWebhookSecret(secret) : secret;
  if (!key) throw new RangeError('the webhook secret is not a whsec_ base64 secret');
  return `v1,${hmac(key, id, String(timestampSeconds), body).toString('base64')}`;
}

export type SignatureFailure = 'SIGNATURE_MISSING' | 'TIMESTAMP_INVALID' | 'TIMESTAMP_OUT_OF_TOLERANCE' | 'SIGNATURE_INVALID';

export type VerifyOutcome = { ok: true; id: string; timestamp: Date } | { ok: false; code: SignatureFailure; message: string };

export interface VerifyInput {
  /** The system's active keys, newest first; any one of them may have signed. */
  keys: readonly Buffer[];
  id: string | undefined;
  timestamp: string | undefined;
  signature: string | undefined;
  /** The body exactly as received: a re-serialized body does not verify. */
  body: Buffer;
  now: Date;
  toleranceSeconds?: number;
}

/** Checks the three headers against the raw body; constant-time comparison of signatures. */
export function verifyWebhook(input: VerifyInput): VerifyOutcome {
  const { id, timestamp, signature } = input;
  if (!id || !timestamp || !signature) {
    const missing = [!id && WEBHOOK_HEADERS.id, !timestamp && WEBHOOK_HEADERS.timestamp, !signature && WEBHOOK_HEADERS.signature].filter(Boolean);
    return { ok: false, code: 'SIGNATURE_MISSING', message: `missing header ${missing.join(', ')}` };
  }
  if (id.length > 256) return { ok: false, code: 'SIGNATURE_INVALID', message: `${WEBHOOK_HEADERS.id} is longer than 256 characters` };
  if (!/^\d{1,12}$/.test(timestamp)) {
    return { ok: false, code: 'TIMESTAMP_INVALID', message: `${WEBHOOK_HEADERS.timestamp} must be whole seconds since 1970-01-01T00:00:00Z` };
  }
  const seconds = Number(timestamp);
  const tolerance = input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const skew = Math.round(input.now.getTime() / 1000) - seconds;
  if (Math.abs(skew) > tolerance) {
    return {
      ok: false,
      code: 'TIMESTAMP_OUT_OF_TOLERANCE',
      message: `${WEBHOOK_HEADERS.timestamp} is ${Math.abs(skew)} s ${skew > 0 ? 'in the past' : 'in the future'}; at most ${tolerance} s either way is accepted`,
    };
  }
  const offered: Buffer[] = [];
  for (const part of signature.split(' ')) {
    const comma = part.indexOf(',');
    // Other schemes (v1a, asymmetric) are skipped, as the specification asks.
    if (comma < 0 || part.slice(0, comma) !== 'v1') continue;
    offered.push(Buffer.from(part.slice(comma + 1), 'base64'));
  }
  if (offered.length === 0) return { ok: false, code: 'SIGNATURE_INVALID', message: `${WEBHOOK_HEADERS.signature} holds no v1 signature` };
  for (const key of input.keys) {
    const expected = hmac(key, id, timestamp, input.body);
    for (const candidate of offered) {
      if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) {
        return { ok: true, id, timestamp: new Date(seconds * 1000) };
      }
    }
  }
  return { ok: false, code: 'SIGNATURE_INVALID', message: 'no signature matches the body with any active secret of this system' };
}
