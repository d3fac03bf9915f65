import { memoryCounters, type Counters } from './counters';

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

/**
 * Sign-in throttling that cannot lock a user out: failures are counted per account and device
 * (or address), per address and per account, with delays that double after a few free
 * failures. Failures made elsewhere do not slow down a device or address the user signed in
 * from before: only that device's (or address's) own failures do. Pure apart from the clock
 * and where the counters live.
 */
export class SignInGuard {
  constructor(
    private readonly limits: SignInLimits,
    private readonly now: () => number,
    private readonly counters: Counters = memoryCounters(),
  ) {}

  /** The counters an attempt is measured by, with the failures each forgives. */
  private keysOf(attempt: SignInAttempt): [string, number][] {
    const pair: [string, number] = [`pair:${attempt.account}|${attempt.knownDevice ? `device:${attempt.knownDevice}` : `address:${attempt.address}`}`, this.limits.freePerPair];
    if (attempt.knownDevice) return [pair];
    const address: [string, number] = [`address:${attempt.address}`, this.limits.freePerAddress];
    if (attempt.knownAddress) return [pair, address];
    return [pair, address, [`account:${attempt.account}`, this.limits.freePerAccount]];
  }

  /** Milliseconds until the attempt may be made; 0 when it may now. */
  async wait(attempt: SignInAttempt): Promise<number> {
    const keys = this.keysOf(attempt);
    const now = this.now();
    const found = await this.counters.read(
      keys.map(([key]) => key),
      this.limits.windowMs,
    );
    let wait = 0;
    for (const [key, free] of keys) {
      const entry = found.get(key);
      if (!entry || now - entry.last > this.limits.windowMs || entry.count < free) continue;
      const delay = Math.min(this.limits.maxDelayMs, this.limits.baseDelayMs * 2 ** (entry.count - free));
      wait = Math.max(wait, entry.last + delay - now);
    }
    return wait;
  }

  /** Counts a failed attempt. */
  async fail(attempt: SignInAttempt): Promise<void> {
    await this.counters.add(
      this.keysOf(attempt).map(([key]) => key),
      this.now(),
      this.limits.windowMs,
    );
  }

  /** Forgets the failures of this account from this device or address; those made elsewhere still count. */
  async succeeded(attempt: SignInAttempt): Promise<void> {
    await this.counters.forget(this.keysOf(attempt)[0][0]);
  }
}
