/**
 * One load-generator process for bench:relay: real socket.io-client sockets (websocket), a slice
 * of the rooms, and the event mix. Driven over IPC by bench.ts:
 *   {type:'connect', ...}  → connects, creates/joins its rooms → {type:'connected', sockets}
 *   {type:'run', warmupMs, mix} → starts the mix, unmeasured; after `warmupMs` → {type:'warm'}
 *   {type:'measure', ms}   → counts from now for `ms`, then stops the mix → {type:'result', ...}
 *                          (bench.ts samples the relays' CPU right before and after, so both windows match)
 *   {type:'close'}         → disconnects and exits.
 * Fan-out latency = control sent → the last member of the room received its playback:state
 * (all members of a room live in this process, so one clock measures it).
 *
 * The mix is what the extension sends (mix.ts, from extension/core/cadence.ts): a clock ping and
 * telemetry (offset, RTT, `member:telemetry`) per member at their steady periods, and a
 * `member:status` from every member when a control changes its status (paused ↔ playing); on top,
 * a control every few seconds per room (far more than people do) and some chat; the first
 * `watchers` members of each room watch its telemetry. Periods are set by bench.ts.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { io as ioClient, type Socket } from 'socket.io-client';
import {
  CLIENT_FEATURES,
  PROTOCOL_VERSION,
  type ClientToServerEvents,
  type JoinedRoom,
  type Result,
  type ServerToClientEvents,
} from '../../../relay/contract/protocol';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Periods in ms of each kind of event (0: none). */
export interface Mix {
  pingMs: number;
  telemetryMs: number;
  controlMs: number;
  chatMs: number;
  /** Every member reports its new status after a control (as clients without `status:follows` do; mix.ts). */
  statusOnControl: boolean;
}

/**
 * Which relay each member connects to: `spread`, a room's members over all the relays (as a load
 * balancer that picks a relay per connection does); `room`, all of a room's members on one relay, the
 * rooms spread (as one that hashes the room code would).
 */
export type Placement = 'spread' | 'room';

export type WorkerCommand =
  | { type: 'connect'; urls: string[]; rooms: number; members: number; watchers: number; firstRoom: number; placement: Placement }
  | { type: 'run'; warmupMs: number; mix: Mix }
  | { type: 'measure'; ms: number }
  | { type: 'close' };

export type WorkerReply =
  | { type: 'connected'; sockets: number; failed: number }
  /** The warm-up is over: the mix runs on, uncounted, until `measure`. */
  | { type: 'warm' }
  | {
      type: 'result';
      sent: number;
      received: number;
      latencies: number[];
      /** With several relays: the same fan-out to the members on the sender's relay, and to those on others. */
      local: number[];
      remote: number[];
      errors: number;
      errorCodes: Record<string, number>;
      disconnects: Record<string, number>;
      loopDelayP99: number;
    };

interface Room {
  members: Client[];
  /** Highest timeline seq any member has seen. */
  seq: number;
  /** The control in flight: sent at, the first seq it can have, members that have its state. */
  round: { at: number; minSeq: number; got: Set<number> } | null;
  /** Which members are on the host's relay (the others, with several relays, are on another). */
  local: boolean[];
}

const rooms: Room[] = [];
/** Why sockets dropped before the worker closed them (socket.io's reasons: 'ping timeout', 'transport close', ...). */
const disconnects: Record<string, number> = {};
let closing = false;
let sent = 0;
let received = 0;
let errors = 0;
let errorCodes: Record<string, number> = {};
const failed = (code: string): void => {
  errors++;
  errorCodes[code] = (errorCodes[code] ?? 0) + 1;
};
let latencies: number[] = [];
let local: number[] = [];
let remote: number[] = [];
/** The mix is running (warm-up included). */
let running = false;
/** The mix's events are being counted (after the warm-up). */
let measuring = false;
let statusOnControl = true;
/** Status reports waiting for a scheduled start; cancelled when the run ends. */
const later = new Set<NodeJS.Timeout>();
/** The generator's own event-loop delay: when it is high, latencies measure the generator, not the relay. */
const loop = monitorEventLoopDelay({ resolution: 10 });

/** Counts an acked event and its refusal, if any. */
function emit(p: Promise<Result<unknown>>): void {
  sent++;
  p.then(
    (r) => {
      if (!r.ok) failed(r.error);
    },
    (err: unknown) => failed(err instanceof Error ? err.message : 'rejected'),
  );
}

function send(msg: WorkerReply): void {
  process.send!(msg);
}

function unwrap<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(r.error);
  return r.data;
}

async function connectOne(url: string): Promise<Client> {
  // A current extension's handshake: it applies status batches (`members:status`).
  const socket: Client = ioClient(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    timeout: 60_000,
    auth: { features: [...CLIENT_FEATURES] },
  });
  await new Promise<void>((done, fail) => {
    socket.once('connect', () => done());
    socket.once('connect_error', fail);
  });
  socket.onAny(() => received++);
  socket.on('disconnect', (reason) => {
    if (!closing) disconnects[reason] = (disconnects[reason] ?? 0) + 1;
  });
  return socket;
}

