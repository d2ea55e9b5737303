/**
 * One socket.io connection to a relay, for one tab's room (a connection is in at most one room).
 * WebSocket only: a service worker has no XMLHttpRequest. socket.io's own reconnection (with
 * backoff and jitter) brings it back after network loss; the tab room resumes on each reconnect.
 */
import { io, type Socket } from 'socket.io-client';
import * as z from 'zod/mini';
import { relayTimeSchema, resultSchema } from '../../relay/contract/answer-schemas';
import { CLIENT_FEATURES, type ClientToServerEvents, type Result, type ServerToClientEvents } from '../../relay/contract/protocol';
import { LocalError, type ConnectionStatus, type ConnectionView, type ExtResult } from '../messages';
import { log } from '../log';
import { failure, unreachable } from './errors';

export type RelaySocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** How long a request waits for its acknowledgement before the relay counts as unreachable. */
export const ACK_TIMEOUT_MS = 8000;
/** How long the first connection may take. */
export const CONNECT_TIMEOUT_MS = 6000;
/**
 * After the relay itself closes the connection (a restarting node handing us off, a flood guard),
 * socket.io does not reconnect on its own: we do, after this pause, at most this many times in a row.
 */
export const SERVER_DISCONNECT_RETRY_MS = 2000;
export const SERVER_DISCONNECT_MAX_RETRIES = 5;

/** socket.io-client wants an http(s) URL; ws(s) relay URLs are accepted in the options too. */
export function socketUrl(relayUrl: string): string {
  return relayUrl.replace(/^ws(s?):\/\//, 'http$1://');
}

export class RelayConnection {
  readonly socket: RelaySocket;
  private status: ConnectionStatus = 'connecting';
  private detail: string | null = null;
  rttMs: number | null = null;
  private kicks = 0;
  private kickTimer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;

  constructor(
    readonly relayUrl: string,
    private readonly onChange: () => void,
  ) {
    const url = new URL(socketUrl(relayUrl));
    this.socket = io(url.origin, {
      path: `${url.pathname === '/' ? '' : url.pathname}/socket.io/`,
      transports: ['websocket'],
      // Additions this extension understands; an older relay ignores them (protocol.ts CLIENT_FEATURES).
      auth: { features: [...CLIENT_FEATURES] },
      forceNew: true, // one connection per tab room, never multiplexed with another tab's
      reconnectionDelay: 500,
      reconnectionDelayMax: 5000,
      randomizationFactor: 0.5,
      timeout: CONNECT_TIMEOUT_MS,
    });
    this.socket.on('connect', () => this.set('connected', null));
    this.socket.on('disconnect', (reason) => {
      if (reason === 'io client disconnect') return;
      if (reason === 'io server disconnect') return this.afterServerDisconnect();
      this.set('reconnecting', `connection lost: ${reason}`);
    });
    this.socket.on('connect_error', (err) => this.set(this.status === 'connecting' ? 'unreachable' : 'reconnecting', err.message));
  }

  /** The relay closed the connection on purpose: come back a little later, a few times. */
  private afterServerDisconnect(): void {
    if (this.closed) return;
    if (++this.kicks > SERVER_DISCONNECT_MAX_RETRIES) {
      this.set('unreachable', `the relay at ${this.relayUrl} keeps closing the connection`);
      return;
    }
    this.set('reconnecting', 'the relay closed the connection; reconnecting');
    this.kickTimer = setTimeout(() => {
      this.kickTimer = null;
      if (!this.closed) this.socket.connect();
    }, SERVER_DISCONNECT_RETRY_MS * this.kicks);
  }

  /** The room was taken back on this connection: later server disconnects start counting afresh. */
  settled(): void {
    this.kicks = 0;
  }

  view(): ConnectionView {
    return { status: this.status, relayUrl: this.relayUrl, detail: this.detail, rttMs: this.rttMs };
  }

  private set(status: ConnectionStatus, detail: string | null): void {
    this.status = status;
    this.detail = detail;
    this.onChange();
  }

  /** Resolves once connected, or with a "cannot reach" failure naming the URL. */
  whenConnected(timeoutMs = CONNECT_TIMEOUT_MS): Promise<ExtResult<null>> {
    if (this.socket.connected) return Promise.resolve({ ok: true, data: null });
    return new Promise((resolve) => {
      const done = (r: ExtResult<null>): void => {
        clearTimeout(timer);
        this.socket.off('connect', onConnect);
        this.socket.off('connect_error', onError);
        resolve(r);
      };
      const onConnect = (): void => done({ ok: true, data: null });
      const onError = (err: Error): void => done(unreachable(this.relayUrl, err.message));
      const timer = setTimeout(() => done(unreachable(this.relayUrl, 'no answer')), timeoutMs);
      this.socket.on('connect', onConnect);
      this.socket.on('connect_error', onError);
    });
  }

  /**
   * Emits an event and turns its acknowledgement (or its absence) into an ExtResult; an answer
   * that does not fit `data` (or a Result at all) is refused as `bad_answer`, never passed on.
   */
  async request<T>(send: (socket: RelaySocket) => Promise<Result<T>>, data: z.ZodMiniType<T>): Promise<ExtResult<T>> {
    // Never queue while disconnected: socket.io would send the backlog in one burst on reconnect,
    // stale by then, and the relay's flood guard may answer that burst with a disconnect.
    if (!this.socket.connected) return unreachable(this.relayUrl, this.detail ?? 'not connected');
    let res: Result<T>;
    try {
      // `timeout()` makes `emitWithAck` reject when no acknowledgement comes; its declared type loses
      // the acknowledgement's payload type, which the plain socket's signature keeps.
      res = await send(this.socket.timeout(ACK_TIMEOUT_MS) as unknown as RelaySocket);
    } catch (err) {
      return unreachable(this.relayUrl, err instanceof Error ? err.message : String(err));
    }
    const checked = resultSchema(data).safeParse(res);
    if (!checked.success) {
      log.warn('the relay sent an answer that does not fit the protocol', z.prettifyError(checked.error));
      return failure(LocalError.BadAnswer);
    }
    return checked.data.ok ? checked.data : failure(checked.data.error);
  }

  /**
   * Emits an event that has no acknowledgement (telemetry): volatile, so nothing is queued while
   * disconnected or held back on a busy connection; the next report supersedes a lost one.
   */
  fire(send: (socket: RelaySocket) => void): ExtResult<null> {
    if (!this.socket.connected) return unreachable(this.relayUrl, this.detail ?? 'not connected');
    send(this.socket.volatile as unknown as RelaySocket);
    return { ok: true, data: null };
  }

  /** One `time:ping` round trip: the relay's clock, or null when it did not answer. */
  async ping(): Promise<number | null> {
    if (!this.socket.connected) return null;
    try {
      const t0 = performance.now();
      const answer: unknown = await this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('time:ping');
      const relayTime = relayTimeSchema.safeParse(answer);
      if (!relayTime.success) {
        log.warn('the relay answered a clock ping with something that is not a time');
        return null;
      }
      this.rttMs = Math.round(performance.now() - t0);
      return relayTime.data;
    } catch (err) {
      log.debug('time:ping unanswered', err);
      return null;
    }
  }

  close(): void {
    this.closed = true;
    if (this.kickTimer !== null) clearTimeout(this.kickTimer);
    this.socket.disconnect();
    this.socket.removeAllListeners();
  }
}
