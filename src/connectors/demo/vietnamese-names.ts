/**
 * Name parts for demo citizens: họ (family name), chữ đệm (middle name) and tên (given name).
 * Family-name weights follow the commonly cited shares (Nguyễn ≈ 38%, Trần ≈ 11%, Lê ≈ 9.5%…);
 * the rest is a plausible spread, not a statistic.
 */
export const FAMILY_NAMES: readonly (readonly [string, number])[] = [
  ['Nguyễn', 38],
  ['Trần', 11],
  ['Lê', 9.5],
  ['Phạm', 7],
  ['Huỳnh', 4],
  ['Hoàng', 1.5],
  ['Phan', 4.5],
  ['Võ', 3.5],
  ['Vũ', 1],
  ['Đặng', 2],
  ['Bùi', 2],
  ['Đỗ', 1.4],
  ['Hồ', 1.3],
  ['Ngô', 1.3],
  ['Dương', 1],
  ['Lý', 0.5],
  ['Trương', 1.2],
  ['Đinh', 0.8],
  ['Lâm', 0.8],
  ['Châu', 0.5],
  ['Thạch', 0.4],
  ['Danh', 0.3],
];

export const MIDDLE_NAMES = {
  MALE: ['Văn', 'Văn', 'Văn', 'Minh', 'Hữu', 'Đức', 'Quốc', 'Thanh', 'Công', 'Hoàng', 'Ngọc', 'Tấn', 'Trung'],
  FEMALE: ['Thị', 'Thị', 'Thị', 'Ngọc', 'Thu', 'Thanh', 'Kim', 'Mỹ', 'Bích', 'Hồng', 'Thúy', 'Phương'],
} as const;

export const GIVEN_NAMES = {
  MALE: [
    'Hùng', 'Dũng', 'Tuấn', 'Nam', 'Phúc', 'Long', 'Khoa', 'Bảo', 'Hải', 'Sơn', 'Trung', 'Tâm', 'Nghĩa',
    'Quang', 'Thành', 'Phong', 'Tài', 'Lộc', 'Toàn', 'Hiếu', 'Khánh', 'Thắng', 'Vinh', 'Cường', 'Đạt',
  ],
  FEMALE: [
    'Lan', 'Hoa', 'Hương', 'Mai', 'Linh', 'Trang', 'Thảo', 'Nhung', 'Hạnh', 'Hằng', 'Yến', 'Ngân', 'Vy',
    'Nhi', 'Thủy', 'Hà', 'Loan', 'Diễm', 'Trinh', 'Xuân', 'Oanh', 'Phượng', 'Tuyết', 'My', 'Quyên',
  ],
} as const;
