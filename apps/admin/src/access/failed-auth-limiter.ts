// Failed token attempts (a wrong API token, a refused login) per client address. Past
// `perMinute` failures in a minute the address is locked out for `lockoutMs`: every further wrong
// attempt answers 429 with Retry-After, and the lockout is not reset by waiting a minute. A right
// token is never slowed or refused (it is not a guess). rate-limiter-flexible keeps the counts and
// the block; its memory store drops keys as they expire.
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

export class FailedAuthLimiter {
  private readonly limiter: RateLimiterMemory;

  constructor(readonly options: { perMinute: number; lockoutMs: number }) {
    this.limiter = new RateLimiterMemory({
      points: options.perMinute,
      duration: 60,
      blockDuration: Math.ceil(options.lockoutMs / 1000),
    });
  }

  /** Counts one failure of `address`; resolves to the milliseconds it is locked out for (0: not locked). */
  async fail(address: string): Promise<number> {
    try {
      await this.limiter.consume(address);
      return 0;
    } catch (err) {
      if (err instanceof RateLimiterRes) return Math.max(1, err.msBeforeNext);
      throw err;
    }
  }
}
