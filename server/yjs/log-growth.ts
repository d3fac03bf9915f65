import type { StorageStatus } from '../../shared/storage';

export type { StorageStatus };

const MINUTE = 60000;

/** Bytes appended to one log per minute and per user, for the last hour. */
export class LogGrowth {
  private readonly minutes: { minute: number; bytes: number; byUser: Map<string, number> }[] = [];

  /** Counts bytes appended at `time` by a user. */
  add(time: number, userId: string, bytes: number): void {
    const minute = Math.floor(time / MINUTE);
    let last = this.minutes[this.minutes.length - 1];
    if (!last || last.minute !== minute) {
      last = { minute, bytes: 0, byUser: new Map() };
      this.minutes.push(last);
      while (this.minutes.length > 0 && this.minutes[0].minute <= minute - 60) this.minutes.shift();
    }
    last.bytes += bytes;
    last.byUser.set(userId, (last.byUser.get(userId) ?? 0) + bytes);
  }

  /** Totals for the last ten minutes and hour before `time`, and the five biggest writers. */
  summary(time: number): Pick<StorageStatus, 'lastTenMinutesBytes' | 'lastHourBytes' | 'writers'> {
    const minute = Math.floor(time / MINUTE);
    let lastTenMinutesBytes = 0;
    let lastHourBytes = 0;
    const byUser = new Map<string, number>();
    for (const entry of this.minutes) {
      if (entry.minute <= minute - 60) continue;
      lastHourBytes += entry.bytes;
      if (entry.minute > minute - 10) lastTenMinutesBytes += entry.bytes;
      for (const [user, bytes] of entry.byUser) byUser.set(user, (byUser.get(user) ?? 0) + bytes);
    }
    const writers = [...byUser].map(([userId, bytes]) => ({ userId, bytes })).sort((a, b) => b.bytes - a.bytes).slice(0, 5);
    return { lastTenMinutesBytes, lastHourBytes, writers };
  }
}
