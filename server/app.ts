import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { text } from '../shared/text';
import { SOCKET_IO_PATH, YJS_PATH } from '../shared/wire';
import { DEFAULT_SIGN_IN_LIMITS, SignInGuard, type SignInLimits } from './auth/sign-in-guard';
import { Sessions } from './auth/sessions';
import { HttpError, errorHandler } from './http/http-error';
import { registryRoutes } from './http/registry-routes';
import { sessionRoutes } from './http/session-routes';
import { AlertService } from './alerts/alert-service';
import { attachAlertSocket } from './alerts/alert-socket';
import { alertRoutes } from './http/alert-routes';
import { incidentRoutes } from './http/incident-routes';
import { reviewRoutes } from './http/review-routes';
import { ReviewService } from './review/review-service';
import { userRoutes } from './http/user-routes';
import type { Store } from './store/store';
import { Rooms } from './yjs/rooms';
import { attachYjsEndpoint, rejectUpgrade } from './yjs/yjs-endpoint';
import type { WriteBudgetLimits } from './yjs/write-budget';
import { randomBytes } from 'node:crypto';
import { Agent as HttpsAgent } from 'node:https';
import { rootCertificates } from 'node:tls';
import webpush from 'web-push';
import { answerPage, type LinkGuardLimits } from './reach/answer-page';
import type { ChannelSender } from './reach/channels';
import { emailChannel } from './reach/email-channel';
import type { RetryPolicy } from './reach/outbox';
import { pushChannel } from './reach/push-channel';
import { ReachService } from './reach/reach-service';
import type { ReachKeys } from './reach/secrets';
import { smsChannel } from './reach/sms-channel';
import { reachRoutes } from './http/reach-routes';
import { introductionRoutes } from './http/introduction-routes';
import { invitationRoutes } from './http/invitation-routes';
import { smtpMailer } from './network/mailer';
import { networkRoutes } from './http/network-routes';
import { guardPipedFiles } from './http/web-files';
import { DEFAULTS } from './defaults';
import type { Cluster } from './cluster';
import { memoryCountersOf } from './auth/counters';

/** Everything the server depends on; nothing is read from the environment here. */
export interface ServerDeps {
  store: Store;
  /** Where incident logs and frozen networks live (the embedded mode; on PostgreSQL only the reach keys). */
  dataDir: string;
  /** Incident logs in PostgreSQL, shared with the other servers of the database (see cluster.ts); unset: files in `dataDir`. */
  cluster?: Cluster;
  log?: (message: string) => void;
  now?: () => Date;
  /** The SvelteKit handler (adapter-node); without it only the API runs. */
  web?: RequestHandler;
  tileUrl?: string;
  tileAttribution?: string;
  sessionTtlMs?: number;
  secureCookies?: boolean;
  /** Extra origins allowed besides the server's own (e.g. a reverse proxy's public name). */
  allowedOrigins?: readonly string[];
  /** Sign-in throttling; the defaults are {@link DEFAULT_SIGN_IN_LIMITS}. */
  signInLimits?: Partial<SignInLimits>;
  /** Express's `trust proxy`: behind a reverse proxy, the client address comes from X-Forwarded-For. */
  trustProxy?: boolean | string;
  /** A room without connections is unloaded after this long. */
  roomIdleMs?: number;
  /** How long a stopping server waits for the requests in flight (DEFAULTS.stopDrainMs). */
  stopDrainMs?: number;
  checkpointEvery?: number;
  /** How long a loading room waits for joining clients' sync step 1 (DEFAULTS.earlyStateWaitMs). */
  earlyStateWaitMs?: number;
  /** CAP `sender` of exported alerts. */
  capSender?: string;
  /** Bytes that may wait for one slow Yjs client before it is dropped. */
  yjsMaxBufferedBytes?: number;
  /** Websocket connections (Yjs, and socket.io separately) one address may hold at once. */
  maxConnectionsPerAddress?: number;
  /** Refused writes per user in a minute after which its board joins wait (DEFAULTS.yjsRefusalsPerMinute). */
  yjsRefusalsPerMinute?: number;
  /** Write budget per user on the incident documents. */
  writeBudget?: WriteBudgetLimits;
  /** While an incident log cannot be written, how often writing is tried again. */
  storageRetryMs?: number;
  /** Alerts outside the app: channels, answer links, escalation. Absent: no channels, fresh keys. */
  reach?: ReachConfig;
}

