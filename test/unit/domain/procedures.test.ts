import { describe, expect, it } from 'vitest';
import {
  PROCEDURES,
  isProcedureCode,
  normalizeProcedureCode,
  procedureByCode,
} from '../../../src/domain/procedures.js';

const REQUIRED: [string, string][] = [
  ['1.001193', 'Đăng ký khai sinh'],
  ['1.000689', 'Đăng ký khai sinh kết hợp nhận cha, mẹ, con'],
  ['1.003583', 'Đăng ký khai sinh lưu động'],
  ['1.004884', 'Đăng ký lại khai sinh'],
  ['1.000894', 'Đăng ký kết hôn'],
  ['1.004746', 'Đăng ký lại kết hôn'],
  ['1.004873', 'Cấp Giấy xác nhận tình trạng hôn nhân'],
  ['1.000656', 'Đăng ký khai tử'],
  ['1.005461', 'Đăng ký lại khai tử'],
  ['1.004859', 'Đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch, xác định lại dân tộc'],
  ['1.004837', 'Đăng ký giám hộ'],
  ['2.000635', 'Cấp bản sao trích lục hộ tịch'],
];

describe('PROCEDURES', () => {
  it.each(REQUIRED)('catalogues %s %s', (code, name) => {
    expect(procedureByCode(code)).toMatchObject({ code, name, field: 'Hộ tịch' });
  });

  it('holds each code once, every one a bare national code', () => {
    const codes = PROCEDURES.map((procedure) => procedure.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(normalizeProcedureCode(code)).toBe(code);
  });

  it('gives every procedure a whole, positive number of working days', () => {
    for (const procedure of PROCEDURES) {
      expect(Number.isInteger(procedure.processingWorkingDays), procedure.code).toBe(true);
      expect(procedure.processingWorkingDays, procedure.code).toBeGreaterThan(0);
    }
  });

  it('uses the legal time limits: 1 day for birth, marriage and death, 3 for marital-status certificates', () => {
    expect(procedureByCode('1.001193')?.processingWorkingDays).toBe(1);
    expect(procedureByCode('1.000894')?.processingWorkingDays).toBe(1);
    expect(procedureByCode('1.000656')?.processingWorkingDays).toBe(1);
    expect(procedureByCode('1.004873')?.processingWorkingDays).toBe(3);
    expect(procedureByCode('1.004884')?.processingWorkingDays).toBe(5);
  });
});

describe('isProcedureCode', () => {
  it.each(['1.001193', '2.000635', '3.000722', '1.001193.000.00.00.H56', '2.002621.H56', '1.004837.000.00.06.G15'])(
    'accepts %s',
    (code) => {
      expect(isProcedureCode(code)).toBe(true);
    },
  );

  it.each([
    ['1.00119', 'five digits'],
    ['1.0011930', 'seven digits'],
    ['0.001193', 'leading 0'],
    ['10.001193', 'two-digit group'],
    ['1-001193', 'hyphen'],
    ['1,001193', 'comma'],
    [' 1.001193', 'leading space'],
    ['1.001193 ', 'trailing space'],
    ['1.001193.H5', 'short suffix'],
    ['1.001193.h56', 'lowercase suffix'],
    ['1.001193.000.00.H56', 'incomplete agency id'],
    ['1.001193.', 'dangling dot'],
    ['１.001193', 'full-width digit'],
    ['', 'empty'],
  ])("rejects '%s' (%s)", (code) => {
    expect(isProcedureCode(code)).toBe(false);
  });
});

describe('normalizeProcedureCode', () => {
  it('strips a provincial suffix', () => {
    expect(normalizeProcedureCode('1.001193.000.00.00.H56')).toBe('1.001193');
    expect(normalizeProcedureCode('2.002621.H56')).toBe('2.002621');
  });

  it('keeps a bare code as it is', () => {
    expect(normalizeProcedureCode('1.001193')).toBe('1.001193');
  });

  it('returns null for anything that is not a procedure code', () => {
    expect(normalizeProcedureCode('1.00119')).toBeNull();
    expect(normalizeProcedureCode('khai sinh')).toBeNull();
  });
});

describe('procedureByCode', () => {
  it('finds a procedure by its suffixed provincial code', () => {
    expect(procedureByCode('1.001193.000.00.00.H56')?.name).toBe('Đăng ký khai sinh');
  });

  it('returns null for a well-formed code that is not catalogued', () => {
    expect(procedureByCode('2.002621')).toBeNull();
  });

  it('returns null for a malformed code', () => {
    expect(procedureByCode('1.001193 ')).toBeNull();
  });
});
