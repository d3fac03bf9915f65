// What the board needs to open again without a network (docs/architecture.md, "The board without a
// network"), shared by the service worker, which keeps it, and the pages, which keep what they
// loaded before the worker controlled them: a browser new to Zorgbeeld signs in and opens its
// first board on one page load, and that board must reopen in a basement too.

/** The cache of the last good answers the board opens with. */
export const DATA_CACHE = 'data';
/** Those answers: who is signed in, the incidents, one incident. */
export const KEPT_DATA = /^\/api\/(me|incidents|incidents\/[^/]+)$/;

/** How long a page fetches nothing before its first load is kept. */
const QUIET_MS = 1000;

/** What a page asks of the worker once it controls the page: keep these files and this page (null: told before). */
export interface KeepMessage {
  keep: { page: string | null; files: string[] };
}

/** Whether a worker answers (and keeps) this page's requests; false also where there are no workers. */
function controlled(): boolean {
  return typeof navigator !== 'undefined' && 'serviceWorker' in navigator && navigator.serviceWorker.controller !== null;
}

/**
 * For a read of `path` about to start: what keeps its good answer when no worker is in between (so
 * none keeps it), else null. Asked before the request, since a worker can take over meanwhile.
 * The worker keeps the same answers once it controls the page; a failure to keep only costs the
 * offline use.
 */
export function answerKeeper(path: string): ((response: Response) => void) | null {
  if (controlled() || typeof caches === 'undefined' || !KEPT_DATA.test(new URL(path, location.href).pathname)) return null;
  return (response) => {
    if (response.ok) void putInCache(DATA_CACHE, path, response.clone());
  };
}

/** Puts an answer into a cache (the worker's and the pages' one way); a failure to keep (storage full) only costs the offline use. */
export function putInCache(cacheName: string, key: RequestInfo, response: Response): Promise<void> {
  return caches
    .open(cacheName)
    .then((cache) => cache.put(key, response))
    .catch(() => undefined);
}

/**
 * Runs a sign-in. When no worker saw it, none kept who signed in (the worker asks `/api/me` after a
 * sign-in it passes, since the app does not ask again): then `/api/me` is read once more, and kept.
 */
export async function signingIn<T>(request: () => Promise<T>): Promise<T> {
  const seen = controlled();
  const result = await request();
  if (!seen) {
    const keep = answerKeeper('/api/me');
    void fetch('/api/me', { credentials: 'same-origin' })
      .then((response) => keep?.(response))
      .catch(() => undefined);
  }
  return result;
}

/**
 * On a page whose load no worker answered (a browser new to Zorgbeeld: the worker registers during
 * that load, and may take over before this runs): tells the worker, once it controls the page,
 * which page and which files reached this page without it, so that it keeps them. That includes
 * files that were on their way when it took over; later fetches pass through it.
 */
export function keepThisLoad(): void {
  if (typeof navigator === 'undefined' || !('serviceWorker' in navigator) || typeof PerformanceObserver === 'undefined') return;
  const load = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
  if (!load || load.workerStart > 0) return;
  let page: string | null = location.pathname;
  let files: string[] = [];
  const note = (entries: PerformanceEntryList) => {
    for (const entry of entries as PerformanceResourceTiming[]) {
      const url = new URL(entry.name);
      if (entry.workerStart === 0 && url.origin === location.origin) files.push(url.pathname);
    }
  };
  // Nothing noted since the last message: nothing to say (so a second call is harmless).
  const post = () => {
    const controller = navigator.serviceWorker.controller;
    if (!controller || (page === null && files.length === 0)) return;
    const message: KeepMessage = { keep: { page, files: [...new Set(files)] } };
    controller.postMessage(message);
    page = null;
    files = [];
  };
  // Once the page has fetched nothing for a while and has nothing else to do: keeping competes
  // with opening the board, and made the first opening about 0.2 s slower when it ran at once
  // (docs/benchmark-notes.md).
  let quiet: ReturnType<typeof setTimeout> | undefined;
  const tell = () => {
    clearTimeout(quiet);
    quiet = setTimeout(() => ('requestIdleCallback' in window ? requestIdleCallback(post, { timeout: 10000 }) : post()), QUIET_MS);
  };
  note(performance.getEntriesByType('resource'));
  new PerformanceObserver((list) => {
    note(list.getEntries());
    tell();
  }).observe({ type: 'resource' });
  if (controlled()) tell();
  else navigator.serviceWorker.addEventListener('controllerchange', tell, { once: true });
}
