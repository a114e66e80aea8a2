import { WeightedChoice, intBetween, pickOne } from '../demo/weighted-choice.js';
import type { Retention } from './mapping.js';

/** Subjects (trích yếu) of state documents. Plausible wording, not quotations of real documents. */
const TOPICS = [
  'vận hành chính quyền địa phương hai cấp',
  'tiếp nhận, bàn giao hồ sơ, tài liệu lưu trữ của cấp huyện',
  'số hóa hồ sơ, tài liệu lưu trữ',
  'cải cách thủ tục hành chính và chuyển đổi số',
  'giải quyết thủ tục hành chính trên môi trường điện tử',
  'phòng, chống thiên tai và tìm kiếm cứu nạn',
  'quản lý đất đai và cấp giấy chứng nhận quyền sử dụng đất',
  'chi trả chính sách cho người có công',
  'bảo đảm trật tự an toàn giao thông',
  'phòng, chống dịch bệnh trên gia súc, gia cầm',
  'xây dựng nông thôn mới',
  'quản lý, sử dụng tài sản công sau sắp xếp',
  'tuyển dụng, bố trí công chức cấp xã',
  'cập nhật, làm sạch dữ liệu dân cư',
  'phòng cháy, chữa cháy',
] as const;

export interface DocumentSubjectContext {
  year: number;
  month: number;
  quarter: number;
}

type Template = (topic: string, ctx: DocumentSubjectContext) => string;

/** Templates by Annex III type name. */
const TEMPLATES: Readonly<Record<string, readonly Template[]>> = {
  'Công văn': [(t) => `V/v triển khai ${t}`, (t) => `V/v báo cáo kết quả ${t}`, (t) => `V/v đôn đốc ${t}`],
  'Quyết định': [
    (t) => `Về việc thành lập Tổ công tác ${t}`,
    (t, c) => `Về việc phê duyệt kế hoạch ${t} năm ${c.year}`,
    () => 'Về việc giao nhiệm vụ cho công chức',
    () => 'Về việc phân bổ kinh phí',
  ],
  'Kế hoạch': [(t, c) => `Triển khai ${t} năm ${c.year}`, (t, c) => `Kiểm tra ${t} quý ${c.quarter}/${c.year}`],
  'Thông báo': [(t) => `Kết luận của Chủ tịch tại cuộc họp về ${t}`, () => 'Lịch tiếp công dân định kỳ'],
  'Giấy mời': [(t) => `Dự họp về ${t}`],
  'Báo cáo': [(t, c) => `Kết quả ${t} tháng ${c.month}/${c.year}`, (t, c) => `Sơ kết ${t} quý ${c.quarter}/${c.year}`],
  'Chỉ thị': [(t) => `Về tăng cường ${t}`],
  'Công điện': [() => 'Về việc chủ động ứng phó với mưa lớn, triều cường'],
  'Hướng dẫn': [(t) => `Thực hiện ${t}`],
  'Tờ trình': [(t) => `Đề nghị phê duyệt kinh phí ${t}`, (t) => `Đề nghị bổ sung nhiệm vụ ${t}`],
  'Biên bản': [(t) => `Bàn giao hồ sơ, tài liệu về ${t}`],
};

export function documentSubject(typeName: string, ctx: DocumentSubjectContext, random: () => number): string {
  const template = pickOne(TEMPLATES[typeName] ?? TEMPLATES['Công văn'] ?? [], random);
  return template(pickOne(TOPICS, random), ctx);
}

export interface ArchiveTitleContext {
  /** `huyện Trần Văn Thời` */
  district: string;
  /** A former commune of the district: `xã Khánh Bình`. */
  formerCommune: string;
  year: number;
}

interface ArchiveTemplate {
  title: (ctx: ArchiveTitleContext, random: () => number) => string;
  /** The district office that formed the file: its code ends the file notation. */
  office: string;
  retention: WeightedChoice<Retention>;
  weight: number;
}

