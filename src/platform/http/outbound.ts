/**
 * Every URL a user gives the platform to call (a subscription's callback, a department's webhook)
 * is hostile until proven otherwise: it could point at the database, the server itself, a cloud
 * metadata address or an internal service, and the platform's answer would turn it into a port
 * scanner. So:
 * - a destination is allowed when it is a public address, or its host matches a pattern of
 *   CERTBRIDGE_CALLBACK_ALLOW (`hooks.example.gov.cn`, `*.example.gov.cn`), or its address lies in
 *   one of its CIDRs (`10.20.0.0/16`); loopback, private, link-local and other special-purpose
 *   addresses are refused otherwise;
 * - the check runs when the URL is registered (a name that does not resolve, or resolves to a
 *   refused address, is refused) and again on the address actually connected to at
 *   every send (the resolver is asked at connect time: a name that resolves to a public address at
 *   registration and to 127.0.0.1 later — DNS rebinding — is refused then);
 * - the caller learns a category of failure (`timeout`, `connection-failed`, `HTTP 503`, …), never
 *   the network's own words.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { Agent, request } from 'undici';
import { DomainError } from '../errors.ts';
import { unmapped } from '../ipAddresses.ts';
import { perPlatform } from '../platform.ts';

/**
 * The IANA IPv4 and IPv6 Special-Purpose Address Registries (RFC 6890 and its successors, as of
 * 2026): never a public destination, whatever their "globally reachable" column says (an AS112 or
 * AMT relay is no callback receiver either).
 */