async function setUpRoom(urls: string[], members: number, watchers: number, index: number, placement: Placement): Promise<Room> {
  // Spread, a room's members alternate over the relays, so with two relays every fan-out crosses Redis.
  const relayOf = (m: number): number => (placement === 'room' ? index : index + m) % urls.length;
  const room: Room = { members: [], seq: 0, round: null, local: Array.from({ length: members }, (_, m) => relayOf(m) === relayOf(0)) };
  const host = await connectOne(urls[relayOf(0)]!);
  const joined: JoinedRoom = unwrap(await host.emitWithAck('room:create', { protocol: PROTOCOL_VERSION, profile: { name: 'Host' } }));
  room.members.push(host);
  for (let m = 1; m < members; m++) {
    const s = await connectOne(urls[relayOf(m)]!);
    unwrap(await s.emitWithAck('room:join', { protocol: PROTOCOL_VERSION, code: joined.room.code, profile: { name: `M${m}` } }));
    room.members.push(s);
  }
  // The first `watchers` members have their popup open: they get the room's telemetry batches.
  for (const s of room.members.slice(0, watchers)) unwrap(await s.emitWithAck('members:watch', { on: true }));
  room.members.forEach((s, i) => {
    let seen = 0;
    s.on('playback:state', (t) => {
      // The member's player follows; a client without `status:follows` reports its new status: a
      // pause at once, a play when the player starts, at the scheduled start `setAt` (relay clock =
      // this machine's). A current one reports nothing (mix.ts statusOnControl).
      if (running && statusOnControl && t.seq > seen) {
        const report = (): void => emit(s.emitWithAck('member:status', { status: t.paused ? 'paused' : 'playing', offsetMs: 0, rttMs: 2 }));
        if (t.paused) report();
        else {
          const timer = setTimeout(
            () => {
              later.delete(timer);
              report();
            },
            Math.max(0, t.setAt - (performance.timeOrigin + performance.now())),
          );
          later.add(timer);
        }
      }
      seen = Math.max(seen, t.seq);
      room.seq = Math.max(room.seq, t.seq);
      const r = room.round;
      if (r === null || t.seq < r.minSeq) return;
      r.got.add(i);
      if (measuring && room.local.includes(false)) {
        const side = room.local[i] === true;
        if (room.members.every((_, k) => room.local[k] !== side || r.got.has(k))) (side ? local : remote).push(performance.now() - r.at);
      }
      if (r.got.size === room.members.length) {
        room.round = null;
        if (measuring) latencies.push(performance.now() - r.at);
      }
    });
  });
  return room;
}

async function connectAll(cmd: Extract<WorkerCommand, { type: 'connect' }>): Promise<void> {
  let failed = 0;
  // A few rooms at a time: quick, without a thundering herd of handshakes.
  const batch = 25;
  for (let i = 0; i < cmd.rooms; i += batch) {
    const made = await Promise.allSettled(
      Array.from({ length: Math.min(batch, cmd.rooms - i) }, (_, k) =>
        setUpRoom(cmd.urls, cmd.members, cmd.watchers, cmd.firstRoom + i + k, cmd.placement),
      ),
    );
    for (const r of made) {
      if (r.status === 'fulfilled') rooms.push(r.value);
      else failed++;
    }
  }
  send({ type: 'connected', sockets: rooms.reduce((n, r) => n + r.members.length, 0), failed });
}

/** The mix's timers, while it runs. */
const timers: NodeJS.Timeout[] = [];

/**
 * The mix (see the top); each periodic event starts at a random phase. Nothing is counted until
 * `measure`: after `warmupMs` every member has sent its first telemetry report (which the relay
 * stores: its RTT, once per connection, like the join) and the relay's caches are warm, so what is
 * measured is the steady state.
 */
function run(warmupMs: number, mix: Mix): void {
  statusOnControl = mix.statusOnControl;
  const every = (period: number, fn: () => void): void => {
    if (period <= 0) return;
    const start = setTimeout(() => {
      fn();
      timers.push(setInterval(fn, period));
    }, Math.random() * period);
    timers.push(start);
  };
  running = true;
  timers.push(setTimeout(() => send({ type: 'warm' }), warmupMs));
  for (const room of rooms) {
    const host = room.members[0]!;
    let paused = true;
    every(mix.controlMs, () => {
      paused = !paused;
      room.round = { at: performance.now(), minSeq: room.seq + 1, got: new Set() };
      emit(host.emitWithAck('playback:control', { action: paused ? 'pause' : 'play', position: Math.random() * 3600 }));
    });
    every(mix.chatMs, () =>
      emit(room.members[Math.floor(Math.random() * room.members.length)]!.emitWithAck('chat:send', { text: 'hello' })),
    );
    for (const s of room.members) {
      every(mix.pingMs, () => {
        sent++;
        s.emit('time:ping', () => undefined);
      });
      every(mix.telemetryMs, () => {
        sent++;
        s.emit('member:telemetry', { offsetMs: Math.round(Math.random() * 40 - 20), rttMs: 2 });
      });
    }
  }
}

/** Counts the mix's events for `ms` from now, then stops it and reports. */
function measure(ms: number): void {
  sent = 0;
  received = 0;
  errors = 0;
  errorCodes = {};
  latencies = [];
  local = [];
  remote = [];
  measuring = true;
  loop.reset();
  loop.enable();
  setTimeout(() => {
    running = false;
    measuring = false;
    for (const t of timers) clearTimeout(t);
    timers.length = 0;
    for (const t of later) clearTimeout(t);
    later.clear();
    loop.disable();
    send({
      type: 'result',
      sent,
      received,
      latencies,
      local,
      remote,
      errors,
      errorCodes,
      disconnects,
      loopDelayP99: loop.percentile(99) / 1e6,
    });
  }, ms);
}

process.on('message', (cmd: WorkerCommand) => {
  if (cmd.type === 'connect') void connectAll(cmd);
  else if (cmd.type === 'run') run(cmd.warmupMs, cmd.mix);
  else if (cmd.type === 'measure') measure(cmd.ms);
  else {
    closing = true;
    for (const r of rooms) for (const s of r.members) s.disconnect();
    setTimeout(() => process.exit(0), 200);
  }
});
