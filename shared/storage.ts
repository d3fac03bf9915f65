/** How an incident's log grows and whether it takes writes, as admins and the health check see it. */
export interface StorageStatus {
  incidentId: string;
  logBytes: number;
  /** Bytes appended in the last ten minutes and the last hour (since the room was loaded). */
  lastTenMinutesBytes: number;
  lastHourBytes: number;
  /** Who wrote most in the last hour, by bytes. */
  writers: { userId: string; bytes: number }[];
  fault: { code: string; since: string; failedWrites: number } | null;
  /** Events waiting in memory for the log to take writes again. */
  waitingEvents: number;
}
