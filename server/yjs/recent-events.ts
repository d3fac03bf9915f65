/**
 * Counts events per key (a user) within a sliding window: how many refusals or rebuilds one user
 * caused in the last minute. Keys with nothing recent are forgotten as they are looked at.
 */
export class RecentEvents {
  private readonly times = new Map<string, number[]>();

  constructor(
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** How many events of `key` fall within the window now. */
  count(key: string): number {
    const since = this.now() - this.windowMs;
    const recent = (this.times.get(key) ?? []).filter((t) => t > since);
    if (recent.length === 0) this.times.delete(key);
    else this.times.set(key, recent);
    return recent.length;
  }

  /** Notes one event of `key` now. */
  add(key: string): void {
    this.times.set(key, [...(this.times.get(key) ?? []), this.now()]);
  }
}
