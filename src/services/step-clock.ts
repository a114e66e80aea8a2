/**
 * Milliseconds spent in each named step of one piece of work, for the line that logs its end:
 * operators see where a reconciliation run spent its time without a profiler.
 */
export class StepClock {
  private readonly spent: Record<string, number> = {};
  private last = performance.now();

  /** Ends the step under way as `name` (adding to it when it ran before) and starts the next. */
  lap(name: string): void {
    const now = performance.now();
    this.spent[name] = Math.round((this.spent[name] ?? 0) + now - this.last);
    this.last = now;
  }

  get steps(): Readonly<Record<string, number>> {
    return this.spent;
  }
}
