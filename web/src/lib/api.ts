import type { ApiError } from '$shared/result';
import { i18n } from './i18n.svelte';
import { answerKeeper } from './offline-copy';

/** A failed API call, with the server's sentence in the user's language. */
export class ApiFailure extends Error {
  override name = 'ApiFailure';

  constructor(
    readonly status: number,
    readonly error: ApiError,
  ) {
    super(error.message);
  }
}

/** Calls the JSON API; returns `data` or throws {@link ApiFailure} with a sentence to show. */
export async function api<T>(path: string, { method = 'GET', body, raw }: { method?: string; body?: unknown; raw?: BodyInit } = {}): Promise<T> {
  let response: Response;
  const keep = method === 'GET' ? answerKeeper(`/api${path}`) : null;
  try {
    response = await fetch(`/api${path}`, {
      method,
      headers: {
        'Accept-Language': i18n.lang,
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      body: raw ?? (body !== undefined ? JSON.stringify(body) : undefined),
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiFailure(0, { code: 'internal', message: i18n.t('offlineError') });
  }
  keep?.(response);
  const payload = (await response.json().catch(() => null)) as { data?: T; error?: ApiError } | null;
  if (!response.ok || !payload || payload.error) {
    throw new ApiFailure(response.status, payload?.error ?? { code: 'internal', message: i18n.t('offlineError') });
  }
  return payload.data as T;
}

/** The sentence to show for any error thrown by {@link api}. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiFailure) {
    const details = error.error.details?.map((d) => (d.path ? `${d.path}: ${d.message}` : d.message)) ?? [];
    return details.length > 1 ? `${error.message} (${details.slice(1, 6).join('; ')})` : error.message;
  }
  return i18n.t('offlineError');
}
