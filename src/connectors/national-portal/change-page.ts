import type { ChangePage, DossierObservation } from '../connector.js';
import { isAsciiCode, isDigits, isInt, isRecord } from '../field-checks.js';
import { observationAt, portalTimestampMs } from './mapping.js';
import type { PortalDossierSummary } from './payload.js';

/**
 * A change-feed reply checked field by field and mapped in the same pass: a province's feed
 * holds a million records, and through `changesReplySchema` and `observationFromRecord` each one
 * became a zod copy and had every stamp read twice. This accepts only a successful reply
 * (`error_code` "0") that the schema accepts, and maps it exactly as `observationFromRecord`
 * does (test/unit/connectors/change-page-readers.test.ts holds it to both); for anything else
 * it answers null, and the caller reads the reply through the schema, which names what is wrong.
 *
 * The reply may be the Latin-1 view of the body (`parseJsonAsLatin1`): the strings an
 * observation takes must be ASCII; the others are checked for their type, and for their length
 * limit by their length in that view, which is never shorter than the text's.
 */
export function readChangePage(reply: unknown): ChangePage<DossierObservation> | null {
  if (!isRecord(reply)) return null;
  const { error_code: errorCode, message, DanhSachHoSo: records, ConTro: cursor, ConDuLieu: more } = reply;
  if (errorCode !== '0' || typeof message !== 'string' || !Array.isArray(records)) return null;
  if (!isAsciiCode(cursor) || typeof more !== 'boolean') return null;
  const items: DossierObservation[] = [];
  for (const record of records as unknown[]) {
    const observation = readRecord(record);
    if (observation === null) return null;
    items.push(observation);
  }
  return { items, nextCursor: cursor, hasMore: more };
}

/** One record of `portalDossierSummarySchema`, mapped; null when the schema would refuse it (or it is not ASCII where it must be). */
function readRecord(value: unknown): DossierObservation | null {
  if (!isRecord(value)) return null;
  if (!isAsciiCode(value['MaHoSo'], 100) || !isAsciiCode(value['MaTTHC'], 100)) return null;
  if (!isText(value['TenTTHC'], 1_000) || !isText(value['ChuHoSo'], 500) || !isText(value['SoGiayToChuHoSo'], 50)) return null;
  if (!isText(value['TrichYeuHoSo'], 1_000) || !isText(value['GhiChu'], 1_000)) return null;
  if (!isOneOf(value['KenhThucHien'], '1', '3') || !isOneOf(value['LoaiDoiTuong'], '1', '4') || value['NoiNopHoSo'] !== '2') return null;
  if (!isIdentities(value['DinhDanhCHS'])) return null;
  if (!isStatusCode(value['TrangThaiHoSo']) || !isAgencyId(value['DonViXuLy'])) return null;
  if (!isDigits(value['MaTinh'], 2) || !isDigits(value['MaXa'], 5)) return null;
  const version = value['PhienBan'];
  if (!isInt(version) || version <= 0) return null;
  // NgayNopHoSo and NgayTuChoi are checked, not mapped: the hub keeps neither.
  const submitted = value['NgayNopHoSo'];
  const updated = value['NgayCapNhat'];
  if (typeof submitted !== 'string' || portalTimestampMs(submitted) === null || Number.isNaN(optionalStampMs(value['NgayTuChoi']))) return null;
  const receivedMs = optionalStampMs(value['NgayTiepNhan']);
  const dueMs = optionalStampMs(value['NgayHenTra']);
  const finishedMs = optionalStampMs(value['NgayKetThucXuLy']);
  const returnedMs = optionalStampMs(value['NgayTra']);
  const updatedMs = typeof updated === 'string' ? portalTimestampMs(updated) : null;
  if (updatedMs === null || Number.isNaN(receivedMs) || Number.isNaN(dueMs) || Number.isNaN(finishedMs) || Number.isNaN(returnedMs)) {
    return null;
  }
  return observationAt(value as unknown as PortalDossierSummary, receivedMs, dueMs, finishedMs, returnedMs, updatedMs);
}

/** Epoch milliseconds of a stamp, null for "" ("not yet"), NaN for anything else. */
function optionalStampMs(value: unknown): number | null {
  if (value === '') return null;
  return typeof value === 'string' ? (portalTimestampMs(value) ?? Number.NaN) : Number.NaN;
}

/** `z.string().max(max)` on the Latin-1 view: a string no longer there is no longer as text. */
function isText(value: unknown, max: number): boolean {
  return typeof value === 'string' && value.length <= max;
}

/** A one-character code from `first` to `last` (the portal's small enums, '1'–'3' and '1'–'4'). */
function isOneOf(value: unknown, first: string, last: string): boolean {
  return typeof value === 'string' && value.length === 1 && value >= first && value <= last;
}

/** `TrangThaiHoSo`, `/^(?:[1-9]|10)$/`. */
function isStatusCode(value: unknown): boolean {
  return typeof value === 'string' && (value === '10' || (value.length === 1 && value >= '1' && value <= '9'));
}

/** An agency id, `/^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$/`. */
function isAgencyId(value: unknown): boolean {
  if (typeof value !== 'string' || value.length !== 13) return false;
  for (let index = 0; index < 13; index += 1) {
    const code = value.charCodeAt(index);
    const ok = index === 3 || index === 6 || index === 9 ? code === 46 : index === 10 ? code >= 65 && code <= 90 : code >= 48 && code <= 57;
    if (!ok) return false;
  }
  return true;
}

/** `DinhDanhCHS`: at most five `{LoaiDinhDanh: '1' | '2', SoDinhDanh}`. */
function isIdentities(value: unknown): boolean {
  if (!Array.isArray(value) || value.length > 5) return false;
  for (const identity of value as unknown[]) {
    if (!isRecord(identity) || !isOneOf(identity['LoaiDinhDanh'], '1', '2') || !isText(identity['SoDinhDanh'], 50)) return false;
  }
  return true;
}
