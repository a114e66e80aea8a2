/**
 * A weighted draw that costs O(log n) per pick, so a million-dossier build stays linear in the
 * dossier count whatever the size of the tables it draws from.
 */
export class WeightedChoice<T> {
  private readonly items: readonly T[];
  private readonly cumulative: Float64Array;
  private readonly total: number;

  constructor(entries: readonly (readonly [T, number])[]) {
    if (entries.length === 0) throw new RangeError('a weighted choice needs at least one entry');
    this.items = entries.map(([item]) => item);
    this.cumulative = new Float64Array(entries.length);
    let sum = 0;
    entries.forEach(([, weight], index) => {
      if (!(weight >= 0)) throw new RangeError('weights must be non-negative numbers');
      sum += weight;
      this.cumulative[index] = sum;
    });
    if (sum <= 0) throw new RangeError('weights must not all be zero');
    this.total = sum;
  }

  pick(random: () => number): T {
    const target = random() * this.total;
    let low = 0;
    let high = this.cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.cumulative[middle] ?? 0) > target) high = middle;
      else low = middle + 1;
    }
    return this.items[low] as T;
  }
}

/** A uniform draw from a non-empty array. */
export function pickOne<T>(items: readonly T[], random: () => number): T {
  if (items.length === 0) throw new RangeError('cannot pick from an empty list');
  return items[Math.floor(random() * items.length)] as T;
}

/** An integer in [min, max], both included. */
export function intBetween(min: number, max: number, random: () => number): number {
  return min + Math.floor(random() * (max - min + 1));
}
