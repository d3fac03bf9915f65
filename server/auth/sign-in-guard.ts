/** Limits of sign-in throttling. */
export interface SignInLimits {
  /** Failures forgiven after this long without another. */
  windowMs: number;
  /** Failures of one account from one device or address before delays start. */
  freePerPair: number;
  /** Failures of one account from devices and addresses it never signed in from. */
  freePerAccount: number;
  /** Failures from one address, whichever accounts, before delays start (password spraying). */
  freePerAddress: number;
  /** The first delay; each failure beyond the free ones doubles it. */
  baseDelayMs: number;
  maxDelayMs: number;
}

/** The defaults: a mistyped password a few times costs nothing; guessing soon waits minutes. */
export const DEFAULT_SIGN_IN_LIMITS: SignInLimits = {
  windowMs: 60 * 60 * 1000,
  freePerPair: 5,
  freePerAccount: 10,
  freePerAddress: 20,
  baseDelayMs: 1000,
  maxDelayMs: 15 * 60 * 1000,
};

/** One sign-in attempt as the guard sees it. */
export interface SignInAttempt {
  /** The username as typed, lower case. */
  account: string;
  address: string;
  /** The hashed device token, when the device is one the account signed in from before. */
  knownDevice?: string;
  /** Whether the account signed in from this address before. */
  knownAddress: boolean;
}

const MAX_KEYS = 50000;

/**
 * Sign-in throttling that cannot lock a user out: failures are counted per account and device
 * (or address), per address and per account, with delays that double after a few free
 * failures. Failures made elsewhere do not slow down a device or address the user signed in
 * from before: only that device's (or address's) own failures do. Pure apart from the clock.
 */
export class SignInGuard {
  private readonly failures = new Map<string, { count: number; last: number }>();

  constructor(
    private readonly limits: SignInLimits,
    private readonly now: () => number,
  ) {}

  /** The counters an attempt is measured by, with the failures each forgives. */
  private keysOf(attempt: SignInAttempt): [string, number][] {
    const pair: [string, number] = [`pair:${attempt.account}|${attempt.knownDevice ? `device:${attempt.knownDevice}` : `address:${attempt.address}`}`, this.limits.freePerPair];
    if (attempt.knownDevice) return [pair];
    const address: [string, number] = [`address:${attempt.address}`, this.limits.freePerAddress];
    if (attempt.knownAddress) return [pair, address];
    return [pair, address, [`account:${attempt.account}`, this.limits.freePerAccount]];
  }

  private entry(key: string): { count: number; last: number } | undefined {
    const entry = this.failures.get(key);
    if (entry && this.now() - entry.last > this.limits.windowMs) {
      this.failures.delete(key);
      return undefined;
    }
    return entry;
  }

  /** Milliseconds until the attempt may be made; 0 when it may now. */
  wait(attempt: SignInAttempt): number {
    let wait = 0;
    for (const [key, free] of this.keysOf(attempt)) {
      const entry = this.entry(key);
      if (!entry || entry.count < free) continue;
      const delay = Math.min(this.limits.maxDelayMs, this.limits.baseDelayMs * 2 ** (entry.count - free));
      wait = Math.max(wait, entry.last + delay - this.now());
    }
    return wait;
  }

  /** Counts a failed attempt. */
  fail(attempt: SignInAttempt): void {
    for (const [key] of this.keysOf(attempt)) {
      const entry = this.entry(key) ?? { count: 0, last: 0 };
      entry.count++;
      entry.last = this.now();
      // Most recent last, so that the oldest counter goes first when the map is full.
      this.failures.delete(key);
      this.failures.set(key, entry);
    }
    while (this.failures.size > MAX_KEYS) this.failures.delete(this.failures.keys().next().value!);
  }

  /** Forgets the failures of this account from this device or address; those made elsewhere still count. */
  succeeded(attempt: SignInAttempt): void {
    this.failures.delete(this.keysOf(attempt)[0][0]);
  }
}
