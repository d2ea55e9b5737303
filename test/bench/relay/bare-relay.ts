/**
 * The floor bench:relay compares Lockstep's relay against (`--scenarios bare`): a minimal
 * socket.io relay with the same events, acks and fan-out as relay/, and nothing else. It does no
 * validation, has no rate limits, queue, store, metrics or connection state recovery; rooms are
 * plain objects in a Map. What it answers has the shapes of the protocol, so the same load
 * workers drive it; the timeline math is the contract's own (relay/contract/timeline.ts), pure
 * and cheap. Status reports are batched per room over STATUS_BATCH_MS into `members:status` (sent
 * before any other broadcast to the room), and telemetry per room every TELEMETRY_FLUSH_MS to the
 * room's watchers (`members:watch`; none to a room nobody watches), as the relay does, so both send as many messages out. Every
 * client is taken to apply status batches (the load workers do): no `member:updated` per report.
 *
 *   PORT=3000 node --import tsx test/bench/relay/bare-relay.ts   (bench:relay runs it bundled: dist/bare-relay.js)
 *
 * GET /healthz answers its socket count, GET /metrics the three figures the bench reads (test/bench/relay/relay-stats.ts) under
 * the names Lockstep's relay uses, from process.memoryUsage() and process.cpuUsage().
 *
 * With REDIS_URL (`--scenarios bare2`: two of it) it broadcasts through the Redis Streams adapter, as the
 * relay does by default, and shares what a join needs: a room's record is written to Redis when it is
 * created and read by the first join on another relay. Nothing else is shared: a control works on the
 * relay's own copy of the timeline and writes nothing back, and a join lists the relay's own members. So
 * it is no correct relay: it is the floor of what two socket.io processes cost, the fan-out between them
 * and nothing else.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';
import { relayNow } from '../../../relay/clock';
import type { Member, MemberStatusEntry, MemberTelemetry, Timeline } from '../../../relay/contract/protocol';
import { applyControl, emptyTimeline, scheduleLead } from '../../../relay/contract/timeline';

interface BareRoom {
  code: string;
  timeline: Timeline;
  members: Map<string, Member>;
  telemetry: Map<string, MemberTelemetry> | null;
  /** Status reports waiting for the room's batch, and its timer. */
  statuses: { entries: Map<string, MemberStatusEntry>; volatile: boolean; timer: NodeJS.Timeout } | null;
}

const rooms = new Map<string, BareRoom>();
const FLUSH_MS = Number(process.env.TELEMETRY_FLUSH_MS ?? 2000);
const STATUS_BATCH_MS = Number(process.env.STATUS_BATCH_MS ?? 100);

function flushStatuses(room: BareRoom): void {
  const batch = room.statuses;
  if (batch === null) return;
  room.statuses = null;
  clearTimeout(batch.timer);
  const to = io.to(room.code);
  (batch.volatile ? to.volatile : to).emit('members:status', [...batch.entries.values()]);
}

/** A broadcast to the room, after its waiting status batch. */
function toRoom(room: BareRoom): ReturnType<typeof io.to> {
  flushStatuses(room);
  return io.to(room.code);
}
const settings = { controlMode: 'everyone', waitPolicy: 'wait' } as const;

const http = createServer((req, res) => {
  if (req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ sockets: io.of('/').sockets.size }));
    return;
  }
  if (req.url !== '/metrics') {
    res.writeHead(404).end();
    return;
  }
  const cpu = process.cpuUsage();
  const mem = process.memoryUsage();
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end(
    [
      `lockstep_process_resident_memory_bytes ${mem.rss}`,
      `lockstep_nodejs_heap_size_used_bytes ${mem.heapUsed}`,
      `lockstep_process_cpu_seconds_total ${(cpu.user + cpu.system) / 1e6}`,
      '',
    ].join('\n'),
  );
});
const REDIS_URL = process.env.REDIS_URL;
const KEY_PREFIX = process.env.REDIS_KEY_PREFIX ?? 'lockstep:';
/** Redis, for bare2: the adapter's connection and one for the rooms' records. */
const redis = REDIS_URL === undefined ? null : { stream: new Redis(REDIS_URL), rooms: new Redis(REDIS_URL) };
const roomKey = (code: string): string => `${KEY_PREFIX}bare:room:${code}`;

const io = new Server(http, {
  transports: ['websocket'],
  serveClient: false,
  pingInterval: 20_000,
  pingTimeout: 20_000,
  // The relay's own adapter options (relay/redis/redis-backends.ts), but for the names.
  ...(redis === null
    ? {}
    : { adapter: createAdapter(redis.stream, { streamName: `${KEY_PREFIX}sio`, maxLen: 100_000, onlyPlaintext: true }) }),
});

/** A room this relay has no copy of: the one another relay created (bare2), or none. */
async function sharedRoom(code: string): Promise<BareRoom | undefined> {
  if (redis === null) return undefined;
  const record = await redis.rooms.get(roomKey(code));
  if (record === null) return undefined;
  // Another join on this relay may have made a copy while this one waited.
  const r = rooms.get(code) ?? { code, timeline: JSON.parse(record) as Timeline, members: new Map(), telemetry: null, statuses: null };
  rooms.set(code, r);
  return r;
}

