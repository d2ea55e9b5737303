/** Shared setup for the relay integration tests: a relay per test file, clients closed after each test. */
import { PROTOCOL_VERSION, type JoinedRoom, type Result } from '../../../relay/contract/protocol';
import { connectClient, startRelay, type StartRelayOptions, type TestClient, type TestRelay } from '../../support/relay';

export function unwrap<T>(res: Result<T>): T {
  if (!res.ok) throw new Error(`expected ok, got ${res.error}`);
  return res.data;
}

export interface Harness {
  relay(): TestRelay;
  client(): Promise<TestClient>;
  createRoom(name?: string): Promise<{ socket: TestClient; joined: JoinedRoom }>;
  joinRoom(code: string, name?: string): Promise<{ socket: TestClient; joined: JoinedRoom }>;
}

/** Starts a relay in beforeAll and closes clients after each test and the relay after all. */
export function useRelay(opts: StartRelayOptions = {}): Harness {
  let relay: TestRelay | null = null;
  const clients: TestClient[] = [];
  beforeAll(async () => {
    relay = await startRelay(opts);
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.disconnect();
  });
  afterAll(async () => {
    await relay?.close();
  });
  const h: Harness = {
    relay: () => relay!,
    async client() {
      const c = await connectClient(relay!.url);
      clients.push(c);
      return c;
    },
    async createRoom(name = 'Alice') {
      const socket = await h.client();
      const joined = unwrap(await socket.emitWithAck('room:create', { protocol: PROTOCOL_VERSION, profile: { name } }));
      return { socket, joined };
    },
    async joinRoom(code, name = 'Bob') {
      const socket = await h.client();
      const joined = unwrap(await socket.emitWithAck('room:join', { protocol: PROTOCOL_VERSION, code, profile: { name } }));
      return { socket, joined };
    },
  };
  return h;
}
