import { describe, expect, it } from 'vitest';
import { decodeWebhookSecret, generateWebhookSecret, signWebhook, verifyWebhook, webhookSecretProblem } from '../../../src/http/webhook-signature.js';

// The example of the Standard Webhooks specification (standard-webhooks/spec, "Verifying").
const SPEC_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const SPEC_ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const SPEC_TIMESTAMP = 1614265330;
const SPEC_BODY = '{"test": 2432232314}';
const SPEC_SIGNATURE = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';

describe('signWebhook', () => {
  it('computes the signature of the Standard Webhooks example', () => {
    expect(signWebhook(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY)).toBe(SPEC_SIGNATURE);
  });
});

describe('verifyWebhook', () => {
  const key = decodeWebhookSecret(SPEC_SECRET) as Buffer;
  const base = { keys: [key], id: SPEC_ID, timestamp: String(SPEC_TIMESTAMP), signature: SPEC_SIGNATURE, body: Buffer.from(SPEC_BODY), now: new Date(SPEC_TIMESTAMP * 1000) };

  it('accepts the example, and any one valid signature among several', () => {
    expect(verifyWebhook(base).ok).toBe(true);
    expect(verifyWebhook({ ...base, signature: `v1,AAAA v1a,xyz ${SPEC_SIGNATURE}` }).ok).toBe(true);
  });

  it('accepts a signature by any of the active keys (rotation)', () => {
    const other = decodeWebhookSecret(generateWebhookSecret()) as Buffer;
    expect(verifyWebhook({ ...base, keys: [other, key] }).ok).toBe(true);
    expect(verifyWebhook({ ...base, keys: [other] })).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
  });

  it('refuses a body changed by one byte, or re-serialized', () => {
    expect(verifyWebhook({ ...base, body: Buffer.from(SPEC_BODY.replace('2432', '2433')) })).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
    expect(verifyWebhook({ ...base, body: Buffer.from(JSON.stringify(JSON.parse(SPEC_BODY))) })).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
  });

  it('refuses timestamps more than 5 minutes off either way, and accepts the edge', () => {
    expect(verifyWebhook({ ...base, now: new Date((SPEC_TIMESTAMP + 301) * 1000) })).toMatchObject({ ok: false, code: 'TIMESTAMP_OUT_OF_TOLERANCE' });
    expect(verifyWebhook({ ...base, now: new Date((SPEC_TIMESTAMP - 301) * 1000) })).toMatchObject({ ok: false, code: 'TIMESTAMP_OUT_OF_TOLERANCE' });
    expect(verifyWebhook({ ...base, now: new Date((SPEC_TIMESTAMP + 300) * 1000) }).ok).toBe(true);
  });

  it('names missing headers and malformed timestamps', () => {
    expect(verifyWebhook({ ...base, signature: undefined })).toEqual({ ok: false, code: 'SIGNATURE_MISSING', message: 'missing header webhook-signature' });
    expect(verifyWebhook({ ...base, timestamp: '2021-02-25T15:02:10Z' })).toMatchObject({ ok: false, code: 'TIMESTAMP_INVALID' });
    expect(verifyWebhook({ ...base, signature: 'v2,abc' })).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
  });
});

describe('webhookSecretProblem', () => {
  it('wants whsec_ and base64 of at least 16 bytes', () => {
    expect(webhookSecretProblem(generateWebhookSecret())).toBeNull();
    expect(webhookSecretProblem('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')).toMatch(/start with whsec_/);
    expect(webhookSecretProblem('whsec_c2hvcnQ=')).toMatch(/at least 16 bytes/);
    expect(webhookSecretProblem('whsec_not base64!')).toMatch(/base64/);
  });
});