const NOT_PUBLIC = new BlockList();
for (const [address, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.31.196.0', 24],
  ['192.52.193.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['192.175.48.0', 24],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  NOT_PUBLIC.addSubnet(address, prefix, 'ipv4');
}
// Within the global unicast space. Everything outside 2000::/3 is refused whole (below): the
// unspecified and loopback addresses, IPv4-compatible (::/96), IPv4-translated (::ffff:0:0:0/96)
// and NAT64 (64:ff9b::/96, 64:ff9b:1::/48) forms, discard-only, segment routing, unique-local,
// link-local, site-local and multicast. IPv4-mapped ones (::ffff:0:0/96) are judged as the IPv4
// address they are.
for (const [address, prefix] of [
  ['2001::', 23],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['2620:4f:8000::', 48],
  ['3fff::', 20],
] as const) {
  NOT_PUBLIC.addSubnet(address, prefix, 'ipv6');
}
/** IANA's IPv6 global unicast allocation: the only IPv6 space with public destinations. */
const GLOBAL_UNICAST = new BlockList();
GLOBAL_UNICAST.addSubnet('2000::', 3, 'ipv6');

/** An address literal as BlockList judges it; an IPv4 address written as IPv6 (`::ffff:127.0.0.1`, `::ffff:7f00:1`) is the IPv4 address it is. */
function normalise(address: string): { address: string; family: 'ipv4' | 'ipv6' } | undefined {
  const plain = unmapped(address);
  const family = isIP(plain);
  if (family === 4) return { address: plain, family: 'ipv4' };
  if (family === 6) return { address: plain, family: 'ipv6' };
  return undefined;
}

const isPublic = (n: { address: string; family: 'ipv4' | 'ipv6' }) =>
  !NOT_PUBLIC.check(n.address, n.family) && (n.family === 'ipv4' || GLOBAL_UNICAST.check(n.address, 'ipv6'));

export type SendFailure = 'blocked-destination' | 'dns-failure' | 'connection-failed' | 'timeout' | 'tls-failure' | 'network-error';

export interface SendResult {
  /** The receiver's HTTP status, when it answered. */
  status?: number;
  /** What went wrong, as a category a caller may see. */
  failure?: SendFailure;
  /** The network's own words: for the server's log only. */
  detail?: string;
  ms: number;
}

class BlockedDestination extends Error {
  readonly code = 'EBLOCKEDDESTINATION';
}

export class OutboundPolicy {
  private readonly allowed = new BlockList();
  private readonly exactHosts = new Set<string>();
  private readonly domainSuffixes: string[] = [];
  private readonly agent: Agent;

  constructor(allow: readonly string[]) {
    for (const entry of allow) {
      if (entry.includes('/')) {
        const [address, bits] = entry.split('/');
        const n = normalise(address);
        if (n) this.allowed.addSubnet(n.address, Number(bits), n.family);
      } else if (entry.startsWith('*.')) {
        this.domainSuffixes.push(entry.slice(1).toLowerCase());
      } else {
        const n = normalise(entry);
        if (n) this.allowed.addAddress(n.address, n.family);
        else this.exactHosts.add(entry.toLowerCase());
      }
    }
    this.agent = new Agent({
      connect: { lookup: (hostname, options, callback) => this.lookup(hostname, options as { all?: boolean; family?: number }, callback as never) },
      // A receiver may keep connections alive; a dead one must not pin a socket forever.
      keepAliveTimeout: 4_000,
    });
  }

  private hostAllowed(host: string): boolean {
    const h = host.toLowerCase().replace(/\.$/, '');
    return this.exactHosts.has(h) || this.domainSuffixes.some((suffix) => h.endsWith(suffix));
  }

  /** Whether a connection to this address is allowed (for a host that no pattern names). */
  addressAllowed(address: string): boolean {
    const n = normalise(address);
    if (!n) return false;
    return isPublic(n) || this.allowed.check(n.address, n.family);
  }

  /** Resolves a host as the connection will, keeping only allowed addresses. */
  private lookup(hostname: string, options: { all?: boolean; family?: number }, callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void): void {
    dnsLookup(hostname, { all: true, family: options.family ?? 0 }, (error, addresses) => {
      if (error) return callback(error, []);
      const usable = this.hostAllowed(hostname) ? addresses : addresses.filter((a) => this.addressAllowed(a.address));
      if (usable.length === 0) return callback(new BlockedDestination(`${hostname} resolves only to addresses that are not allowed`), []);
      if (options.all) return callback(null, usable);
      callback(null, usable[0].address, usable[0].family);
    });
  }

  /**
   * Checks a URL someone gives the platform to call, at registration: absolute http(s), no
   * credentials, no fragment, and a destination that is allowed now. Returns it normalised.
   */
  async checkUrl(value: string, field: string, code = 'invalid-callback-url'): Promise<string> {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new DomainError('invalid', code, `${value} is not an absolute URL`, { field });
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new DomainError('invalid', code, 'the URL must be http or https', { field });
    if (url.username || url.password) throw new DomainError('invalid', code, 'the URL must not carry credentials; deliveries are signed instead', { field });
    if (url.hash) throw new DomainError('invalid', code, 'the URL must not have a fragment', { field });
    const blocked = () =>
      new DomainError('invalid', code, `${url.hostname} is not an allowed destination: only public addresses, and those the operator allows (CERTBRIDGE_CALLBACK_ALLOW)`, { field });
    if (this.hostAllowed(url.hostname)) return url.toString();
    // RFC 6761: localhost names are loopback whatever a resolver says.
    const name = url.hostname.toLowerCase().replace(/\.$/, '');
    if (name === 'localhost' || name.endsWith('.localhost')) throw blocked();
    if (normalise(url.hostname)) {
      if (!this.addressAllowed(url.hostname)) throw blocked();
      return url.toString();
    }
    // A name is resolved now as well as at every send: one that does not resolve is refused (it
    // could be made to resolve to anything later, and a registration is no place to park a
    // guess), and so is one with any refused address among its answers. A receiver on a name the
    // public DNS does not know is named in CERTBRIDGE_CALLBACK_ALLOW instead.
    const addresses = await new Promise<LookupAddress[] | undefined>((resolve) => dnsLookup(url.hostname, { all: true }, (error, found) => resolve(error ? undefined : found)));
    if (!addresses || addresses.length === 0) {
      throw new DomainError('invalid', code, `${url.hostname} does not resolve: name a host that does (or one CERTBRIDGE_CALLBACK_ALLOW names)`, { field });
    }
    if (!addresses.every((a) => this.addressAllowed(a.address))) throw blocked();
    return url.toString();
  }

  /** POSTs `body` to `url` under the policy (checked on the address connected to); never throws. */
  async post(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<SendResult> {
    const started = Date.now();
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return { failure: 'blocked-destination', detail: 'not a URL', ms: 0 };
    }
    // A literal address is connected to without a lookup: check it here.
    if (normalise(parsed.hostname) && !this.hostAllowed(parsed.hostname) && !this.addressAllowed(parsed.hostname)) {
      return { failure: 'blocked-destination', detail: `${parsed.hostname} is not allowed`, ms: 0 };
    }
    try {
      const response = await request(parsed, {
        method: 'POST',
        headers,
        body,
        dispatcher: this.agent,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: AbortSignal.timeout(timeoutMs),
        maxRedirections: 0,
      } as Parameters<typeof request>[1]);
      // The receiver's answer is not read beyond what it takes to free the connection.
      await response.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
      return { status: response.statusCode, ms: Date.now() - started };
    } catch (error) {
      return { failure: categorise(error), detail: describe(error), ms: Date.now() - started };
    }
  }

  async close(): Promise<void> {
    await this.agent.close().catch(() => undefined);
  }
}

function codes(error: unknown): string[] {
  const found: string[] = [];
  for (let e = error as { code?: unknown; cause?: unknown; name?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string') found.push(e.code);
    if (typeof e.name === 'string') found.push(e.name);
  }
  return found;
}

function categorise(error: unknown): SendFailure {
  const c = codes(error);
  if (c.includes('EBLOCKEDDESTINATION')) return 'blocked-destination';
  if (c.some((x) => x === 'ENOTFOUND' || x === 'EAI_AGAIN' || x === 'ENODATA')) return 'dns-failure';
  if (c.some((x) => x === 'TimeoutError' || x === 'AbortError' || x.includes('TIMEOUT'))) return 'timeout';
  if (c.some((x) => x.startsWith('ERR_TLS') || x.includes('CERT') || x === 'EPROTO')) return 'tls-failure';
  if (c.some((x) => x.startsWith('EC') || x === 'EPIPE' || x === 'EHOSTUNREACH' || x === 'ENETUNREACH' || x === 'UND_ERR_SOCKET')) return 'connection-failed';
  return 'network-error';
}

function describe(error: unknown): string {
  const parts: string[] = [];
  for (let e = error as { message?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.message === 'string') parts.push(e.message);
  }
  return parts.join(': ');
}

/** The platform's outbound policy (from CERTBRIDGE_CALLBACK_ALLOW). */
export const outboundPolicy = perPlatform((platform) => new OutboundPolicy(platform.config.callbackAllow));