function member(name: string, role: 'host' | 'member'): Member {
  const now = relayNow();
  return {
    id: randomBytes(8).toString('hex'),
    name,
    color: '#3366ff',
    role,
    status: 'no_video',
    offsetMs: null,
    rttMs: null,
    joinedAt: now,
    connected: true,
  };
}

function view(room: BareRoom) {
  return { code: room.code, settings, members: [...room.members.values()], timeline: room.timeline };
}

io.on('connection', (socket) => {
  let room: BareRoom | null = null;
  let me: Member | null = null;
  const enter = (r: BareRoom, m: Member, ack: (res: unknown) => void): void => {
    room = r;
    me = m;
    r.members.set(m.id, m);
    void socket.join(r.code);
    flushStatuses(r);
    socket.to(r.code).emit('member:joined', m);
    ack({ ok: true, data: { room: view(r), memberId: m.id, resumeToken: randomBytes(16).toString('hex'), chat: [] } });
  };
  socket.on('room:create', async (req: { profile: { name: string } }, ack: (res: unknown) => void) => {
    const code = randomBytes(7).toString('hex').toUpperCase();
    const r: BareRoom = { code, timeline: emptyTimeline(relayNow()), members: new Map(), telemetry: null, statuses: null };
    rooms.set(code, r);
    await redis?.rooms.set(roomKey(code), JSON.stringify(r.timeline));
    enter(r, member(req.profile.name, 'host'), ack);
  });
  socket.on('room:join', async (req: { code: string; profile: { name: string } }, ack: (res: unknown) => void) => {
    const r = rooms.get(req.code) ?? (await sharedRoom(req.code));
    if (r === undefined) return ack({ ok: false, error: 'room_not_found' });
    enter(r, member(req.profile.name, 'member'), ack);
  });
  socket.on('time:ping', (ack: (now: number) => void) => ack(relayNow()));
  socket.on('playback:control', (req: Parameters<typeof applyControl>[1], ack: (res: unknown) => void) => {
    if (room === null || me === null) return ack({ ok: false, error: 'not_in_room' });
    const rtts = [...room.members.values()].map((m) => m.rttMs);
    const timeline = applyControl(room.timeline, req, relayNow(), scheduleLead(rtts), me.id);
    if (timeline !== room.timeline) {
      room.timeline = timeline;
      toRoom(room).emit('playback:state', timeline);
    }
    ack({ ok: true, data: timeline });
  });
  socket.on('member:status', (req: Pick<Member, 'status' | 'offsetMs' | 'rttMs'>, ack: (res: unknown) => void) => {
    if (room === null || me === null) return ack({ ok: false, error: 'not_in_room' });
    const telemetryOnly = req.status === me.status;
    me = { ...me, status: req.status, offsetMs: req.offsetMs ?? me.offsetMs, rttMs: req.rttMs ?? me.rttMs };
    room.members.set(me.id, me);
    const r = room;
    r.statuses ??= { entries: new Map(), volatile: true, timer: setTimeout(() => flushStatuses(r), STATUS_BATCH_MS) };
    r.statuses.entries.set(me.id, { memberId: me.id, status: me.status, offsetMs: me.offsetMs, rttMs: me.rttMs });
    r.statuses.volatile &&= telemetryOnly;
    ack({ ok: true, data: me });
  });
  socket.on('member:telemetry', (req: { offsetMs: number | null; rttMs: number | null }) => {
    if (room === null || me === null) return;
    room.telemetry ??= new Map();
    room.telemetry.set(me.id, { memberId: me.id, offsetMs: req.offsetMs, rttMs: req.rttMs });
  });
  socket.on('members:watch', (req: { on: boolean }, ack: (res: unknown) => void) => {
    if (room === null) return ack({ ok: false, error: 'not_in_room' });
    if (req.on) void socket.join(`watch:${room.code}`);
    else void socket.leave(`watch:${room.code}`);
    ack({ ok: true, data: null });
  });
  socket.on('chat:send', (req: { text: string }, ack: (res: unknown) => void) => {
    if (room === null || me === null) return ack({ ok: false, error: 'not_in_room' });
    const message = { id: randomBytes(8).toString('hex'), from: me.id, text: req.text, at: relayNow() };
    toRoom(room).emit('chat:message', message);
    ack({ ok: true, data: message });
  });
  socket.on('disconnect', () => {
    if (room === null || me === null) return;
    room.members.delete(me.id);
    if (room.members.size === 0) {
      if (room.statuses !== null) clearTimeout(room.statuses.timer);
      rooms.delete(room.code);
    } else toRoom(room).emit('member:left', { memberId: me.id });
  });
});

setInterval(() => {
  for (const r of rooms.values()) {
    if (r.telemetry === null) continue;
    const entries = [...r.telemetry.values()];
    r.telemetry = null;
    // Nobody watches here: nothing to send, as the relay (bare2 does not ask the other relay; the bench's default is no watchers).
    if ((io.of('/').adapter.rooms.get(`watch:${r.code}`)?.size ?? 0) === 0) continue;
    flushStatuses(r);
    io.to(`watch:${r.code}`).volatile.emit('members:telemetry', entries);
  }
}, FLUSH_MS);

http.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', () => {
  process.stdout.write(`bare relay listening on http://127.0.0.1:${(http.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => {
  void io.close(() => {
    redis?.stream.disconnect();
    redis?.rooms.disconnect();
    process.exit(0);
  });
});
