/**
 * The relay's own log output (pino JSON lines at debug level) through a room's whole life: a room
 * code never appears in full, nor a resume token; every line is JSON with a message.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { PROTOCOL_VERSION } from '../../../relay/contract/protocol';
import { connectClient, startRelay, type TestClient, type TestRelay } from '../../support/relay';
import { unwrap } from './support';

let relay: TestRelay;
const lines: string[] = [];
const sink = new Writable({
  write(chunk: Buffer, _enc, done) {
    lines.push(
      ...chunk
        .toString()
        .split('\n')
        .filter((l) => l !== ''),
    );
    done();
  },
});
const clients: TestClient[] = [];

beforeAll(async () => {
  relay = await startRelay({ logger: pino({ level: 'debug' }, sink) });
});
afterAll(async () => {
  for (const c of clients) c.disconnect();
  await relay.close();
});

test('room codes appear as their first four symbols only, resume tokens never', async () => {
  const alice = await connectClient(relay.url);
  const bob = await connectClient(relay.url);
  clients.push(alice, bob);
  const created = unwrap(await alice.emitWithAck('room:create', { protocol: PROTOCOL_VERSION, profile: { name: 'Alice' } }));
  const code = created.room.code;
  const joined = unwrap(await bob.emitWithAck('room:join', { protocol: PROTOCOL_VERSION, code, profile: { name: 'Bob' } }));
  // A refused event (logged at debug), a departure, a resume on a new connection, a disconnect.
  await bob.emitWithAck('room:join', { protocol: PROTOCOL_VERSION, code, profile: { name: 'Bob' } });
  unwrap(await bob.emitWithAck('room:leave'));
  const carol = await connectClient(relay.url);
  clients.push(carol);
  alice.disconnect();
  unwrap(await carol.emitWithAck('room:resume', { protocol: PROTOCOL_VERSION, resumeToken: created.resumeToken }));
  await relay.close();

  const text = lines.join('\n');
  for (const what of ['created', 'joined', 'left', 'resumed', 'away'])
    expect(text).toContain(`"msg":"${what === 'created' ? 'room created' : what}"`);
  expect(text).toContain(`"room":"${code.slice(0, 4)}…"`);
  expect(text).not.toContain(code);
  expect(text).not.toContain(created.resumeToken.split('.')[1]);
  expect(text).not.toContain(joined.resumeToken.split('.')[1]);
  for (const line of lines) expect(JSON.parse(line)).toMatchObject({ msg: expect.any(String) });
});
