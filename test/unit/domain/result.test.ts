import { describe, expect, it } from 'vitest';
import { err, ok, type Result } from '../../../src/domain/result.js';

describe('ok', () => {
  it('wraps a value in a successful result', () => {
    expect(ok(42)).toEqual({ ok: true, value: 42 });
  });
});

describe('err', () => {
  it('wraps an error in a failed result', () => {
    expect(err({ code: 'X', message: 'x is wrong' })).toEqual({ ok: false, error: { code: 'X', message: 'x is wrong' } });
  });

  it('lets a caller narrow a Result by its ok flag', () => {
    const results: Result<number, { code: string; message: string }>[] = [ok(1), err({ code: 'E', message: 'bad' })];
    const seen = results.map((result) => (result.ok ? `value ${result.value}` : `error ${result.error.code}`));
    expect(seen).toEqual(['value 1', 'error E']);
  });
});
