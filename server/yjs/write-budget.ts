/** Limits of the write budget: a bucket of bytes per user that refills at a steady rate. */
export interface WriteBudgetLimits {
  /** Bytes a user may send at once, from a full bucket. */
  burstBytes: number;
  /** Bytes per second the bucket refills. */
  bytesPerSecond: number;
}

/**
 * The budget, measured against real use: a coordinator reporting 50 locations within a minute,
 * every one with the longest remarks (2,000 characters), sends about 120 KB; GHOR typing the
 * situation picture sends a few hundred bytes a second. 1 MiB at once and 16 KiB a second
 * after that (almost 1 MiB a minute) leaves that far inside, while one user can no longer fill
 * a disk at tens of MiB a second.
 */
export const DEFAULT_WRITE_BUDGET: WriteBudgetLimits = { burstBytes: 1024 * 1024, bytesPerSecond: 16 * 1024 };

/**
 * Token buckets of accepted update bytes per user, shared by every incident. A user whose bucket
 * is empty is refused before the next update is applied; accepted updates are charged after
 * the fact, so one update may take the bucket below zero and the refill pays it back.
 */
export class WriteBudget {
  private readonly buckets = new Map<string, { level: number; at: number }>();

  constructor(
    private readonly limits: WriteBudgetLimits,
    private readonly now: () => number,
  ) {}

  private bucket(userId: string): { level: number; at: number } {
    const now = this.now();
    const bucket = this.buckets.get(userId) ?? { level: this.limits.burstBytes, at: now };
    bucket.level = Math.min(this.limits.burstBytes, bucket.level + ((now - bucket.at) / 1000) * this.limits.bytesPerSecond);
    bucket.at = now;
    this.buckets.set(userId, bucket);
    return bucket;
  }

  /** Whether the user may write now. */
  allows(userId: string): boolean {
    return this.bucket(userId).level > 0;
  }

  /** Charges an accepted update of `bytes` to the user. */
  charge(userId: string, bytes: number): void {
    const bucket = this.bucket(userId);
    bucket.level -= bytes;
    // A full bucket says nothing a new one would not: keep the map as small as the active writers.
    if (bucket.level >= this.limits.burstBytes) this.buckets.delete(userId);
  }

  /** The limits, for admins. */
  get settings(): WriteBudgetLimits {
    return { ...this.limits };
  }
}
