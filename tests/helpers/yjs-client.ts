import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { waitFor } from './wait-for';

/** The stock y-websocket provider, connected as a signed-in user (cookie and Origin like a browser). */
export interface BoardClient {
  doc: Y.Doc;
  provider: WebsocketProvider;
  /** Close events the server sent ({code, reason}). */
  closes: { code: number; reason: string }[];
  synced(): Promise<void>;
  destroy(): void;
}

/** A WebSocket class for the provider that sends the session cookie and an Origin header. */
export function cookieWebSocket(cookie: string, origin: string): typeof WebSocket {
  return class extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { headers: { cookie, origin } });
    }
  } as typeof WebSocket;
}

/** Connects a stock WebsocketProvider to an incident's document. */
export function connectBoard(baseUrl: string, incidentId: string, cookie: string, { doc = new Y.Doc(), connect = true, params = {} as Record<string, string> } = {}): BoardClient {
  const closes: { code: number; reason: string }[] = [];
  // A stock provider listens for the process' exit (to take its awareness state along): one
  // listener per board client, so a test with a dozen clients at once is not a leak.
  process.setMaxListeners(process.getMaxListeners() + 1);
  let destroyed = false;
  const provider = new WebsocketProvider(baseUrl.replace(/^http/, 'ws') + '/yjs', incidentId, doc, {
    WebSocketPolyfill: cookieWebSocket(cookie, baseUrl) as never,
    disableBc: true,
    connect,
    maxBackoffTime: 200,
    params,
  });
  provider.on('connection-close', (event) => {
    if (event) closes.push({ code: event.code, reason: event.reason });
  });
  return {
    doc,
    provider,
    closes,
    synced: () => waitFor(() => provider.synced, { what: `sync of ${incidentId}` }).then(() => undefined),
    destroy: () => {
      if (destroyed) return;
      destroyed = true;
      process.setMaxListeners(process.getMaxListeners() - 1);
      provider.destroy();
    },
  };
}
