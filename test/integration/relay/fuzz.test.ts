/**
 * Fuzz: many clients send thousands of random events and payloads (valid, near misses, garbage,
 * binary, no ack) while two well-behaved members of another room keep working. The relay must not
 * crash, must not leak an unhandled rejection, and must keep answering.
 */
import { PROTOCOL_VERSION } from '../../../relay/contract/protocol';
import { Rng } from '../../bench/sim/rng';
import { connectClient, nextEvent, type TestClient } from '../../support/relay';
import { storeFactories } from '../../support/stores';
import { FUZZ_EVENTS, fuzzArgs } from './fuzz-payloads';
import { unwrap, useRelay } from './support';

const FUZZERS = 12;
const EVENTS_EACH = 400;

type Raw = { emit(event: string, ...args: unknown[]): unknown };

describe.each(storeFactories)('fuzz ($name store)', (storeFactory) => {
  // Budgets high enough that most events reach validation and the handlers, low enough that
  // some fuzzers are cut off as flooders (and come back).
  const budget = { points: 300, duration: 1 };
  const h = useRelay({
    storeFactory,
    extra: {
      budgets: {
        control: budget,
        chat: budget,
        join: budget,
        status: budget,
        telemetry: budget,
        ping: budget,
        other: budget,
        strikes: { points: 40, duration: 1 },
      },
    },
  });
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown): void => {
    rejections.push(reason);
  };
  beforeAll(() => process.on('unhandledRejection', onRejection));
  afterAll(() => process.off('unhandledRejection', onRejection));

  test(`${FUZZERS} fuzzers × ${EVENTS_EACH} events; another room keeps working`, async () => {
    const { socket: alice, joined: a } = await h.createRoom('Alice');
    const { socket: bob } = await h.joinRoom(a.room.code, 'Bob');
    const { joined: target } = await h.createRoom('FuzzTarget');

    let fuzzing = true;
    let disconnects = 0;
    const fuzzer = async (seed: number): Promise<number> => {
      const rng = new Rng(seed);
      let socket: TestClient = await connectClient(h.relay().url);
      let sent = 0;
      const memberIds = target.room.members.map((m) => m.id);
      while (sent < EVENTS_EACH) {
        if (!socket.connected) {
          disconnects++;
          socket = await connectClient(h.relay().url);
        }
        const event = FUZZ_EVENTS[Math.floor(rng.next() * FUZZ_EVENTS.length)]!;
        const args = fuzzArgs(rng, event, target.room.code, memberIds);
        if (rng.chance(0.85)) args.push(() => undefined);
        (socket as unknown as Raw).emit(event, ...args);
        sent++;
        if (sent % 25 === 0) await new Promise((r) => setTimeout(r, 1));
      }
      socket.disconnect();
      return sent;
    };

    let rounds = 0;
    let roundsWhileFuzzing: number;
    const wellBehaved = async (): Promise<void> => {
      while (fuzzing || rounds < 5) {
        const seen = nextEvent(bob, 'playback:state', 10_000);
        const t = unwrap(await alice.emitWithAck('playback:control', { action: 'seek', position: rounds }));
        expect((await seen)[0]).toEqual(t);
        const chat = nextEvent(alice, 'chat:message', 10_000);
        unwrap(await bob.emitWithAck('chat:send', { text: `round ${rounds}` }));
        expect((await chat)[0].text).toBe(`round ${rounds}`);
        rounds++;
        await new Promise((r) => setTimeout(r, 20));
      }
    };

    const good = wellBehaved();
    let sent: number[];
    try {
      sent = await Promise.all(Array.from({ length: FUZZERS }, (_, i) => fuzzer(1000 + i)));
    } finally {
      fuzzing = false;
      roundsWhileFuzzing = rounds;
      await good;
    }

    expect(sent.reduce((x, y) => x + y, 0)).toBe(FUZZERS * EVENTS_EACH);
    expect(rounds).toBeGreaterThanOrEqual(5);
    expect(rejections).toEqual([]);
    const health = await (await fetch(`${h.relay().url}/healthz`)).json();
    expect(health).toMatchObject({ status: 'ok', ready: true });
    const late = await connectClient(h.relay().url);
    expect(
      unwrap(
        await late.emitWithAck('room:join', { protocol: PROTOCOL_VERSION, code: a.room.code, profile: { name: 'Late' } }),
      ).room.members.map((m) => m.name),
    ).toEqual(['Alice', 'Bob', 'Late']);
    late.disconnect();
    // No connection ever holds two seats (its events run one at a time).
    const seats = Object.values((await h.relay().store.get(target.room.code))?.members ?? {})
      .filter((m) => m.connected)
      .map((m) => m.connectionId);
    expect(new Set(seats).size).toBe(seats.length);
    const refusals = (await (await fetch(`${h.relay().url}/metrics`)).text()).match(/^lockstep_refusals_total.*$/gm) ?? [];
    console.log(
      `fuzz: ${FUZZERS * EVENTS_EACH} events, ${disconnects} reconnects, ${roundsWhileFuzzing} well-behaved rounds during the fuzzing\n${refusals.join('\n')}`,
    );
  }, 30_000);
});
