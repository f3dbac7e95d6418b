/**
 * The browser server's defence against DNS rebinding: a page on another site can make its own
 * name resolve to 127.0.0.1 and then talk to our port as "same origin"; what gives it away is the
 * `Host` header, which carries that site's name. So a request is answered only when its Host is
 * one of the names of the interface we listen on, with our port:
 *
 * - on loopback (the default): `127.0.0.1:PORT`, `localhost:PORT`, `[::1]:PORT`;
 * - on another address given with `--host ADDR`: that address too (`ADDR:PORT`);
 * - on every interface (`--host 0.0.0.0` or `::`): any IP address literal with our port, since
 *   the machine's own addresses are not known here; never a DNS name other than localhost.
 *
 * A request without a Host header (HTTP/1.0) is refused.
 */
import { isIP } from 'node:net';

/** The loopback names a browser on this machine uses, without the port. */
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/** `host` as it appears in a Host header: an IPv6 literal in brackets, lower case. */
function hostName(host: string): string {
  const h = host.toLowerCase();
  return isIP(h) === 6 ? `[${h}]` : h;
}

/** True when the server listening on `listenHost` accepts a request whose Host header is `header`. */
export function isAllowedHost(header: string | undefined, listenHost: string, port: number): boolean {
  if (!header) return false;
  const h = header.toLowerCase();
  const suffix = `:${port}`;
  if (!h.endsWith(suffix)) return false;
  const name = h.slice(0, -suffix.length);
  if (LOOPBACK_NAMES.includes(name)) return true;
  if (name === hostName(listenHost)) return true;
  if (listenHost === '0.0.0.0' || listenHost === '::') {
    const bare = name.startsWith('[') && name.endsWith(']') ? name.slice(1, -1) : name;
    return isIP(bare) !== 0 && (isIP(bare) === 4) === !name.startsWith('[');
  }
  return false;
}

/** The Host headers a browser on this machine sends to a loopback server on `port` (for messages). */
export function loopbackHosts(port: number): string[] {
  return LOOPBACK_NAMES.map((n) => `${n}:${port}`);
}
