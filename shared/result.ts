/** Stable error codes every API answer and socket ack may carry. */
export const ERROR_CODES = [
  'bad-request',
  'unauthenticated',
  'forbidden',
  'not-found',
  'conflict',
  'rate-limited',
  'payload-too-large',
  'invalid-import',
  'store-failure',
  'storage-unavailable',
  'incident-data-missing',
  'gone',
  'server-stopping',
  'internal',
] as const;

/** One stable error code. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** An error as clients receive it: a stable code and a sentence a person can act on. */
export interface ApiError {
  code: ErrorCode;
  message: string;
  /** Per-field or per-row details, when the input had several problems. */
  details?: { path: string; message: string }[];
}

/** The shape of every typed acknowledgement and API answer. */
export type Result<T> = { data: T } | { error: ApiError };
