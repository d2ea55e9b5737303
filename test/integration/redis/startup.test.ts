/** A relay with REDIS_URL: refuses to start without Redis (clear message), reports the Redis store when up. */
import { TEST_REDIS_URL, deleteKeys, uniquePrefix } from '../../support/stores';
import { freePort, startRelayProcess } from './processes';

jest.setTimeout(30_000);

test('an unreachable REDIS_URL stops the relay at start with the address (password masked)', async () => {
  const port = await freePort(); // nothing listens there
  await expect(startRelayProcess({ redisUrl: `redis://:hunter2@127.0.0.1:${port}` })).rejects.toThrow(
    new RegExp(`cannot reach Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${port}`),
  );
});

test('with Redis, /healthz reports the redis store and ready', async () => {
  const prefix = uniquePrefix('startup');
  const relay = await startRelayProcess({ redisUrl: TEST_REDIS_URL, keyPrefix: prefix });
  try {
    const res = await fetch(`${relay.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ store: 'redis', ready: true, reason: null, rooms: 0 });
  } finally {
    await relay.stop();
    await deleteKeys(TEST_REDIS_URL, prefix);
  }
});
