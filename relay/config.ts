/** Relay configuration from the environment, validated; defaults suit `npm start` on one machine. */
import { z } from 'zod';

const intFrom = (def: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(def);

const origins = z
  .string()
  .default('')
  .transform((s) =>
    s
      .split(',')
      .map((o) => o.trim())
      .filter((o) => o.length > 0),
  )
  .pipe(z.array(z.url({ protocol: /^(https?|chrome-extension|moz-extension)$/ }).transform((u) => u.replace(/\/$/, ''))));

const envSchema = z
  .object({
    PORT: intFrom(3000, 0, 65535),
    /** All interfaces by default, so friends on the network (or a tunnel) can reach the relay. */
    HOST: z.string().min(1).default('0.0.0.0'),
    ROOM_GRACE_MS: intFrom(600_000, 1_000, 86_400_000),
    MAX_MEMBERS: intFrom(50, 2, 1000),
    /** How long a room waits for a buffering member (or one in an ad) before continuing without it. */
    HOLD_TIMEOUT_MS: intFrom(10_000, 1_000, 600_000),
    /** How often each relay sends its members' offsets and RTTs to their rooms, in one batch per room. */
    TELEMETRY_FLUSH_MS: intFrom(2_000, 100, 60_000),
    /**
     * With several relays: how often each tells the others which rooms it has telemetry watchers in
     * (an open popup), so theirs send those rooms telemetry (relay/rooms/watched-rooms.ts).
     */
    WATCH_REFRESH_MS: intFrom(10_000, 100, 600_000),
    /**
     * How long a room's status reports wait to go out together (`members:status`): the reports that
     * follow a control come within a few tens of ms of each other. 0: at the end of the turn.
     */
    STATUS_BATCH_MS: intFrom(100, 0, 1_000),
    ALLOWED_ORIGINS: origins,
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
    /** Prefix of every Redis key and stream the relay uses (several deployments may share one Redis). */
    /**
     * socket.io adapter between relays: `streams` (Redis Streams; keeps connection state recovery
     * across relays) or `sharded` (Redis 7 sharded pub/sub, a channel per room; no recovery).
     */
    REDIS_ADAPTER: z.enum(['streams', 'sharded']).default('streams'),
    REDIS_KEY_PREFIX: z
      .string()
      .regex(/^[\w.:-]{1,64}$/, 'letters, digits, _ . : - (1-64)')
      .default('lockstep:'),
    /**
     * Per-address budgets (relay/limits/address-limits.ts); 0 turns one off. Generous enough for a
     * household or an office behind one NAT, and for the test suites from 127.0.0.1;
     * `npm run bench:relay` needs MAX_SOCKETS_PER_ADDRESS=0 CONNECTS_PER_ADDRESS_PER_MINUTE=0.
     */
    MAX_SOCKETS_PER_ADDRESS: intFrom(100, 0, 10_000_000),
    CONNECTS_PER_ADDRESS_PER_MINUTE: intFrom(600, 0, 10_000_000),
    /** Joins with an unknown code, resumes with an unknown token (docs/security.md: what 60 means against 70-bit codes). */
    JOIN_GUESSES_PER_ADDRESS_PER_HOUR: intFrom(60, 0, 10_000_000),
    /**
     * How long a client has to finish its HTTP upgrade request (headers included), and then to join
     * socket.io's namespace: slow-loris handshakes are dropped after this (relay/http/server-timeouts.ts).
     */
    HANDSHAKE_TIMEOUT_MS: intFrom(10_000, 500, 120_000),
    /**
     * Trust X-Forwarded-For (behind one reverse proxy): the address the proxy appended (the last
     * entry) is the client's, for logs and the per-address budgets.
     */
    TRUST_PROXY: z
      .enum(['true', 'false', '1', '0'])
      .default('false')
      .transform((v) => v === 'true' || v === '1'),
    /**
     * With REDIS_URL, each relay beats every HEARTBEAT_INTERVAL_MS and is taken for dead (its members
     * shown away by the others) after HEARTBEAT_TIMEOUT_MS without a beat (relay/redis/redis-seats.ts).
     * 5 s / 15 s: dead only after two beats in a row are missed, so a GC pause, an event-loop stall of
     * a few seconds or a short Redis failover does not get a live relay swept; the members of a dead
     * one are shown away 15-20 s after its last beat (the timeout plus one sweep interval), no later
     * than a member whose connection goes silent is (socket.io: 20 s ping interval + 20 s timeout).
     * The cost is two small scripts per relay per interval. Tests shorten both.
     */
    HEARTBEAT_INTERVAL_MS: intFrom(5_000, 100, 60_000),
    HEARTBEAT_TIMEOUT_MS: intFrom(15_000, 300, 600_000),
  })
  .refine((c) => c.HEARTBEAT_TIMEOUT_MS >= 2 * c.HEARTBEAT_INTERVAL_MS, {
    path: ['HEARTBEAT_TIMEOUT_MS'],
    message: 'must be at least twice HEARTBEAT_INTERVAL_MS (one late beat must not get a relay taken for dead)',
  });

export type RelayConfig = z.output<typeof envSchema>;

export type ConfigResult = { ok: true; config: RelayConfig } | { ok: false; message: string };

export function loadConfig(env: NodeJS.ProcessEnv): ConfigResult {
  const parsed = envSchema.safeParse(env);
  if (parsed.success) return { ok: true, config: parsed.data };
  const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
  return { ok: false, message: `Invalid relay configuration:\n${lines.join('\n')}` };
}

/** Defaults for tests and embedding: the same values `loadConfig({})` gives. */
export function defaultConfig(overrides: Partial<RelayConfig> = {}): RelayConfig {
  const r = loadConfig({});
  if (!r.ok) throw new Error(r.message);
  return { ...r.config, ...overrides };
}

/** The effective configuration for the start-up log: secrets (the Redis password) masked. */
export function printableConfig(c: RelayConfig): Record<string, unknown> {
  let redis: string | null = null;
  if (c.REDIS_URL !== undefined) {
    const u = new URL(c.REDIS_URL);
    if (u.password !== '') u.password = '***';
    redis = u.toString();
  }
  return { ...c, REDIS_URL: redis };
}
