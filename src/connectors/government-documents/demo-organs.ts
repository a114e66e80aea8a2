import { communesOf, findProvince } from '../demo/demo-communes.js';
import { FAMILY_NAMES, GIVEN_NAMES, MIDDLE_NAMES } from '../demo/vietnamese-names.js';
import { WeightedChoice, pickOne } from '../demo/weighted-choice.js';

export type GovernmentOrganLevel = 'MINISTRY' | 'PROVINCE' | 'DEPARTMENT' | 'COMMUNE';

export interface GovernmentSigner {
  position: string;
  fullName: string;
}

/** A state organ that issues or receives documents in the demo. */
export interface GovernmentOrgan {
  /**
   * Mã định danh (Decision 20/2020/QĐ-TTg shape). Ministries keep their published codes
   * (G09 Bộ Nội vụ, G22 Văn phòng Chính phủ), the province People's Committee is `000.00.00.Hpp`,
   * communes use the ids of demo-communes (`000.HH.LL.Hpp`, HHLL the commune's ordinal), and
   * departments (sở) get `000.99.NN.Hpp`, outside the commune ordinal range. The post-reform
   * code lists were not found, so these are the demo's own.
   */
  organId: string;
  name: string;
  /** The organ's part of a ký hiệu: `UBND`, `SNV`, `VPCP`. */
  abbreviation: string;
  level: GovernmentOrganLevel;
  provinceCode: string | null;
  communeCode: string | null;
  /** Units that draft công văn (the part after the hyphen in `1234/UBND-VP`). */
  units: readonly string[];
  /** Offices that an incoming document is distributed to (ToPlaces). */
  places: readonly string[];
  signers: GovernmentSigner[];
  /** Annex III type names this organ issues, with weights. */
  issues: readonly (readonly [string, number])[];
  /** Roughly how many documents a working day it numbers, all recipients included. */
  dailyVolume: number;
}

const FAMILY = new WeightedChoice(FAMILY_NAMES);

function personName(random: () => number): string {
  const sex = random() < 0.7 ? 'MALE' : 'FEMALE';
  return `${FAMILY.pick(random)} ${pickOne(MIDDLE_NAMES[sex], random)} ${pickOne(GIVEN_NAMES[sex], random)}`;
}

/** "Xã Trần Văn Thời" as it reads inside a name: "xã Trần Văn Thời" (also old "Thị trấn …"). */
export function communeInSentence(unitName: string): string {
  return unitName.replace(/^(Xã|Phường|Đặc khu|Thị trấn)(?=\s)/u, (prefix) => prefix.toLowerCase());
}

/** Departments of a province after the 2025 restructuring of sở. */
const DEPARTMENTS: readonly (readonly [string, string, readonly string[]])[] = [
  ['Sở Nội vụ', 'SNV', ['VP', 'CCVTLT', 'TCBC']],
  ['Sở Tư pháp', 'STP', ['VP', 'HCTP']],
  ['Sở Tài chính', 'STC', ['VP', 'NS', 'ĐT']],
  ['Sở Nông nghiệp và Môi trường', 'SNNMT', ['VP', 'ĐĐ', 'TL']],
  ['Sở Y tế', 'SYT', ['VP', 'NVY']],
  ['Sở Giáo dục và Đào tạo', 'SGDĐT', ['VP', 'GDPT']],
  ['Sở Xây dựng', 'SXD', ['VP', 'QLXD']],
  ['Sở Khoa học và Công nghệ', 'SKHCN', ['VP', 'CĐS']],
];

const MINISTRIES: readonly Omit<GovernmentOrgan, 'signers'>[] = [
  {
    organId: '000.00.00.G22',
    name: 'Văn phòng Chính phủ',
    abbreviation: 'VPCP',
    level: 'MINISTRY',
    provinceCode: null,
    communeCode: null,
    units: ['KSTT', 'TH', 'ĐMDN'],
    places: [],
    issues: [['Công văn', 7], ['Thông báo', 2], ['Công điện', 1]],
    dailyVolume: 60,
  },
  {
    organId: '000.00.00.G09',
    name: 'Bộ Nội vụ',
    abbreviation: 'BNV',
    level: 'MINISTRY',
    provinceCode: null,
    communeCode: null,
    units: ['VTLTNN', 'CQĐP', 'TCBC'],
    places: [],
    issues: [['Công văn', 6], ['Hướng dẫn', 2], ['Quyết định', 1]],
    dailyVolume: 40,
  },
];

