/**
 * The handshake's origin allow-list. Browsers send Origin on WebSocket upgrades; extension
 * pages and service workers send chrome-extension://ID or moz-extension://UUID. Clients that
 * are not browsers send no Origin and are allowed (they could forge any Origin anyway); a web
 * page's Origin is refused unless configured, so a random site cannot use the relay.
 */
const EXTENSION_ORIGIN = /^(chrome-extension|moz-extension):\/\/[a-zA-Z0-9-]+$/;

export function isAllowedOrigin(origin: string | undefined, extra: ReadonlyArray<string>): boolean {
  if (origin === undefined) return true;
  return EXTENSION_ORIGIN.test(origin) || extra.includes(origin);
}
