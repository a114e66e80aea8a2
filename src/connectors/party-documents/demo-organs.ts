import { communesOf, findProvince } from '../demo/demo-communes.js';
import { FAMILY_NAMES, GIVEN_NAMES, MIDDLE_NAMES } from '../demo/vietnamese-names.js';
import { WeightedChoice, pickOne } from '../demo/weighted-choice.js';

export type PartyOrganLevel = 'CENTRAL' | 'PROVINCE' | 'BOARD' | 'COMMUNE';

export interface PartySigner {
  /** Thẩm quyền ký as printed above the signature: `T/M BAN THƯỜNG VỤ`, `K/T TRƯỞNG BAN`. */
  competence: string;
  position: string;
  fullName: string;
}

/** A party organ that issues or receives documents in the demo. */
export interface PartyOrgan {
  /**
   * Mã định danh `NNN.NN.NN.Dpp`. No party code list is public, so the demo derives one:
   * `000.00.00.Dpp` the province party committee (Tỉnh ủy), `000.99.0n.Dpp` its boards,
   * `000.HH.LL.Dpp` a commune party committee with the same digits as the commune People's
   * Committee (`000.HH.LL.Hpp` in demo-communes), and `D00` for central organs. Commune ordinals
   * stay below 0200 in every province, so `000.99.xx` never collides with a commune.
   */
  organId: string;
  name: string;
  /** Issuer abbreviation after the slash of a party number: `TU`, `ĐU`, `BTCTU`, `VPTW`. */
  issuerCode: string;
  level: PartyOrganLevel;
  provinceCode: string | null;
  communeCode: string | null;
  /** Place printed before the date (địa danh). */
  place: string;
  /** Departments that send status packets on the organ's behalf. */
  department: string;
  signers: PartySigner[];
  /** Document type codes (PARTY_DOCUMENT_TYPES keys) this organ issues, with weights. */
  issues: readonly (readonly [string, number])[];
}

const FAMILY = new WeightedChoice(FAMILY_NAMES);

function personName(random: () => number): string {
  const sex = random() < 0.7 ? 'MALE' : 'FEMALE';
  return `${FAMILY.pick(random)} ${pickOne(MIDDLE_NAMES[sex], random)} ${pickOne(GIVEN_NAMES[sex], random)}`;
}

/** "Xã Trần Văn Thời" as it reads inside a name: "xã Trần Văn Thời". */
export function inSentence(unitName: string): string {
  return unitName.replace(/^(Xã|Phường|Đặc khu)(?=\s)/u, (prefix) => prefix.toLowerCase());
}

/** Central organs whose guidance reaches every province. */
function centralOrgans(random: () => number): PartyOrgan[] {
  return [
    {
      organId: '000.00.01.D00',
      name: 'Văn phòng Trung ương Đảng',
      issuerCode: 'VPTW',
      level: 'CENTRAL',
      provinceCode: null,
      communeCode: null,
      place: 'Hà Nội',
      department: 'Vụ Hành chính - Lưu trữ',
      signers: [{ competence: 'K/T CHÁNH VĂN PHÒNG', position: 'Phó Chánh Văn phòng', fullName: personName(random) }],
      issues: [['7', 5], ['11', 4], ['10', 1]],
    },
    {
      organId: '000.00.02.D00',
      name: 'Ban Tổ chức Trung ương',
      issuerCode: 'BTCTW',
      level: 'CENTRAL',
      provinceCode: null,
      communeCode: null,
      place: 'Hà Nội',
      department: 'Văn phòng Ban',
      signers: [{ competence: 'K/T TRƯỞNG BAN', position: 'Phó Trưởng ban', fullName: personName(random) }],
      issues: [['7', 6], ['11', 4]],
    },
  ];
}

interface BoardSpec {
  ordinal: number;
  name: string;
  code: string;
  head: string;
  deputy: string;
  issues: readonly (readonly [string, number])[];
}

