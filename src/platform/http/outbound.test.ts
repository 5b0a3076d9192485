import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../errors.ts';
import { OutboundPolicy } from './outbound.ts';

let server: Server;
let port: number;
let hits = 0;
beforeAll(async () => {
  server = createServer((_req, res) => {
    hits++;
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const refusal = async (policy: OutboundPolicy, url: string) => {
  try {
    await policy.checkUrl(url, '/callbackUrl');
    return undefined;
  } catch (error) {
    return error as DomainError;
  }
};

describe('outbound destinations (SSRF)', () => {
  it('refuses loopback, private, link-local and special addresses, whatever the port, unless allowed', async () => {
    const policy = new OutboundPolicy([]);
    for (const url of [
      'http://127.0.0.1:5432/',
      'http://127.1.2.3/',
      'http://[::1]:3000/',
      'http://0.0.0.0/',
      'http://localhost:22/',
      'http://LOCALHOST./',
      'http://10.0.0.7/hook',
      'http://172.20.1.1/',
      'http://192.168.1.1/',
      'http://169.254.169.254/latest/meta-data/',
      'http://100.64.0.1/',
      'http://[fd00::1]/',
      'http://[fe80::1]/',
      'http://[::ffff:127.0.0.1]/',
      'http://[::ffff:7f00:1]/',
      'http://[64:ff9b::7f00:1]/',
      'http://2130706433/',
      'http://0x7f000001/',
      'http://017700000001/',
      // The second outside test: IPv4-compatible and IPv4-translated forms of 127.0.0.1 were accepted and sent to.
      'http://[::7f00:1]/',
      'http://[::127.0.0.1]/',
      'http://[::ffff:0:7f00:1]/',
      // NAT64 forms (well-known and local-use prefixes), even of a public IPv4 address; 6to4 and Teredo carry one too.
      'http://[64:ff9b::808:808]/',
      'http://[64:ff9b:1::a00:1]/',
      'http://[2002:7f00:1::1]/',
      'http://[2001::1]/',
      // Other special-purpose ranges of the IANA registries, and everything outside 2000::/3.
      'http://[::]/',
      'http://[100::1]/',
      'http://[2001:db8::1]/',
      'http://[3fff::1]/',
      'http://[5f00::1]/',
      'http://[ff02::1]/',
      'http://[4000::1]/',
      'http://192.0.0.8/',
      'http://192.31.196.1/',
      'http://192.175.48.1/',
      'http://255.255.255.255/',
    ]) {
      const error = await refusal(policy, url);
      expect(error, url).toBeInstanceOf(DomainError);
      expect(error!.code, url).toBe('invalid-callback-url');
      expect(error!.field).toBe('/callbackUrl');
    }
    // A name that does not resolve is refused at registration too (it could be pointed anywhere later).
    const unresolved = await refusal(policy, 'http://no-such-receiver.certbridge.invalid/hook');
    expect(unresolved?.code).toBe('invalid-callback-url');
    expect(unresolved?.message).toContain('does not resolve');
    for (const url of ['ftp://example.org/', 'http://user:pw@example.org/', 'http://example.org/#x', 'not a url']) {
      expect((await refusal(policy, url))?.code, url).toBe('invalid-callback-url');
    }
  });

  it('accepts public addresses, and what CERTBRIDGE_CALLBACK_ALLOW names (hosts, *.domains, CIDRs)', async () => {
    expect(await refusal(new OutboundPolicy([]), 'https://8.8.8.8/hook')).toBeUndefined();
    expect(await refusal(new OutboundPolicy([]), 'https://[2400:3200::1]/hook')).toBeUndefined();
    expect(await refusal(new OutboundPolicy([]), 'https://[::ffff:8.8.8.8]/hook')).toBeUndefined();
    const policy = new OutboundPolicy(['127.0.0.1/32', '*.zwww.example', 'hooks.internal']);
    expect(await refusal(policy, `http://127.0.0.1:${port}/`)).toBeUndefined();
    expect(await refusal(policy, 'http://a.b.zwww.example/')).toBeUndefined();
    expect(await refusal(policy, 'http://hooks.internal/')).toBeUndefined();
    expect((await refusal(policy, 'http://127.0.0.2/'))?.code).toBe('invalid-callback-url');
    expect((await refusal(policy, 'http://[::1]/'))?.code).toBe('invalid-callback-url');
  });

  it('checks the address actually connected to at send time, and tells the caller a category only', async () => {
    const before = hits;
    // A name registered while it pointed elsewhere and now resolving to loopback (DNS rebinding) is not connected to.
    const strict = await new OutboundPolicy([]).post(`http://localhost:${port}/`, '{}', { 'content-type': 'application/json' }, 2_000);
    expect(strict).toMatchObject({ failure: 'blocked-destination' });
    expect(strict.status).toBeUndefined();
    const literal = await new OutboundPolicy([]).post(`http://127.0.0.1:${port}/`, '{}', {}, 2_000);
    expect(literal.failure).toBe('blocked-destination');
    for (const form of ['[::7f00:1]', '[::ffff:0:7f00:1]', '[::ffff:7f00:1]']) {
      const sent = await new OutboundPolicy([]).post(`http://${form}:${port}/`, '{}', {}, 2_000);
      expect(sent, form).toMatchObject({ failure: 'blocked-destination', ms: 0 });
    }
    expect(hits).toBe(before);
    const allowed = await new OutboundPolicy(['127.0.0.1/32']).post(`http://localhost:${port}/`, '{}', {}, 2_000);
    expect(allowed).toMatchObject({ status: 200 });
    expect(hits).toBe(before + 1);
    const closed = await new OutboundPolicy(['127.0.0.1/32']).post('http://127.0.0.1:9/', '{}', {}, 2_000);
    expect(closed.failure).toBe('connection-failed');
  });
});
