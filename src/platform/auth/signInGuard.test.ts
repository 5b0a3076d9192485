import { describe, expect, it } from 'vitest';
import { addressKey, SignInGuard } from './signInGuard.ts';

describe('the sign-in limits', () => {
  it('key an IPv6 address by its /64 (one subscriber holds it whole) and an IPv4-mapped one as IPv4', () => {
    expect(addressKey('203.0.113.9')).toBe('203.0.113.9');
    expect(addressKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
  });

  it('double the wait with each failure beyond the free ones, up to the cap', () => {
    const guard = new SignInGuard(undefined as never, undefined as never, { signInMaxFailures: 3, signInDelaySeconds: 2, signInMaxDelaySeconds: 60, signInAddressFailures: 30 });
    expect([1, 2, 3, 4, 5, 6, 7, 8, 100].map((n) => guard.delaySeconds(n))).toEqual([0, 0, 2, 4, 8, 16, 32, 60, 60]);
  });
});
