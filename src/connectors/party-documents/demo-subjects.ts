import { pickOne } from '../demo/weighted-choice.js';

/** Subjects (trích yếu) of party documents. Plausible wording, not quotations of real documents. */
const TOPICS = [
  'công tác xây dựng Đảng và hệ thống chính trị',
  'vận hành chính quyền địa phương hai cấp',
  'công tác kiểm tra, giám sát và thi hành kỷ luật đảng',
  'công tác phát triển đảng viên',
  'công tác dân vận',
  'chuyển đổi số trong các cơ quan đảng',
  'phòng, chống tham nhũng, lãng phí, tiêu cực',
  'công tác cán bộ và bảo vệ chính trị nội bộ',
  'học tập, quán triệt các nghị quyết của Trung ương',
  'công tác bảo vệ bí mật nhà nước',
  'bảo đảm quốc phòng, an ninh trên địa bàn',
  'xây dựng nông thôn mới',
  'tiếp công dân, giải quyết khiếu nại, tố cáo',
  'sắp xếp, kiện toàn tổ chức bộ máy',
  'công tác thi đua, khen thưởng',
  'lưu trữ hồ sơ, tài liệu của các đảng bộ huyện đã kết thúc hoạt động',
  'phát triển kinh tế - xã hội và chăm lo đời sống nhân dân',
  'công tác tuyên truyền kỷ niệm các ngày lễ lớn',
] as const;

export interface SubjectContext {
  unit: string;
  year: number;
  month: number;
  quarter: number;
}

type Template = (topic: string, ctx: SubjectContext) => string;

/** Templates by PARTY_DOCUMENT_TYPES key. */
const TEMPLATES: Readonly<Record<string, readonly Template[]>> = {
  '1': [
    (t, c) => `về lãnh đạo ${t} của ${c.unit} giai đoạn 2026 - 2030`,
    (t) => `về tăng cường ${t} trong tình hình mới`,
  ],
  '2': [
    (t) => `về việc thành lập Tổ công tác về ${t}`,
    (_t, c) => `về việc ban hành Quy chế làm việc của Ban Chấp hành Đảng bộ ${c.unit} nhiệm kỳ 2025 - 2030`,
    () => 'về việc điều động, phân công cán bộ',
    () => 'về việc thi hành kỷ luật đảng viên',
    () => 'về việc chuẩn y kết quả bầu cử',
  ],
  '3': [(t) => `về tăng cường sự lãnh đạo của Đảng đối với ${t}`],
  '4': [(t, c) => `của Ban Thường vụ về ${t} ${c.quarter === 4 ? 'năm' : 'quý ' + String(c.quarter) + ' năm'} ${c.year}`],
  '5': [() => 'về phân cấp quản lý cán bộ', (t) => `về trách nhiệm của người đứng đầu trong ${t}`],
  '6': [(t) => `về ${t}`],
  '7': [(t) => `thực hiện ${t}`, (t) => `một số nội dung về ${t}`],
  '8': [(t, c) => `triển khai ${t} năm ${c.year}`, (_t, c) => `kiểm tra, giám sát quý ${c.quarter}/${c.year}`],
  '9': [(t, c) => `kết quả ${t} tháng ${c.month}/${c.year}`, (_t, c) => `tình hình công tác quý ${c.quarter}/${c.year}`],
  '10': [(t) => `kết luận của Thường trực về ${t}`, () => 'lịch làm việc của Thường trực'],
  '11': [(t) => `V/v triển khai ${t}`, (t) => `V/v báo cáo ${t}`],
};

export function partySubject(type: string, ctx: SubjectContext, random: () => number): string {
  const template = pickOne(TEMPLATES[type] ?? TEMPLATES['11'] ?? [], random);
  return template(pickOne(TOPICS, random), ctx);
}
