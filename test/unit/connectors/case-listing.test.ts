import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../src/connectors/simulator-kit.js';
import { CaseListing } from '../../../src/connectors/specialized/case-listing.js';

interface Case {
  caseId: string;
  updatedAtMs: number;
}

/** The listing as a plain sorted array: slow, obviously right. */
function naivePage(cases: readonly Case[], sinceMs: number, offset: number, count: number): { ids: string[]; total: number } {
  const after = [...cases]
    .sort((a, b) => a.updatedAtMs - b.updatedAtMs || (a.caseId < b.caseId ? -1 : a.caseId > b.caseId ? 1 : 0))
    .filter((item) => item.updatedAtMs > sinceMs);
  return { ids: after.slice(offset, offset + count).map((item) => item.caseId), total: after.length };
}

describe('CaseListing', () => {
  it('pages exactly like a sorted array while cases keep moving to the end', () => {
    const random = seededRandom(7);
    const cases: Case[] = Array.from({ length: 300 }, (_, index) => ({
      caseId: `HT-2026-${String(index).padStart(7, '0')}`,
      // Few distinct stamps, so many cases share one.
      updatedAtMs: 1_000 + Math.floor(random() * 20) * 1_000,
    }));
    const listing = new CaseListing(cases);
    let clock = 100_000;
    for (let round = 0; round < 400; round += 1) {
      const moved = cases[Math.floor(random() * cases.length)] as Case;
      clock += Math.floor(random() * 3) + 1;
      moved.updatedAtMs = clock;
      listing.moveToEnd(moved);

      const sinceMs = [Number.NEGATIVE_INFINITY, 5_000, 12_000, 100_000, clock - 5][round % 5] ?? 0;
      const offset = Math.floor(random() * 320);
      const count = 1 + Math.floor(random() * 40);
      const page = listing.page(sinceMs, offset, count);
      expect({ ids: page.items.map((item) => item.caseId), total: page.total }).toEqual(
        naivePage(cases, sinceMs, offset, count),
      );
    }
    expect(listing.size).toBe(cases.length);
  });

  it('grows past its first capacity without losing a case', () => {
    const cases: Case[] = [{ caseId: 'HT-2026-0000001', updatedAtMs: 1 }];
    const listing = new CaseListing(cases);
    const only = cases[0] as Case;
    for (let stamp = 2; stamp < 200; stamp += 1) {
      only.updatedAtMs = stamp;
      listing.moveToEnd(only);
    }
    expect(listing.page(Number.NEGATIVE_INFINITY, 0, 10)).toEqual({ items: [only], total: 1 });
    expect(listing.page(199, 0, 10)).toEqual({ items: [], total: 0 });
  });
});
