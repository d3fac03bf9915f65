import type { IncomingMessage, Server as HttpServer } from 'node:http';
import { Server, type ServerOptions, type Socket } from 'socket.io';
import { checkAckInput, checkAlertInput } from '../../shared/alert';
import type { Result } from '../../shared/result';
import { languageFromHeader, text } from '../../shared/text';
import type { ClientToServerEvents, OnlineUser, ServerToClientEvents } from '../../shared/wire';
import { AddressCounter } from '../auth/address-counter';
import type { Sessions } from '../auth/sessions';
import { HttpError, invalidInput, toApiError } from '../http/http-error';
import type { StoredUser } from '../store/store';
import type { AlertService } from './alert-service';

interface SocketData {
  user: StoredUser;
  sessionId: string;
  receivesAlerts: boolean;
}

type AlertSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

const GHOR_ROOM = 'ghor';
const orgRoom = (organisationId: string) => `org:${organisationId}`;
const orgAllRoom = (organisationId: string) => `org-all:${organisationId}`;

/**
 * socket.io for server-authoritative events: alerts, acknowledgements (typed acks returning
 * Result<T>), presence. Origin and session are checked at the handshake.
 */
export function attachAlertSocket({
  httpServer,
  sessions,
  alerts,
  isAllowedOrigin,
  log,
  maxConnectionsPerAddress = 300,
  adapter,
}: {
  httpServer: HttpServer;
  sessions: Sessions;
  alerts: AlertService;
  isAllowedOrigin: (req: IncomingMessage) => boolean;
  log: (message: string) => void;
  /** Engine.io sessions one address may hold at once. */
  maxConnectionsPerAddress?: number;
  /** socket.io's adapter between several servers (Redis); unset: this server alone. */
  adapter?: ServerOptions['adapter'];
}): { io: Server; close(): Promise<void> } {
  const io = new Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>(httpServer, {
    serveClient: false,
    ...(adapter ? { adapter } : {}),
    // The Yjs endpoint shares the HTTP server: leave upgrades of other paths alone.
    destroyUpgrade: false,
    maxHttpBufferSize: 64 * 1024,
    // Sessions before sockets: an engine.io session (polling or websocket) is opened only for a
    // signed-in user from an allowed origin, and an address holds a bounded number of them.
    allowRequest: (req, callback) => {
      admit(req).then(
        (refusal) => callback(refusal ?? null, refusal === undefined),
        (error: unknown) => {
          log(`socket.io handshake check failed: ${(error as Error)?.message ?? String(error)}`);
          callback('server error', false);
        },
      );
    },
  });
  const perAddress = new AddressCounter(maxConnectionsPerAddress);
  io.engine.on('connection', (engineSocket: { request: IncomingMessage; once(event: 'close', listener: () => void): void }) => {
    const address = engineSocket.request.socket.remoteAddress ?? '';
    perAddress.add(address);
    engineSocket.once('close', () => perAddress.remove(address));
  });

  async function admit(req: IncomingMessage): Promise<string | undefined> {
    if (!isAllowedOrigin(req)) return 'origin not allowed';
    if (perAddress.full(req.socket.remoteAddress ?? '')) return 'too many connections from this address';
    if (!(await sessions.resolve(req.headers.cookie))) return 'unauthenticated';
    return undefined;
  }

  io.use((socket, next) => {
    const refuse = (code: string) => {
      const error = new Error(code) as Error & { data?: unknown };
      error.data = { code };
      next(error);
    };
    (async () => {
      const found = await sessions.resolve(socket.request.headers.cookie);
      if (!found) return refuse('unauthenticated');
      socket.data.user = found.user;
      socket.data.sessionId = found.sessionId;
      socket.once('disconnect', sessions.endAtExpiry(found));
      socket.data.receivesAlerts = await alerts.receivesAlerts(found.user);
      next();
    })().catch((error: unknown) => {
      log(`socket.io connect failed: ${(error as Error)?.stack ?? String(error)}`);
      refuse('internal');
    });
  });

  // A session that ends disconnects its sockets at once.
  sessions.onEnd((ids) => {
    const ended = new Set(ids);
    for (const socket of io.of('/').sockets.values() as Iterable<AlertSocket>) if (ended.has(socket.data.sessionId)) socket.disconnect(true);
  });

  // Who is online on any server: socket.io asks the others through the adapter (Redis), so the
  // GHOR sees every coordinator wherever the balancer put them.
  const online = async (): Promise<OnlineUser[]> => {
    const seen = new Map<string, OnlineUser>();
    for (const socket of await io.fetchSockets()) {
      const data = socket.data as AlertSocket['data'];
      const user = data.user;
      if (user && !seen.has(user.id)) {
        seen.set(user.id, { userId: user.id, displayName: user.displayName, role: user.role, organisationId: user.organisationId, receivesAlerts: data.receivesAlerts });
      }
    }
    return [...seen.values()];
  };
  // Once closing, nothing more is emitted: with several servers each emit is a publish on Redis,
  // whose connection closes right after this (an emit then would reject where nobody catches it;
  // the sockets disconnecting on close would each start a presence count).
  let stopped = false;
  // One count at a time: connections that come and go meanwhile are in the next one.
  let counting = false;
  let again = false;
  const announcePresence = (): void => {
    if (stopped) return;
    if (counting) {
      again = true;
      return;
    }
    counting = true;
    again = false;
    online()
      .then((users) => void (stopped || io.to(GHOR_ROOM).emit('presence', users)))
      .catch((error: Error) => log(`presence: counting who is online failed: ${error.message}`))
      .finally(() => {
        counting = false;
        if (again) announcePresence();
      });
  };
  const fail = (socket: AlertSocket, error: unknown): Result<never> => {
    const lang = languageFromHeader(socket.request.headers['accept-language']);
    if (error instanceof HttpError) return { error: toApiError(error, lang) };
    log(`socket error for ${socket.data.user?.username}: ${(error as Error)?.stack ?? String(error)}`);
    return { error: toApiError(new HttpError(500, 'internal', text('Er ging iets mis op de server; probeer het opnieuw.', 'Something went wrong on the server; please try again.')), lang) };
  };

  alerts.listen({
    sent(status, notice) {
      if (stopped) return;
      const rooms = status.alert.organisationIds.map(orgRoom);
      io.to(rooms).emit('alert', notice);
      io.to(GHOR_ROOM).emit('alert:status', status);
      // Delivered in the app to the organisations with a coordinator online, on any server.
      io.in(rooms)
        .fetchSockets()
        .then((sockets) => {
          const online = new Set(sockets.flatMap((socket) => [...socket.rooms]));
          const reached = status.alert.organisationIds.filter((id) => online.has(orgRoom(id)));
          if (reached.length > 0) delivered(status.alert.id, reached);
        })
        .catch((error: Error) => log(`alert ${status.alert.id}: who is online could not be asked (${error.message}); its deliveries in the app are not recorded`));
    },
    changed(status) {
      if (stopped) return;
      io.to(GHOR_ROOM).emit('alert:status', status);
    },
    acked(ack, status) {
      if (stopped) return;
      io.to(GHOR_ROOM).emit('alert:status', status);
      io.to(orgAllRoom(ack.organisationId)).emit('alert:acked', ack);
    },
    withdrawn(withdrawn, organisationIds) {
      if (stopped || organisationIds.length === 0 || withdrawn.alertIds.length === 0) return;
      io.to(organisationIds.map(orgRoom)).emit('alerts:withdrawn', withdrawn);
    },
    connected(coordinatorId) {
      for (const socket of io.of('/').sockets.values() as Iterable<AlertSocket>) {
        if (socket.data.user.coordinatorId !== coordinatorId || socket.data.receivesAlerts) continue;
        joinAlerts(socket).catch((error: unknown) => log(`joining the alerts of ${socket.data.user.username} failed: ${(error as Error)?.stack ?? String(error)}`));
      }
    },
  });

  // Delivery marks are best effort: a failure is logged, never left as an unhandled rejection.
  const delivered = (alertId: string, organisationIds: string[]) => {
    alerts.markDelivered(alertId, organisationIds).catch((error: unknown) => log(`marking alert ${alertId} delivered failed: ${(error as Error)?.message ?? String(error)}`));
  };

  io.on('connection', (raw) => {
    const socket = raw as AlertSocket;
    onConnection(socket).catch((error: unknown) => {
      log(`socket.io connection of ${socket.data.user?.username} failed: ${(error as Error)?.stack ?? String(error)}`);
      socket.disconnect(true);
    });
  });

  async function onConnection(socket: AlertSocket): Promise<void> {
    // A session that ended while this socket was in its middleware: the end did not find it then.
    if (sessions.hasEnded(socket.data.sessionId)) {
      socket.disconnect(true);
      return;
    }
    const user = socket.data.user;
    if (user.role === 'ghor' || user.role === 'admin' || user.role === 'observer') void socket.join(GHOR_ROOM);
    if (user.organisationId) void socket.join(orgAllRoom(user.organisationId));

    // Every handler checks that its callback is a function: a malformed packet gets nothing back.
    socket.on('alert:send', async (input, ack) => {
      if (typeof ack !== 'function') return;
      try {
        const incidentId = typeof input?.incidentId === 'string' ? input.incidentId : '';
        const checked = checkAlertInput(input);
        if (!checked.ok) throw invalidInput(checked.issues);
        ack({ data: await alerts.send(user, incidentId, checked.value) });
      } catch (error) {
        ack(fail(socket, error));
      }
    });
    socket.on('alert:ack', async (input, ack) => {
      if (typeof ack !== 'function') return;
      try {
        const checked = checkAckInput(input);
        if (!checked.ok) throw invalidInput(checked.issues);
        ack({ data: await alerts.ack(user, typeof input?.alertId === 'string' ? input.alertId : '', checked.value.answer) });
      } catch (error) {
        ack(fail(socket, error));
      }
    });
    socket.on('alerts:pending', async (ack) => {
      if (typeof ack !== 'function') return;
      try {
        // The banner's list: nothing for a coordinator not yet connected to the alerting (its
        // digital introduction not done), as nothing is pushed to it either.
        ack({ data: socket.data.receivesAlerts ? await alerts.pendingFor(user) : [] });
      } catch (error) {
        ack(fail(socket, error));
      }
    });
    socket.on('disconnect', announcePresence);

    if (socket.data.receivesAlerts) await joinAlerts(socket);
    else announcePresence();
    if (user.role === 'ghor' || user.role === 'admin' || user.role === 'observer') socket.emit('presence', await online());
  }

  // A coordinator who connects (or reconnects, or is connected to the alerting while its page is
  // open) gets every alert it has not acknowledged yet.
  async function joinAlerts(socket: AlertSocket): Promise<void> {
    const user = socket.data.user;
    socket.data.receivesAlerts = await alerts.receivesAlerts(user);
    if (socket.data.receivesAlerts && user.organisationId) {
      await socket.join(orgRoom(user.organisationId));
      const pending = await alerts.pendingFor(user);
      for (const notice of pending) socket.emit('alert', notice);
      for (const notice of pending) delivered(notice.alert.id, [user.organisationId]);
    }
    announcePresence();
  }

  return {
    io,
    close: () => {
      stopped = true;
      return new Promise<void>((resolve) => void io.close(() => resolve()));
    },
  };
}
