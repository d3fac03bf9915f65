/** Counts failures per key in a sliding window; pure apart from the clock it is given. */
export class FailureLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly options: { max: number; windowMs: number; now: () => number },
  ) {}

  private recent(key: string): number[] {
    const since = this.options.now() - this.options.windowMs;
    const times = (this.failures.get(key) ?? []).filter((t) => t > since);
    if (times.length === 0) this.failures.delete(key);
    else this.failures.set(key, times);
    return times;
  }

  /** Milliseconds until the key may try again; 0 when it may now. */
  retryAfter(key: string): number {
    const times = this.recent(key);
    if (times.length < this.options.max) return 0;
    return times[times.length - this.options.max] + this.options.windowMs - this.options.now();
  }

  /** Records one failure. */
  fail(key: string): void {
    const times = this.recent(key);
    times.push(this.options.now());
    this.failures.set(key, times);
  }

  /** Forgets a key's failures, after a success. */
  reset(key: string): void {
    this.failures.delete(key);
  }
}