/** Provincial party boards after the 2025 restructuring (propaganda and mass mobilisation merged). */
const BOARDS: readonly BoardSpec[] = [
  { ordinal: 1, name: 'Văn phòng Tỉnh ủy', code: 'VPTU', head: 'Chánh Văn phòng', deputy: 'Phó Chánh Văn phòng', issues: [['10', 5], ['11', 5], ['8', 1]] },
  { ordinal: 2, name: 'Ban Tổ chức Tỉnh ủy', code: 'BTCTU', head: 'Trưởng ban', deputy: 'Phó Trưởng ban', issues: [['7', 4], ['11', 4], ['2', 2], ['9', 1]] },
  { ordinal: 3, name: 'Ban Tuyên giáo và Dân vận Tỉnh ủy', code: 'BTGDVTU', head: 'Trưởng ban', deputy: 'Phó Trưởng ban', issues: [['7', 4], ['8', 3], ['11', 3], ['9', 1]] },
  { ordinal: 4, name: 'Ủy ban Kiểm tra Tỉnh ủy', code: 'UBKTTU', head: 'Chủ nhiệm', deputy: 'Phó Chủ nhiệm', issues: [['2', 4], ['10', 3], ['9', 2], ['11', 1]] },
  { ordinal: 5, name: 'Ban Nội chính Tỉnh ủy', code: 'BNCTU', head: 'Trưởng ban', deputy: 'Phó Trưởng ban', issues: [['11', 4], ['9', 3], ['8', 2]] },
];

/** The Tỉnh ủy, its boards and every commune party committee of a province. */
function provinceOrgans(provinceCode: string, random: () => number): PartyOrgan[] {
  const province = findProvince(provinceCode);
  if (!province) throw new RangeError(`unknown province ${provinceCode}`);
  const secretary = personName(random);
  const standingDeputy = personName(random);
  const committee: PartyOrgan = {
    organId: `000.00.00.D${provinceCode}`,
    name: `Tỉnh ủy ${province.name}`,
    issuerCode: 'TU',
    level: 'PROVINCE',
    provinceCode,
    communeCode: null,
    place: province.name,
    department: 'Văn phòng Tỉnh ủy',
    signers: [
      { competence: 'T/M BAN THƯỜNG VỤ', position: 'Bí thư', fullName: secretary },
      { competence: 'T/M BAN THƯỜNG VỤ', position: 'Phó Bí thư Thường trực', fullName: standingDeputy },
      { competence: 'T/M TỈNH ỦY', position: 'Bí thư', fullName: secretary },
    ],
    issues: [['1', 2], ['2', 5], ['3', 1], ['4', 3], ['5', 1], ['6', 1], ['8', 3], ['10', 2], ['11', 4], ['9', 1]],
  };
  const boards = BOARDS.map<PartyOrgan>((board) => {
    const head = personName(random);
    return {
      organId: `000.99.${String(board.ordinal).padStart(2, '0')}.D${provinceCode}`,
      name: `${board.name} ${province.name}`,
      issuerCode: board.code,
      level: 'BOARD',
      provinceCode,
      communeCode: null,
      place: province.name,
      department: board.name.startsWith('Văn phòng') ? 'Phòng Hành chính - Lưu trữ' : 'Văn phòng Ban',
      signers: [
        { competence: board.head.toUpperCase(), position: board.head, fullName: head },
        { competence: `K/T ${board.head.toUpperCase()}`, position: board.deputy, fullName: personName(random) },
      ],
      issues: board.issues,
    };
  });
  const communes = communesOf(provinceCode).map<PartyOrgan>((commune) => {
    const secretaryName = personName(random);
    return {
      organId: commune.agencyId.replace(/H(\d{2})$/, 'D$1'),
      name: `Đảng ủy ${inSentence(commune.name)}`,
      issuerCode: 'ĐU',
      level: 'COMMUNE',
      provinceCode,
      communeCode: commune.code,
      place: commune.name.replace(/^(Xã|Phường|Đặc khu)\s+/u, ''),
      department: 'Văn phòng Đảng ủy',
      signers: [
        { competence: 'T/M BAN THƯỜNG VỤ', position: 'Bí thư', fullName: secretaryName },
        { competence: 'T/M ĐẢNG ỦY', position: 'Bí thư', fullName: secretaryName },
        { competence: 'T/M BAN THƯỜNG VỤ', position: 'Phó Bí thư', fullName: personName(random) },
      ],
      issues: [['1', 2], ['2', 3], ['8', 3], ['9', 4], ['10', 2], ['11', 3], ['3', 0.3]],
    };
  });
  return [committee, ...boards, ...communes];
}

export interface PartyDirectory {
  central: PartyOrgan[];
  /** By province code: the Tỉnh ủy first, then its boards, then the commune party committees. */
  provinces: Map<string, PartyOrgan[]>;
}

export function buildPartyDirectory(provinceCodes: readonly string[], random: () => number): PartyDirectory {
  const central = centralOrgans(random);
  const provinces = new Map(provinceCodes.map((code) => [code, provinceOrgans(code, random)] as const));
  return { central, provinces };
}
