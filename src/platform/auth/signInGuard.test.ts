import { describe, expect, it } from 'vitest';
import { addressKey, MemoryFailureCounts, SignInGuard } from './signInGuard.ts';

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

  it('forget the oldest addresses one by one when full, never the whole table (an attacker flooding it gains no fresh start)', () => {
    const counts = new MemoryFailureCounts(3);
    for (let i = 0; i < 5; i++) counts.add('attacker', 0, 60_000);
    for (const filler of ['a', 'b', 'c', 'd']) counts.add(filler, 0, 60_000);
    expect(counts.size).toBe(3);
    expect(counts.read('a', 1).failures).toBe(0);
    expect(counts.read('d', 1).failures).toBe(1);
    // Written again, the attacker's key stays among the newest.
    const bounded = new MemoryFailureCounts(3);
    bounded.add('attacker', 0, 60_000);
    for (const filler of ['a', 'b']) bounded.add(filler, 0, 60_000);
    bounded.add('attacker', 0, 60_000);
    bounded.add('c', 0, 60_000);
    expect(bounded.read('attacker', 1).failures).toBe(2);
    expect(bounded.read('a', 1).failures).toBe(0);
    // A window ends.
    expect(bounded.read('attacker', 60_001).failures).toBe(0);
  });
});