const PERMANENT: Retention = { retention: 'PERMANENT', years: null };
const years = (n: number): Retention => ({ retention: 'TERM', years: n });

/** Kinds of district records with the retention periods their lists commonly give. */
const ARCHIVE_TEMPLATES: readonly ArchiveTemplate[] = [
  {
    title: (c) => `Tập lưu quyết định của Ủy ban nhân dân ${c.district} năm ${c.year}`,
    office: 'VP',
    retention: new WeightedChoice([[PERMANENT, 1]]),
    weight: 8,
  },
  {
    title: (c) => `Hồ sơ cấp giấy chứng nhận quyền sử dụng đất cho hộ gia đình, cá nhân tại ${c.formerCommune} năm ${c.year}`,
    office: 'TNMT',
    retention: new WeightedChoice([[PERMANENT, 1]]),
    weight: 14,
  },
  {
    title: (c) => `Hồ sơ giải quyết đơn khiếu nại của công dân ${c.formerCommune} năm ${c.year}`,
    office: 'TTr',
    retention: new WeightedChoice([[PERMANENT, 1], [years(20), 2], [years(10), 1]]),
    weight: 8,
  },
  {
    title: (c, r) => `Hồ sơ kỳ họp thứ ${intBetween(1, 12, r)} Hội đồng nhân dân ${c.district}`,
    office: 'VP',
    retention: new WeightedChoice([[PERMANENT, 1]]),
    weight: 5,
  },
  {
    title: (c) => `Hồ sơ xây dựng nông thôn mới ${c.formerCommune} năm ${c.year}`,
    office: 'NN',
    retention: new WeightedChoice([[years(20), 2], [years(10), 1]]),
    weight: 7,
  },
  {
    title: (c) => `Hồ sơ thẩm định dự án đường giao thông nông thôn ${c.formerCommune} năm ${c.year}`,
    office: 'KTHT',
    retention: new WeightedChoice([[years(70), 1], [years(50), 1], [years(20), 1]]),
    weight: 7,
  },
  {
    title: (c) => `Báo cáo tổng kết công tác năm ${c.year} của Ủy ban nhân dân ${c.district}`,
    office: 'VP',
    retention: new WeightedChoice([[PERMANENT, 1]]),
    weight: 5,
  },
  {
    title: (c) => `Hồ sơ chi trả trợ cấp cho người có công với cách mạng năm ${c.year}`,
    office: 'LĐTBXH',
    retention: new WeightedChoice([[years(70), 1], [years(20), 1]]),
    weight: 8,
  },
  {
    title: (c) => `Hồ sơ phòng, chống thiên tai và tìm kiếm cứu nạn năm ${c.year}`,
    office: 'VP',
    retention: new WeightedChoice([[years(20), 1], [years(10), 2]]),
    weight: 6,
  },
  {
    title: (c) => `Hồ sơ quyết toán ngân sách ${c.district} năm ${c.year}`,
    office: 'TCKH',
    retention: new WeightedChoice([[years(20), 1], [years(10), 2]]),
    weight: 7,
  },
  {
    title: (c) => `Sổ theo dõi công văn đến, đi năm ${c.year}`,
    office: 'VP',
    retention: new WeightedChoice([[years(20), 1], [years(10), 1], [years(5), 1]]),
    weight: 5,
  },
  {
    title: (c) => `Hồ sơ cán bộ, công chức ${c.formerCommune} năm ${c.year}`,
    office: 'NV',
    retention: new WeightedChoice([[years(70), 2], [years(50), 1]]),
    weight: 6,
  },
];

const TEMPLATE_CHOICE = new WeightedChoice(ARCHIVE_TEMPLATES.map((template) => [template, template.weight] as const));

export function archiveRecordKind(
  ctx: ArchiveTitleContext,
  random: () => number,
): { title: string; office: string; retention: Retention } {
  const template = TEMPLATE_CHOICE.pick(random);
  return { title: template.title(ctx, random), office: template.office, retention: template.retention.pick(random) };
}
