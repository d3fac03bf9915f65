import { text, type Text } from './text';

/** y-websocket message types (first varUint of every frame), as y-protocols defines them. */
export const YMessage = {
  sync: 0,
  awareness: 1,
  auth: 2,
  queryAwareness: 3,
  /**
   * Zorgbeeld's own message (not y-protocols): a JSON {@link BoardStatus}, sent when the board
   * stops or starts taking writes, is closed, or its GRIP level changes. Sent only to a
   * connection that asked for it with {@link BOARD_STATUS_PARAM}: the stock client would log
   * "Unable to compute message" for each one.
   */
  boardStatus: 4,
} as const;

/** Query parameter of the Yjs endpoint (`?boardStatus=1`) by which a client takes {@link YMessage.boardStatus} messages. */
export const BOARD_STATUS_PARAM = 'boardStatus';

/** What the server says about a board on its own message type ({@link YMessage.boardStatus}). */
export interface BoardStatus {
  storage: 'ok' | 'unavailable';
  /** Set when GHOR has just closed the incident: the board takes no more writes. */
  closed?: boolean;
  /** Set when GHOR has just changed the GRIP level. */
  grip?: number;
}

/** y-protocols sync sub-messages. */
export const YSyncMessage = {
  step1: 0,
  step2: 1,
  update: 2,
} as const;

/** Path of the Yjs endpoint; the incident id follows. */
export const YJS_PATH = '/yjs/';

/** Where socket.io listens (its default). */
export const SOCKET_IO_PATH = '/socket.io/';

/** Largest websocket frame the server accepts on the Yjs endpoint. */
export const YJS_MAX_PAYLOAD = 2 * 1024 * 1024;

/** A named websocket close code with its reason in both languages. */
export interface CloseCode {
  code: number;
  reason: string;
  text: Text;
}

function close(code: number, reason: string, t: Text): CloseCode {
  return { code, reason, text: t };
}

/**
 * Close codes of the Yjs endpoint. 4400–4499 are permanent (the stock y-websocket client stops
 * reconnecting); 4500–4599 mean "try again later".
 */
export const CloseCodes = {
  BadMessage: close(4400, 'bad-message', text('De verbinding stuurde een onleesbaar bericht.', 'The connection sent an unreadable message.')),
  Unauthenticated: close(4401, 'unauthenticated', text('U bent niet (meer) ingelogd.', 'You are not (or no longer) signed in.')),
  Forbidden: close(4403, 'forbidden', text('Deze wijziging mag u niet maken; ze is niet opgeslagen. Het bord wordt opnieuw geladen.', 'You may not make this change; it was not saved. The board is reloaded.')),
  NotFound: close(4404, 'not-found', text('Dit incident bestaat niet.', 'This incident does not exist.')),
  ClientIdTaken: close(4409, 'client-id-taken', text('Deze sessie gebruikt een id van een andere gebruiker; het bord wordt opnieuw geladen.', 'This session uses an id of another user; the board is reloaded.')),
  TooLarge: close(4413, 'too-large', text('Het bericht is te groot.', 'The message is too large.')),
  Invalid: close(4422, 'invalid', text('Deze wijziging klopt niet met het formaat van het bord; ze is niet opgeslagen. Het bord wordt opnieuw geladen.', 'This change does not fit the board’s format; it was not saved. The board is reloaded.')),
  Incomplete: close(4428, 'incomplete', text('Een wijziging kwam onvolledig aan; het bord wordt opnieuw geladen.', 'A change arrived incomplete; the board is reloaded.')),
  IncidentDataMissing: close(4424, 'incident-data-missing', text('De gegevens van dit incident ontbreken op de server; de beheerder kan ze terugzetten.', 'The data of this incident is missing on the server; an administrator can restore it.')),
  Closed: close(4410, 'incident-closed', text('Dit incident is gesloten; het bord is alleen nog te bekijken.', 'This incident is closed; the board can only be viewed.')),
  ServerError: close(4500, 'server-error', text('Er ging iets mis op de server; er wordt opnieuw verbonden.', 'Something went wrong on the server; reconnecting.')),
  StorageUnavailable: close(
    4507,
    'storage-unavailable',
    text(
      'De opslag van de server is vol of niet schrijfbaar: het bord is tijdelijk alleen te bekijken. Uw wijziging blijft op dit apparaat en wordt verstuurd zodra het weer kan.',
      'The server’s storage is full or not writable: the board can only be viewed for now. Your change stays on this device and is sent as soon as possible.',
    ),
  ),
  WriteBudget: close(
    4529,
    'write-budget',
    text(
      'U verstuurt meer wijzigingen dan het bord per minuut aanneemt. Uw laatste wijziging blijft op dit apparaat en wordt over enkele seconden opnieuw verstuurd.',
      'You are sending more changes than the board takes per minute. Your last change stays on this device and is sent again in a few seconds.',
    ),
  ),
  TooManyJoins: close(4530, 'too-many-joins', text('Er wordt te vaak opnieuw verbonden; over enkele seconden wordt het opnieuw geprobeerd.', 'Reconnecting too often; trying again in a few seconds.')),
  SlowConsumer: close(4503, 'slow-consumer', text('De verbinding was te traag; er wordt opnieuw verbonden.', 'The connection was too slow; reconnecting.')),
  ServerStopping: close(4502, 'server-stopping', text('De server start opnieuw; er wordt opnieuw verbonden.', 'The server is restarting; reconnecting.')),
} as const;

/** The close code with a given number, if it is one of ours. */
export function closeCodeOf(code: number): CloseCode | undefined {
  return Object.values(CloseCodes).find((c) => c.code === code);
}

/** socket.io events the server sends. */
export interface ServerToClientEvents {
  /** A new or still unacknowledged alert for the coordinator's organisation. */
  alert: (notice: import('./alert').AlertNotice) => void;
  /** The current status of an alert (deliveries, acknowledgements), for GHOR. */
  'alert:status': (status: import('./alert').AlertStatus) => void;
  /** An alert of the organisation was acknowledged (by any of its coordinators): clear the banner. */
  'alert:acked': (ack: import('./alert').Acknowledgement) => void;
  /** Alerts to the organisation ask no answer any more: their incident was closed, or GHOR withdrew them. */
  'alerts:withdrawn': (withdrawn: import('./alert').AlertsWithdrawn) => void;
  /** Who is online, per organisation, for GHOR. */
  presence: (online: OnlineUser[]) => void;
}

/** socket.io events clients send; every one is answered through a typed ack. */
export interface ClientToServerEvents {
  'alert:send': (input: { incidentId: string } & Record<string, unknown>, ack: (result: import('./result').Result<import('./alert').AlertStatus>) => void) => void;
  'alert:ack': (input: { alertId: string; answer: string }, ack: (result: import('./result').Result<import('./alert').Acknowledgement>) => void) => void;
  'alerts:pending': (ack: (result: import('./result').Result<import('./alert').AlertNotice[]>) => void) => void;
}

/** Someone with Zorgbeeld open. */
export interface OnlineUser {
  userId: string;
  displayName: string;
  role: string;
  organisationId: string | null;
  /** Whether the user is a connected crisis coordinator who receives alerts. */
  receivesAlerts: boolean;
}
