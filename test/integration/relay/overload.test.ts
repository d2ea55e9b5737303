/**
 * A relay past saturation (relay/limits/load-shedding.ts): the test stalls the relay's event loop
 * with CPU work while well-behaved clients keep sending (their events wait in the kernel, then
 * arrive in one clump, as on a relay that cannot keep up). The relay sheds clock pings and
 * telemetry, still applies every control and status report, and disconnects no one, not even a
 * member whose queue piled up past what a relay that keeps up allows (MAX_QUEUED in guard.ts).
 * Nothing here is timed: the stall is CPU work to do, the checks are on answers and counters.
 */
import { PROTOCOL_VERSION, type Result, type Timeline } from '../../../relay/contract/protocol';
import { monitorLoad } from '../../../relay/limits/load-shedding';
import type { TestClient } from '../../support/relay';
import { storeFactories } from '../../support/stores';
import { unwrap, useRelay } from './support';

jest.setTimeout(60_000);

/** Keeps this process (relay and clients alike) on the CPU for `cpuMs` of its own CPU time. */
function stall(cpuMs: number): void {
  const start = process.cpuUsage();
  for (;;) {
    const used = process.cpuUsage(start);
    if ((used.user + used.system) / 1000 >= cpuMs) return;
  }
}

/** Lets the clients' buffered packets reach their sockets, then stalls before the relay reads them. */
function stallAfterFlush(cpuMs: number): Promise<void> {
  return new Promise((done) =>
    setImmediate(() => {
      stall(cpuMs);
      done();
    }),
  );
}

async function counter(url: string, name: string, label: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const m = new RegExp(`^${name}\\{[^}]*"${label}"[^}]*\\} ([0-9.e+-]+)$`, 'm').exec(text);
  return m === null ? 0 : Number(m[1]);
}

/** Pings until one is answered (each unanswered one given up after a moment). */
async function pingAnswered(c: TestClient): Promise<number> {
  for (;;) {
    try {
      return await c.timeout(300).emitWithAck('time:ping');
    } catch {
      // shed while the relay was still saturated: ask again
    }
  }
}

describe.each(storeFactories)('overload ($name store)', (storeFactory) => {
  // The real monitor: a test relay keeps up by default (test/support/relay.ts).
  const h = useRelay({ storeFactory, extra: { budgets: { chat: { points: 1000, duration: 1 } }, load: monitorLoad() } });

  test('a saturated relay sheds pings and telemetry, still applies controls and statuses, and disconnects no good client', async () => {
    const ROOMS = 4;
    const MEMBERS = 4;
    const rooms: TestClient[][] = [];
    const codes: string[] = [];
    for (let r = 0; r < ROOMS; r++) {
      const { socket: host, joined } = await h.createRoom(`Host ${r}`);
      codes.push(joined.room.code);
      const members = [host];
      for (let m = 1; m < MEMBERS; m++) members.push((await h.joinRoom(joined.room.code, `M${m}`)).socket);
      rooms.push(members);
    }
    const everyone = rooms.flat();
    // Not a good client: it floods reactions (1/s + 5 per 10 s), stall or no stall.
    const { socket: flooder } = await h.joinRoom(codes[3]!, 'Flooder');
    const flooderGone = new Promise<string>((done) => flooder.once('disconnect', (reason) => done(reason)));
    const dropped: string[] = [];
    everyone.forEach((c, i) => c.on('disconnect', (reason) => dropped.push(`${i}: ${reason}`)));
    const latest = new Map<TestClient, number>();
    for (const c of everyone) c.on('playback:state', (t: Timeline) => latest.set(c, Math.max(latest.get(c) ?? 0, t.seq)));
    const url = h.relay().url;
    const pingsShedBefore = await counter(url, 'lockstep_shed_total', 'time:ping');
    const telemetryShedBefore = await counter(url, 'lockstep_shed_total', 'member:telemetry');

    const acked: Array<Promise<Result<unknown>>> = [];
    let pingsSent = 0;
    let pingsAnswered = 0;
    for (let round = 0; round < 3; round++) {
      for (const members of rooms) {
        acked.push(members[0]!.emitWithAck('playback:control', { action: round % 2 === 0 ? 'play' : 'pause', position: round }));
        for (const c of members) {
          pingsSent++;
          c.emit('time:ping', () => pingsAnswered++);
          c.emit('member:telemetry', { offsetMs: round, rttMs: 4 });
          acked.push(c.emitWithAck('member:status', { status: round % 2 === 0 ? 'playing' : 'paused' }));
        }
      }
      // A busy member: 100 chat messages within its budget (raised here, as for a busy room), more
      // than a relay that keeps up lets pile up in one queue (64; test/integration/relay/abuse.test.ts).
      if (round === 0) for (let i = 0; i < 100; i++) acked.push(rooms[1]![2]!.emitWithAck('chat:send', { text: `busy ${i}` }));
      if (round === 0) for (let i = 0; i < 60; i++) flooder.emit('reaction:send', { emoji: '👍' }, () => undefined);
      await stallAfterFlush(800);
      // Every acked event of the round is answered, ok, before the next stall.
      const results = await Promise.all(acked.splice(0));
      expect(results.filter((r) => !r.ok)).toEqual([]);
    }

    expect(dropped).toEqual([]);
    // A saturated relay still disconnects a flooder: budgets and strikes hold under load.
    expect(await flooderGone).toBe('io server disconnect');
    expect(everyone.every((c) => c.connected)).toBe(true);
    // Pings and telemetry that arrived in the clumps were shed, and counted per event.
    expect(pingsAnswered).toBeLessThan(pingsSent);
    expect(await counter(url, 'lockstep_shed_total', 'time:ping')).toBeGreaterThan(pingsShedBefore);
    expect(await counter(url, 'lockstep_shed_total', 'member:telemetry')).toBeGreaterThan(telemetryShedBefore);
    // Controls went through: a last one reaches every member of its room.
    for (const members of rooms) {
      const t = unwrap(await members[0]!.emitWithAck('playback:control', { action: 'pause', position: 42 }));
      for (const c of members) await pingAnswered(c); // answered once saturation is over; the state came before
      for (const c of members) expect(latest.get(c)).toBe(t.seq);
    }
    // Once the relay keeps up again, everything is answered as usual.
    expect(typeof (await everyone[5]!.emitWithAck('time:ping'))).toBe('number');
    expect(unwrap(await everyone[5]!.emitWithAck('room:leave'))).toBeNull();
    expect(
      (await everyone[6]!.emitWithAck('room:join', { protocol: PROTOCOL_VERSION, code: 'NOSUCHROOM', profile: { name: 'x' } })).ok,
    ).toBe(false);
  });
});
