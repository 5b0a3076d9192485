import { describe, expect, it } from 'vitest';
import { who } from './who.ts';

describe('who did something, as a person reads it', () => {
  it('a person and an enterprise by their names, not their user names or codes', () => {
    expect(who('person:demo.issuer', '王芳')).toBe('王芳');
    expect(who('holder:91370100MA3C5ELX7Q', '济南某某科技有限公司')).toBe('济南某某科技有限公司');
  });
  it('without a name: the actor without its kind; nobody as a dash', () => {
    expect(who('person:demo.issuer', null)).toBe('demo.issuer');
    expect(who('demo-tax')).toBe('demo-tax');
    expect(who(null)).toBe('—');
  });
});