/** Reach outside the app (README, "Configuration"): each channel is on when it is configured. */
export interface ReachConfig {
  keys: ReachKeys;
  /** The address people reach the server on; answer links start with it. */
  publicUrl: string;
  smtp?: { url: string; from: string };
  sms?: { url: string; token: string; sender: string };
  /** Web Push with the VAPID keys of `keys`. */
  push?: boolean;
  /** Extra CA certificates for the push services' TLS (PUSH_CA_FILE: a TLS-inspecting proxy). */
  pushCa?: string;
  escalateAfterMin?: number;
  escalationTickMs?: number;
  outboxTickMs?: number;
  retry?: RetryPolicy;
  linkGuard?: LinkGuardLimits;
}

/** A built server: `listen` starts it, `close` stops every socket and timer it owns. */
export interface ZorgbeeldServer {
  httpServer: Server;
  rooms: Rooms;
  reach: ReachService;
  listen(port: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

/** Whether a request's Origin header names this server or an allowed origin. */
export function isAllowedOrigin({ origin, host, allowed }: { origin: string | undefined; host: string | undefined; allowed: readonly string[] }): boolean {
  if (origin === undefined) return true;
  if (allowed.includes(origin)) return true;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** Builds the Zorgbeeld server: JSON API, SvelteKit pages, later the websocket endpoints. */
export function createServer(deps: ServerDeps): ZorgbeeldServer {
  const log = deps.log ?? ((m: string) => console.log(m));
  const now = deps.now ?? (() => new Date());
  const { store, cluster } = deps;
  // Shared by the servers of one database when there is Redis, else this process's own.
  const counters = cluster?.counters ?? memoryCountersOf();
  const sessions = new Sessions({
    store,
    now,
    ttlMs: deps.sessionTtlMs ?? DEFAULTS.sessionTtlMs,
    secureCookies: deps.secureCookies ?? false,
  });
  // One guard for all servers of a database: failures counted in Redis when there is one.
  const guard = new SignInGuard({ ...DEFAULT_SIGN_IN_LIMITS, ...deps.signInLimits }, () => now().getTime(), counters('sign-in'));

  const rooms = new Rooms({
    store,
    dataDir: deps.dataDir,
    now,
    log,
    idleMs: deps.roomIdleMs,
    checkpointEvery: deps.checkpointEvery,
    earlyStateWaitMs: deps.earlyStateWaitMs,
    writeBudget: deps.writeBudget,
    storageRetryMs: deps.storageRetryMs,
    shared: deps.cluster ? { pool: deps.cluster.pool, bus: deps.cluster.bus } : undefined,
    // Urgent needs go to the GHOR's devices; the reach service exists once the rooms do.
    onNeeds: (incidentId, needs) => void reach.urgentNeeds(incidentId, needs).catch((error: Error) => log(`push of urgent needs failed: ${error.message}`)),
  });
  const reachConfig: ReachConfig = deps.reach ?? { keys: { answerSecret: randomBytes(32), vapid: { ...webpush.generateVAPIDKeys(), subject: 'mailto:ghor@zorgbeeld.example' } }, publicUrl: '' };
  const alerts = new AlertService({ store, rooms, now, log, escalateAfterMin: reachConfig.escalateAfterMin });
  const senders: ChannelSender[] = [];
  if (reachConfig.smtp) senders.push(emailChannel({ smtpUrl: reachConfig.smtp.url, from: reachConfig.smtp.from, domain: new URL(reachConfig.publicUrl || 'http://zorgbeeld.invalid').hostname }));
  if (reachConfig.sms) senders.push(smsChannel(reachConfig.sms));
  if (reachConfig.push) {
    senders.push(
      pushChannel({
        vapid: reachConfig.keys.vapid,
        agent: reachConfig.pushCa ? new HttpsAgent({ ca: [...rootCertificates, reachConfig.pushCa], keepAlive: true }) : undefined,
        subscriptionOf: (id) => store.get('pushSubscriptions', id),
        gone: async (id) => {
          const row = await store.get('pushSubscriptions', id);
          if (row && !row.goneAt) await store.put({ pushSubscriptions: [{ ...row, goneAt: now().toISOString() }] });
        },
      }),
    );
  }
  const reach = new ReachService({
    store,
    alerts,
    rooms,
    senders,
    answerSecret: reachConfig.keys.answerSecret,
    publicUrl: reachConfig.publicUrl,
    now,
    log,
    retry: reachConfig.retry,
    outboxTickMs: reachConfig.outboxTickMs,
    escalationTickMs: reachConfig.escalationTickMs,
    escalateAfterMin: reachConfig.escalateAfterMin ?? DEFAULTS.escalateAfterMin,
    duty: cluster?.duty ? { held: () => cluster.duty!.held(), elsewhere: () => cluster.bus.publish({ kind: 'outbox' }) } : undefined,
  });
  reach.start();
  if (cluster) {
    // What the other servers of the database tell this one besides the boards (rooms.ts).
    cluster.bus.listen((message) => {
      if (message.kind === 'outbox' && cluster.duty?.held()) reach.kick();
      else if (message.kind === 'sessions-ended') sessions.endedElsewhere(message.sessionIds);
    });
    sessions.tellOthers = (sessionIds) => cluster.bus.publish({ kind: 'sessions-ended', sessionIds: [...sessionIds] });
    cluster.duty?.onGained(() => reach.kick());
  }
  const review = new ReviewService({ store, dataDir: deps.dataDir, log, pool: deps.cluster?.pool });
  // Invitations to Zorgbeeld and to meetings: the alerts' relay, on a connection of their own.
  const mailer = smtpMailer(reachConfig.smtp);
  const originAllowed = (origin: string | undefined, host: string | undefined) =>
    isAllowedOrigin({ origin, host, allowed: deps.allowedOrigins ?? [] });

  const app = express();
  app.disable('x-powered-by');
  if (deps.trustProxy !== undefined) app.set('trust proxy', deps.trustProxy);
  // Requests in flight: a stopping server lets them finish (an event they record, a board they
  // change) before it closes the boards.
  let inFlight = 0;
  let drained: (() => void) | null = null;
  app.use((_req, res, next) => {
    inFlight++;
    res.once('close', () => {
      if (--inFlight === 0) drained?.();
    });
    next();
  });
  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'same-origin');
    res.setHeader('X-Frame-Options', 'DENY');
    next();
  });

