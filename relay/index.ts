/** `npm start` / `npm run relay`: reads the config, starts the relay, stops cleanly on SIGTERM/SIGINT. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { pino } from 'pino';
import { createRelay } from './app';
import { createBackends } from './backends';
import { loadConfig, printableConfig } from './config';

async function main(): Promise<void> {
  const loaded = loadConfig(process.env);
  if (!loaded.ok) {
    process.stderr.write(`${loaded.message}\n`);
    process.exit(1);
  }
  const config = loaded.config;
  const logger = pino({ level: config.LOG_LEVEL, base: { service: 'lockstep-relay' } });
  logger.info({ config: printableConfig(config) }, 'effective configuration');

  const backends = await createBackends(config, logger);
  const http = createServer();
  const relay = createRelay(http, {
    config,
    logger,
    store: backends.store,
    storeKind: backends.kind,
    adapter: backends.adapter,
    limiterFactory: backends.limiterFactory,
    ready: backends.ready,
    seats: backends.seats,
  });

  await new Promise<void>((done, fail) => {
    http.once('error', fail);
    http.listen(config.PORT, config.HOST, () => done());
  });
  const shown = config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST;
  const port = (http.address() as AddressInfo).port;
  const dist = resolve(__dirname, '..', 'dist');
  process.stdout.write(
    [
      '',
      `Lockstep relay listening on http://${shown}:${port} (rooms: ${backends.kind}; health: /healthz, metrics: /metrics)`,
      'Load the extension:',
      `  Chrome:  chrome://extensions → Developer mode → Load unpacked → ${resolve(dist, 'chrome')}`,
      `  Firefox: about:debugging#/runtime/this-firefox → Load Temporary Add-on → ${resolve(dist, 'firefox', 'manifest.json')}`,
      `In the extension's options, set the relay URL to http://${shown}:${port}`,
      '',
    ].join('\n'),
  );

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    relay
      .close()
      .then(() => backends.close())
      .then(() => {
        logger.info('stopped');
        process.exit(0);
      })
      .catch((err: unknown) => {
        logger.error({ err }, 'unclean shutdown');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`Lockstep relay failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
