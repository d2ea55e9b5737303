/** What every event handler gets: the typed server, the store, rules, metrics and helpers. */
import type { Logger } from 'pino';
import type { Server, Socket } from 'socket.io';
import type { RelayConfig } from './config';
import type { RelayMetrics } from './http/metrics';
import type { ClientToServerEvents, MemberTelemetry, ServerToClientEvents, Timeline } from './contract/protocol';
import type { RoomRules } from './rooms/membership';
import type { SeatRegistry } from './rooms/seats';
import type { StatusBoard } from './rooms/status-board';
import type { TelemetryBoard } from './rooms/telemetry-board';
import type { WatchList } from './rooms/watched-rooms';
import type { Announcement, RoomStore } from './store/room-store';

/** Per-connection data. Only pointers into the store: nothing about a room is kept here. */
export interface SocketData {
  code: string | null;
  memberId: string | null;
  /** The room is private (set on entering it): its chat and reactions must be sealed. */
  private?: boolean;
  /** The RTT the store holds for this member, as last written through this connection (unset: not known). */
  storedRttMs?: number | null;
  /** The client declared `members:status` in its handshake (protocol.ts CLIENT_FEATURES): set on every connection. */
  batches?: boolean;
  /** The client declared `status:follows` in its handshake: set on every connection. */
  follows?: boolean;
  /** The member's latest telemetry since its last status report (sent again when someone starts watching). */
  telemetry?: MemberTelemetry;
}

export interface InterServerEvents {
  /** Someone started watching the room's telemetry: each relay records its connections' latest. */
  'telemetry:replay': (code: string) => void;
  /** The rooms the sending relay has watchers in, every WATCH_REFRESH_MS, and how long that holds (relay/rooms/watched-rooms.ts). */
  'telemetry:watched': (list: WatchList) => void;
}

export type RelayServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type RelaySocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

export interface RelayContext {
  io: RelayServer;
  store: RoomStore;
  config: RelayConfig;
  logger: Logger;
  metrics: RelayMetrics;
  rules: RoomRules;
  /** Which seats this relay's connections hold (for other relays, should this one die). */
  seats: SeatRegistry;
  /** This relay's connections' status reports, sent to their rooms in batches (`members:status`). */
  statuses: StatusBoard;
  /** This relay's connections' telemetry, sent to their rooms' watchers in batches. */
  telemetry: TelemetryBoard;
  /** A member started watching the room's telemetry: every relay's connections in it report their latest. */
  replayTelemetry(code: string): void;
  now(): number;
  /** Emits to every member of a room on every relay (through the adapter), after the room's waiting status batch. */
  broadcast<E extends keyof ServerToClientEvents>(code: string, event: E, ...args: Parameters<ServerToClientEvents[E]>): void;
  /**
   * Delivers what a store update announced (UpdateResult.announced): broadcast as `broadcast` does
   * when the store did not publish it, else only to this relay's members of the room, with the
   * stream offset it was published under (what connection state recovery resumes from).
   */
  announce(code: string, announcement: Announcement, announced: string | undefined): void;
  /** Runs the hold's timeout when `timeline.holdUntil` is set (idempotent; harmless twice). */
  scheduleHold(code: string, timeline: Timeline): void;
}

export const roomChannel = (code: string): string => `room:${code}`;
/** The members of a room that watch its telemetry (`members:watch`). */
export const watchChannel = (code: string): string => `watch:${code}`;
