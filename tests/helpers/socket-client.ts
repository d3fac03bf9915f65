import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/wire';

/** A typed socket.io client as a signed-in browser tab would open it. */
export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Connects a real socket.io client with the session cookie and the server's own Origin. */
export function connectSocket(baseUrl: string, cookie: string, { origin = baseUrl, autoConnect = true } = {}): TestSocket {
  return io(baseUrl, {
    transports: ['websocket'],
    extraHeaders: { cookie, origin },
    reconnection: false,
    autoConnect,
    forceNew: true,
  });
}

/** Resolves once the socket is connected; rejects with the server's reason when it is refused. */
export function connected(socket: TestSocket): Promise<void> {
  if (socket.connected) return Promise.resolve();
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error) => reject(error));
  });
}
