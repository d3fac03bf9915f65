/**
 * The server's tunables with their defaults, in one place (README, "Configuration"): the
 * factories take an override in their options and fall back to these. It imports nothing, so
 * every module may import it. Limits that are objects of their own keep their named defaults
 * beside the code that applies them: DEFAULT_SIGN_IN_LIMITS (auth/sign-in-guard.ts),
 * DEFAULT_WRITE_BUDGET and REBUILD_BUDGET (yjs/write-budget.ts, yjs/incident-room.ts),
 * DEFAULT_LINK_GUARD (reach/answer-page.ts), DEFAULT_RETRY (reach/outbox.ts).
 */

export const DEFAULTS = {
  /** How long a session lasts without signing in again. */
  sessionTtlMs: 12 * 3600 * 1000,
  /** A room with nobody on it is unloaded after this long (its log stays). */
  roomIdleMs: 60000,
  /** A room being loaded waits at most this long for a joining client's sync step 1, to answer it from the stored state. */
  earlyStateWaitMs: 250,
  /** A stopping server waits at most this long for the requests in flight before it closes the boards. */
  stopDrainMs: 5000,
  /** Report changes recorded and sent before they are applied (held) are applied right after, unless applying them took this long (ms) the last time... */
  heldUpdatesCostlyMs: 0.5,
  /** ...then they wait at least this long for more, to be applied together in one Yjs transaction... */
  heldUpdatesMs: 20,
  /** ...and longer when applying is costly: so long that applying takes about this share of the time... */
  heldUpdatesShare: 0.02,
  /** ...but never longer than this. */
  heldUpdatesMaxMs: 1000,
  /** A checkpoint of the whole state after this many updates. */
  checkpointEvery: 1000,
  /** While an incident's log cannot be written, how often writing is tried again. */
  storageRetryMs: 2000,
  /** A Yjs socket with more than this waiting to be sent is too slow and is disconnected. */
  yjsMaxBufferedBytes: 16 * 1024 * 1024,
  /** Open Yjs or socket.io connections from one address. */
  maxConnectionsPerAddress: 300,
  /** Refused writes per user in a minute after which its joins of boards wait (4530, retryable): each join costs the document's state. */
  yjsRefusalsPerMinute: 10,
  /** Ping of every Yjs socket; one that did not answer the last is closed. */
  yjsHeartbeatMs: 30000,
  /** Minutes without an answer before an alert is sent again on every channel. */
  escalateAfterMin: 5,
  /** How often the escalation looks for alerts whose time has come. */
  escalationTickMs: 5000,
  /** While the servers' bus (Redis) is down, how often a loaded board asks the shared log for what other servers committed. */
  sharedPollMs: 2000,
  /** A turn's records up to this size (payloads together) go to the other servers on the bus, which then need not read them from the database; larger ones (a checkpoint) are read there. */
  busRecordsMaxBytes: 64 * 1024,
  /** How often the outbox looks for messages due (retries). */
  outboxTickMs: 1000,
} as const;