  const api = express.Router();
  // A browser always sends Origin on state-changing requests; a foreign one is a CSRF attempt.
  api.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD' && !originAllowed(req.headers.origin, req.headers.host)) {
      throw new HttpError(403, 'forbidden', text('Dit verzoek komt van een andere website en is geweigerd.', 'This request comes from another website and was refused.'));
    }
    // API answers are live data: never cached by a browser or proxy, never run as a page.
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'");
    next();
  });
  api.use(express.json({ limit: '1mb' }));
  api.use(sessions.middleware());
  // Health covers the registry store and every incident log that cannot be written now.
  api.get('/health', (_req, res) => {
    const health = store.health();
    const logs = rooms.faults().map((s) => ({ incidentId: s.incidentId, error: s.fault!.code, since: s.fault!.since, failedWrites: s.fault!.failedWrites, waitingEvents: s.waitingEvents }));
    const ok = health.ok && logs.length === 0;
    res.status(ok ? 200 : 503).json({ data: { ok, store: health.message, logs } });
  });
  api.get('/config', (_req, res) => {
    res.json({ data: { tileUrl: deps.tileUrl ?? '', tileAttribution: deps.tileAttribution ?? '' } });
  });
  api.use(sessionRoutes({ store, sessions, guard, log, now, secureCookies: deps.secureCookies ?? false }));
  api.use(userRoutes({ store, sessions, now }));
  api.use(registryRoutes({ store, now, log }));
  api.use(incidentRoutes({ store, rooms, alerts, now }));
  api.use(reviewRoutes({ store, rooms, review, now }));
  api.use(alertRoutes({ alerts, store, rooms, sender: deps.capSender ?? 'ghor@zorgbeeld.example' }));
  api.use(networkRoutes({ store, now, rooms, review, mailer }));
  api.use(introductionRoutes({ store, alerts, now }));
  api.use(invitationRoutes({ store, sessions, mailer, now, publicUrl: () => reach.publicUrl, counters: counters('password-resets'), log }));
  api.use(reachRoutes({ reach, alerts, store, answerSecret: reachConfig.keys.answerSecret, vapidPublicKey: reachConfig.keys.vapid.publicKey }));
  api.use((req) => {
    throw new HttpError(404, 'not-found', text(`Onbekend adres: ${req.method} ${req.path}`, `Unknown address: ${req.method} ${req.path}`));
  });
  api.use(errorHandler(log));
  app.use('/api', api);
  app.use('/a', answerPage({ reach, sessions, now, log, limits: reachConfig.linkGuard, isAllowedOrigin: originAllowed, counters: counters('answer-links') }));
  if (deps.web) app.use(guardPipedFiles(log), deps.web);

  const httpServer = createHttpServer(app);
  const upgradeOriginAllowed = (req: IncomingMessage) => originAllowed(req.headers.origin, req.headers.host);
  const yjs = attachYjsEndpoint({
    httpServer,
    sessions,
    rooms,
    log,
    isAllowedOrigin: upgradeOriginAllowed,
    maxBufferedBytes: deps.yjsMaxBufferedBytes,
    refusalsPerMinute: deps.yjsRefusalsPerMinute,
    refusals: counters('refused-writes'),
    now: () => now().getTime(),
    maxConnectionsPerAddress: deps.maxConnectionsPerAddress,
  });
  // Expired sessions are ended every minute, which also closes their open websockets.
  const expiry = setInterval(() => void sessions.expire().catch((error: Error) => log(`session expiry failed: ${error.message}`)), 60000);
  const alertSocket = attachAlertSocket({
    httpServer,
    sessions,
    alerts,
    log,
    isAllowedOrigin: upgradeOriginAllowed,
    maxConnectionsPerAddress: deps.maxConnectionsPerAddress,
    adapter: deps.cluster?.socketAdapter,
  });
  // An upgrade to any other path would otherwise hang open until the client gives up.
  httpServer.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
    const path = (req.url ?? '').split('?')[0];
    if (!path.startsWith(YJS_PATH) && !path.startsWith(SOCKET_IO_PATH)) rejectUpgrade(socket, '404 Not Found');
  });
  let closing: Promise<void> | undefined;
  return {
    httpServer,
    rooms,
    reach,
    listen(port, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          const address = httpServer.address() as AddressInfo;
          const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
          if (!reach.publicUrl) reach.publicUrl = url.replace('0.0.0.0', 'localhost');
          resolve(url);
        });
      });
    },
    close() {
      // Once, however often it is asked for (a second close would close Redis connections again).
      closing ??= (async () => {
        // The requests in flight first (what they record, what they change on a board), then the
        // rooms: their sockets get a "server stopping" close code and each log a last checkpoint.
        clearInterval(expiry);
        if (inFlight > 0) {
          log(`stopping: waiting for ${inFlight} request(s) in flight`);
          await new Promise<void>((resolve) => {
            drained = resolve;
            setTimeout(resolve, deps.stopDrainMs ?? DEFAULTS.stopDrainMs).unref();
          });
        }
        await reach.stop();
        mailer.close();
        await rooms.stop();
        yjs.close();
        // socket.io's close also closes the HTTP server; open keep-alive connections are cut.
        const socketsClosed = alertSocket.close();
        httpServer.closeAllConnections();
        await socketsClosed;
        await deps.cluster?.close();
        await store.close();
      })();
      return closing;
    },
  };
}
