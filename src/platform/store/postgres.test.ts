import { describe, expect, it } from 'vitest';
import { isUnavailable } from './postgres.ts';

describe('isUnavailable', () => {
  it('counts a read-only transaction (a connection on a standby during a failover) as the store being away, not as a fault of the query', () => {
    expect(isUnavailable({ code: '25006', message: 'cannot execute INSERT in a read-only transaction' })).toBe(true);
    expect(isUnavailable({ code: '57P01', message: 'terminating connection due to administrator command' })).toBe(true);
    expect(isUnavailable({ code: '23505', message: 'duplicate key value violates unique constraint' })).toBe(false);
  });
});