export interface GovernmentDirectory {
  ministries: GovernmentOrgan[];
  /** By province code: the People's Committee, its departments, then its communes. */
  provinces: Map<string, GovernmentOrgan[]>;
}

function provinceOrgans(provinceCode: string, random: () => number): GovernmentOrgan[] {
  const province = findProvince(provinceCode);
  if (!province) throw new RangeError(`unknown province ${provinceCode}`);
  const committee: GovernmentOrgan = {
    organId: `000.00.00.H${provinceCode}`,
    name: `Ủy ban nhân dân tỉnh ${province.name}`,
    abbreviation: 'UBND',
    level: 'PROVINCE',
    provinceCode,
    communeCode: null,
    units: ['VP', 'KT', 'KGVX', 'NC'],
    places: ['Chủ tịch UBND tỉnh', 'Các Phó Chủ tịch UBND tỉnh', 'Văn phòng UBND tỉnh'],
    signers: [
      { position: 'Chủ tịch', fullName: personName(random) },
      { position: 'Phó Chủ tịch', fullName: personName(random) },
      { position: 'Phó Chủ tịch', fullName: personName(random) },
    ],
    issues: [['Công văn', 35], ['Quyết định', 25], ['Kế hoạch', 8], ['Thông báo', 8], ['Giấy mời', 6], ['Báo cáo', 5], ['Chỉ thị', 3], ['Công điện', 2]],
    dailyVolume: 25,
  };
  const departments = DEPARTMENTS.map<GovernmentOrgan>(([name, abbreviation, units], index) => ({
    organId: `000.99.${String(index + 1).padStart(2, '0')}.H${provinceCode}`,
    name: `${name} tỉnh ${province.name}`,
    abbreviation,
    level: 'DEPARTMENT',
    provinceCode,
    communeCode: null,
    units,
    places: ['Giám đốc Sở', 'Văn phòng Sở'],
    signers: [
      { position: 'Giám đốc', fullName: personName(random) },
      { position: 'Phó Giám đốc', fullName: personName(random) },
    ],
    issues: [['Công văn', 45], ['Báo cáo', 10], ['Hướng dẫn', 10], ['Quyết định', 10], ['Kế hoạch', 8], ['Thông báo', 7], ['Giấy mời', 5], ['Tờ trình', 5]],
    dailyVolume: 8,
  }));
  const communes = communesOf(provinceCode).map<GovernmentOrgan>((commune) => ({
    organId: commune.agencyId,
    name: `Ủy ban nhân dân ${communeInSentence(commune.name)}`,
    abbreviation: 'UBND',
    level: 'COMMUNE',
    provinceCode,
    communeCode: commune.code,
    units: ['VP', 'KT', 'VHXH'],
    places: ['Chủ tịch UBND', 'Văn phòng HĐND và UBND', 'Phòng Kinh tế', 'Phòng Văn hóa - Xã hội'],
    signers: [
      { position: 'Chủ tịch', fullName: personName(random) },
      { position: 'Phó Chủ tịch', fullName: personName(random) },
    ],
    issues: [['Công văn', 35], ['Quyết định', 18], ['Báo cáo', 15], ['Kế hoạch', 8], ['Thông báo', 8], ['Tờ trình', 8], ['Giấy mời', 5], ['Biên bản', 3]],
    dailyVolume: 3,
  }));
  return [committee, ...departments, ...communes];
}

export function buildGovernmentDirectory(provinceCodes: readonly string[], random: () => number): GovernmentDirectory {
  const ministries = MINISTRIES.map((ministry) => ({
    ...ministry,
    signers: [{ position: ministry.abbreviation === 'VPCP' ? 'Phó Chủ nhiệm' : 'Thứ trưởng', fullName: personName(random) }],
  }));
  return { ministries, provinces: new Map(provinceCodes.map((code) => [code, provinceOrgans(code, random)] as const)) };
}
