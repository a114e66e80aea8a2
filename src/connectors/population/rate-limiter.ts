export interface RateLimit {
  /** Tokens added per second: the sustained request rate. */
  perSecond: number;
  /** Bucket size: requests allowed at once after a quiet spell. */
  burst: number;
}

export type TakeResult = { ok: true } | { ok: false; retryAfterSeconds: number };

/**
 * A token bucket, as the population database's gateway meters each integrating system: a
 * request takes one token; without one it is refused with the time until the next token.
 */
export class TokenBucket {
  private tokens: number;
  private refilledAt: number;

  constructor(
    readonly limit: RateLimit,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(limit.perSecond > 0) || !(limit.burst >= 1)) throw new RangeError('a rate limit needs perSecond > 0 and burst >= 1');
    this.tokens = limit.burst;
    this.refilledAt = now();
  }

  take(): TakeResult {
    this.refill();
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: (1 - this.tokens) / this.limit.perSecond };
  }

  private refill(): void {
    const now = this.now();
    const elapsedSeconds = Math.max(0, now - this.refilledAt) / 1_000;
    this.tokens = Math.min(this.limit.burst, this.tokens + elapsedSeconds * this.limit.perSecond);
    this.refilledAt = now;
  }
}
