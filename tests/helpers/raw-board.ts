import * as decoding from 'lib0/decoding';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { YMessage, YSyncMessage } from '../../shared/wire';
import { waitFor } from './wait-for';

/** A hand-driven websocket on the Yjs endpoint, for frames the stock client would never send. */
export interface RawBoard {
  ws: WebSocket;
  /** A local copy of the server's document, filled by the sync handshake. */
  doc: Y.Doc;
  closed: Promise<{ code: number; reason: string }>;
  send(frame: Uint8Array): void;
  /** Sends an update as a sync-step-2 message. */
  sendUpdate(update: Uint8Array): void;
}

import { syncFrame } from '../../shared/y-frames';

export { syncFrame };

/** Opens a raw connection and pulls the server's whole state into a local document. */
export async function openRawBoard(baseUrl: string, incidentId: string, cookie: string, { origin = baseUrl, sync = true } = {}): Promise<RawBoard> {
  const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/yjs/${incidentId}`, { headers: { cookie, origin } });
  const doc = new Y.Doc();
  let synced = false;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    ws.on('unexpected-response', (_req, res) => resolve({ code: res.statusCode ?? 0, reason: 'http' }));
  });
  ws.on('error', () => {});
  ws.on('message', (data: Buffer) => {
    const decoder = decoding.createDecoder(new Uint8Array(data));
    if (decoding.readVarUint(decoder) !== YMessage.sync) return;
    const subtype = decoding.readVarUint(decoder);
    if (subtype === YSyncMessage.step2 || subtype === YSyncMessage.update) {
      Y.applyUpdate(doc, decoding.readVarUint8Array(decoder), 'server');
      if (subtype === YSyncMessage.step2) synced = true;
    }
  });
  const board: RawBoard = {
    ws,
    doc,
    closed,
    send: (frame) => ws.send(frame),
    sendUpdate: (update) => ws.send(syncFrame(YSyncMessage.step2, update)),
  };
  if (sync) {
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.send(syncFrame(YSyncMessage.step1, Y.encodeStateVector(new Y.Doc())));
    await waitFor(() => synced, { what: 'raw sync' });
  }
  return board;
}
