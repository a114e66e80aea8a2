import type { ChangePage, DossierObservation } from '../connector.js';
import { isAsciiCode, isDigits, isInt, isRecord } from '../field-checks.js';
import { isAscii } from '../latin1-json.js';
import { observationAt, vietnamTimestampMs } from './mapping.js';
import type { ProvincialDossierRecord } from './payloads.js';

/**
 * A change-feed reply checked field by field and mapped in the same pass: a province's feed
 * holds a million records, and through `changeFeedReplySchema` and `toObservation` each one
 * became a zod copy and had every stamp read twice. This accepts only what the schema accepts,
 * and maps it exactly as `toObservation` does (test/unit/connectors/change-page-readers.test.ts
 * holds it to both); for anything else it answers null, and the caller reads the reply through
 * the schema, which names what is wrong.
 *
 * The reply may be the Latin-1 view of the body (`parseJsonAsLatin1`): the strings an
 * observation takes must be ASCII, the others are checked for their type only, as the schema does.
 */
export function readChangePage(reply: unknown): ChangePage<DossierObservation> | null {
  if (!isRecord(reply)) return null;
  const { MaLoi, ThongBao, DuLieu, ConTro, ConDuLieu } = reply;
  if (MaLoi !== '0' || typeof ThongBao !== 'string' || !Array.isArray(DuLieu)) return null;
  if (typeof ConTro !== 'string' || ConTro === '' || !isAscii(ConTro) || typeof ConDuLieu !== 'boolean') return null;
  const items: DossierObservation[] = [];
  for (const record of DuLieu as unknown[]) {
    const observation = readRecord(record);
    if (observation === null) return null;
    items.push(observation);
  }
  return { items, nextCursor: ConTro, hasMore: ConDuLieu };
}

/** One record of `provincialDossierSchema`, mapped; null when the schema would refuse it (or it is not ASCII where it must be). */
function readRecord(value: unknown): DossierObservation | null {
  if (!isRecord(value)) return null;
  if (!isAsciiCode(value['MaHoSo']) || !isAsciiCode(value['MaTTHC'])) return null;
  if (typeof value['TenTTHC'] !== 'string' || typeof value['MaDonVi'] !== 'string') return null;
  if (!isDigits(value['MaXa'], 5) || !isDigits(value['MaTinh'], 2)) return null;
  const personalId = value['SoGiayToChuHoSo'];
  if (typeof value['ChuHoSo'] !== 'string' || typeof personalId !== 'string' || !isAscii(personalId)) return null;
  if (typeof value['LoaiDinhDanh'] !== 'string') return null;
  if (!isInt(value['KenhThucHien']) || !isInt(value['TrangThaiHoSo'])) return null;
  const version = value['PhienBan'];
  if (!isInt(version) || version < 0) return null;
  // NgayNopHoSo is checked, not mapped: the hub keeps no filing instant.
  const submittedMs = optionalStampMs(value['NgayNopHoSo']);
  const receivedMs = optionalStampMs(value['NgayTiepNhan']);
  const dueMs = optionalStampMs(value['NgayHenTra']);
  const finishedMs = optionalStampMs(value['NgayKetThucXuLy']);
  const returnedMs = optionalStampMs(value['NgayTra']);
  const updated = value['NgayCapNhat'];
  const updatedMs = typeof updated === 'string' ? vietnamTimestampMs(updated) : null;
  if (
    updatedMs === null ||
    Number.isNaN(submittedMs) ||
    Number.isNaN(receivedMs) ||
    Number.isNaN(dueMs) ||
    Number.isNaN(finishedMs) ||
    Number.isNaN(returnedMs)
  ) {
    return null;
  }
  return observationAt(value as unknown as ProvincialDossierRecord, receivedMs, dueMs, finishedMs, returnedMs, updatedMs);
}

/** Epoch milliseconds of a stamp, null for the empty string ("no date"), NaN for anything else. */
function optionalStampMs(value: unknown): number | null {
  if (value === '') return null;
  return typeof value === 'string' ? (vietnamTimestampMs(value) ?? Number.NaN) : Number.NaN;
}
