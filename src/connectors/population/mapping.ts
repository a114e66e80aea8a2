import type { Sex } from '../../domain/personal-id.js';
import type { Citizen, CitizenAddress, CitizenRelative, MaritalStatus } from './citizen.js';
import type { CongDan, DiaChi } from './payload.js';

/**
 * The population database's vocabularies and the `CongDan` record → {@link Citizen} mapping.
 * Closed vocabularies (sex, life status) are checked by the payload schema, so a record with a
 * value outside them fails the whole answer instead of becoming a guess.
 */

/** GioiTinh (VIETNAM-EGOV.md §5): 1 Nam, 2 Nữ. */
export const SEX_BY_CODE = { '1': 'MALE', '2': 'FEMALE' } as const satisfies Record<string, Sex>;
export const SEX_CODES = Object.keys(SEX_BY_CODE) as (keyof typeof SEX_BY_CODE)[];
export const SEX_CODE: Readonly<Record<Sex, keyof typeof SEX_BY_CODE>> = { MALE: '1', FEMALE: '2' };

/**
 * TinhTrangHonNhan. The field is in the record (§5) but its code list was not found in the
 * sources; these codes are the simulator's. Open vocabulary: an unknown code reads as null.
 */
export const MARITAL_STATUS_BY_CODE: Readonly<Record<string, MaritalStatus>> = {
  '1': 'SINGLE',
  '2': 'MARRIED',
  '3': 'DIVORCED',
  '4': 'WIDOWED',
};
export const MARITAL_STATUS_CODE: Readonly<Record<MaritalStatus, string>> = {
  SINGLE: '1',
  MARRIED: '2',
  DIVORCED: '3',
  WIDOWED: '4',
};

/**
 * The death mark. §5 lists no element for it, so the simulated system adds `TrangThai` to every
 * record (`Còn sống` alive, `Đã chết` dead) and `NgayChet` (yyyyMMdd) to the dead. Every record
 * must say which: a missing or unknown mark fails the answer rather than reading as alive.
 */
export const LIFE_STATUS = { ALIVE: 'Còn sống', DEAD: 'Đã chết' } as const;
export const LIFE_STATUSES = [LIFE_STATUS.ALIVE, LIFE_STATUS.DEAD] as const;

export function citizenFromCongDan(record: CongDan): Citizen {
  const { Ho, ChuDem, Ten } = record.HoVaTen;
  // GioiTinh is one of SEX_CODES: the payload schema refuses any other value.
  const sex = SEX_BY_CODE[record.GioiTinh];
  const deceased = record.TrangThai === LIFE_STATUS.DEAD;
  return {
    personalId: record.SoDinhDanh,
    familyName: Ho,
    middleName: ChuDem,
    givenName: Ten,
    fullName: [Ho, ChuDem, Ten].filter((part) => part !== '').join(' '),
    sex,
    birthDate: isoDate(record.NgayThangNamSinh.NgayThangNam),
    ethnicityCode: record.DanToc,
    nationality: record.QuocTich,
    maritalStatus: record.TinhTrangHonNhan === null ? null : (MARITAL_STATUS_BY_CODE[record.TinhTrangHonNhan] ?? null),
    permanentAddress: address(record.ThuongTru),
    currentAddress: address(record.NoiOHienTai),
    householdHead: record.ChuHo
      ? { personalId: record.ChuHo.SoDinhDanh, fullName: record.ChuHo.HoVaTen, relation: record.ChuHo.QuanHe }
      : null,
    father: relative(record.Cha),
    mother: relative(record.Me),
    spouse: relative(record.VoChong),
    deceased,
    deathDate: deceased && record.NgayChet !== null ? isoDate(record.NgayChet) : null,
  };
}

function address(place: DiaChi): CitizenAddress {
  return { provinceCode: place.MaTinhThanh, communeCode: place.MaPhuongXa, detail: place.ChiTiet };
}

function relative(person: CongDan['Cha']): CitizenRelative | null {
  return person ? { personalId: person.SoDinhDanh, fullName: person.HoVaTen } : null;
}

/** `yyyyMMdd` → `yyyy-MM-dd`. */
export function isoDate(compact: string): string {
  return `${compact.slice(0, 4)}-${compact.slice(4, 6)}-${compact.slice(6, 8)}`;
}

/** `yyyy-MM-dd` → `yyyyMMdd`. */
export function compactDate(iso: string): string {
  return iso.replace(/-/g, '');
}
