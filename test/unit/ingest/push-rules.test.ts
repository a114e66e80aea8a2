import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseInboundEvent } from '../../../src/domain/inbound-event.js';
import { checkPushedTransition } from '../../../src/domain/pushed-transition.js';
import { compareSourcePosition } from '../../../src/domain/source-order.js';

const at = (iso: string): Date => new Date(iso);

describe('compareSourcePosition', () => {
  it('orders by version when both sides have one, whatever the clocks say', () => {
    expect(compareSourcePosition({ version: 3, timestamp: at('2025-01-01T00:00:00Z') }, { version: 2, timestamp: at('2025-06-01T00:00:00Z') })).toEqual({ newer: true });
    expect(compareSourcePosition({ version: 1, timestamp: at('2025-06-01T00:00:00Z') }, { version: 2, timestamp: at('2025-01-01T00:00:00Z') })).toMatchObject({ newer: false, code: 'OLDER_VERSION' });
    expect(compareSourcePosition({ version: 2, timestamp: at('2025-06-01T00:00:00Z') }, { version: 2, timestamp: at('2025-01-01T00:00:00Z') })).toMatchObject({ newer: false, code: 'SAME_VERSION' });
  });

  it('orders by timestamp when a version is missing', () => {
    expect(compareSourcePosition({ version: null, timestamp: at('2025-01-02T00:00:00Z') }, { version: 9, timestamp: at('2025-01-01T00:00:00Z') })).toEqual({ newer: true });
    expect(compareSourcePosition({ version: null, timestamp: at('2025-01-01T00:00:00Z') }, { version: null, timestamp: at('2025-01-01T00:00:00Z') })).toMatchObject({ newer: false, code: 'SAME_TIMESTAMP' });
  });
});

describe('checkPushedTransition', () => {
  it('requires one legal step between consecutive versions', () => {
    expect(checkPushedTransition({ from: 'RECEIVED', to: 'PROCESSING', consecutive: true }).ok).toBe(true);
    expect(checkPushedTransition({ from: 'RECEIVED', to: 'RESULT_RETURNED', consecutive: true })).toMatchObject({ ok: false, error: { code: 'ILLEGAL_TRANSITION' } });
  });

  it('allows any status reachable in legal steps when changes may have been missed', () => {
    expect(checkPushedTransition({ from: 'RECEIVED', to: 'RESULT_RETURNED', consecutive: false }).ok).toBe(true);
    expect(checkPushedTransition({ from: 'RESOLVED', to: 'PROCESSING', consecutive: false })).toMatchObject({ ok: false, error: { code: 'ILLEGAL_TRANSITION' } });
  });

  it('has nothing to check without a previous status, or when the status is unchanged', () => {
    expect(checkPushedTransition({ from: null, to: 'WITHDRAWN', consecutive: true }).ok).toBe(true);
    expect(checkPushedTransition({ from: 'RESOLVED', to: 'RESOLVED', consecutive: true }).ok).toBe(true);
  });
});

describe('parseInboundEvent', () => {
  const dossier = { dossierCode: '000.00.12.H12-251104-0042', procedureCode: '1.001193', provinceCode: '96', communeCode: '32248', status: 4 };
  const event = { id: 'e-1', type: 'dossier.status_changed', timestamp: '2025-11-04T08:15:00+07:00', version: 7, data: dossier };

  it('normalizes a national status code and keys the event by its dossier', () => {
    const parsed = parseInboundEvent(event, 'provincial');
    expect(parsed.ok && parsed.value).toMatchObject({ entityType: 'dossier', entityKey: dossier.dossierCode, version: 7, data: { status: 'PROCESSING' } });
    expect(parsed.ok && parsed.value.timestamp.toISOString()).toBe('2025-11-04T01:15:00.000Z');
  });

  it('hashes the content, not the id: a redelivery matches, other content does not', () => {
    const a = parseInboundEvent(event, 'provincial');
    const b = parseInboundEvent({ ...event, id: 'e-2' }, 'provincial');
    const c = parseInboundEvent({ ...event, data: { ...dossier, status: 9 } }, 'provincial');
    expect(a.ok && b.ok && a.value.hash === b.value.hash).toBe(true);
    expect(a.ok && c.ok && a.value.hash !== c.value.hash).toBe(true);
  });

  it('keeps the hash stored events were compared by: SHA-256 of the canonical JSON of type, timestamp, version, sequence and data', () => {
    for (const raw of [event, { ...event, version: undefined, sequence: 12 }, { ...event, data: { ...dossier, nativeStatus: 'Đang "xử lý"\u0001' } }]) {
      const parsed = parseInboundEvent(raw, 'provincial');
      if (!parsed.ok) throw new Error(parsed.error.message);
      const { type, timestamp, version, sequence, data } = parsed.value;
      const expected = createHash('sha256').update(JSON.stringify({ type, timestamp: timestamp.toISOString(), version, sequence, data })).digest('base64url');
      expect(parsed.value.hash).toBe(expected);
      expect(JSON.parse(parsed.value.dataJson)).toEqual(data);
    }
  });

  it.each([
    [{ ...event, type: 'dossier.deleted' }, 'provincial', 'UNKNOWN_EVENT_TYPE', 'type'],
    [{ ...event, type: 'document.issued' }, 'provincial', 'EVENT_TYPE_NOT_ALLOWED', 'type'],
    [{ ...event, data: { ...dossier, dossierCode: 'H12-251399-0001' } }, 'provincial', 'INVALID_DOSSIER_CODE', 'data.dossierCode'],
    [{ ...event, data: { ...dossier, status: 11 } }, 'provincial', 'INVALID_EVENT', 'data.status'],
    [{ ...event, timestamp: '2025-11-04 08:15' }, 'provincial', 'INVALID_EVENT', 'timestamp'],
    [{ ...event, id: undefined }, 'provincial', 'MISSING_EVENT_ID', 'id'],
  ] as const)('refuses %# with a code and a path', (raw, system, code, path) => {
    const parsed = parseInboundEvent(raw, system);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && { code: parsed.error.code, path: parsed.error.path }).toEqual({ code, path });
  });

  it('takes the delivery id for a single event without one', () => {
    const parsed = parseInboundEvent({ ...event, id: undefined }, 'provincial', 'msg_123');
    expect(parsed.ok && parsed.value.id).toBe('msg_123');
  });
});
