/**
 * Ethnic-group codes (mã dân tộc, GSO list; '01' Kinh) with a plausible demo share per province:
 * Khmer and Hoa communities in Cà Mau and Bạc Liêu; Hrê, Xơ Đăng, Ba Na, Co and Giẻ Triêng in
 * Quảng Ngãi and the former Kon Tum. Shares are illustrative, not census figures.
 */
export const ETHNIC_MIX: Readonly<Record<string, readonly (readonly [string, number])[]>> = {
  '96': [
    ['01', 93],
    ['05', 5],
    ['04', 2],
  ],
  '51': [
    ['01', 85],
    ['19', 7],
    ['14', 4],
    ['13', 2],
    ['30', 1],
    ['27', 1],
  ],
};

/** Provinces without an entry above get Kinh residents only. */
export const DEFAULT_ETHNIC_MIX: readonly (readonly [string, number])[] = [['01', 1]];
