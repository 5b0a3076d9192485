/** IP address texts read as numbers: what the outbound policy and the sign-in limits judge addresses by. */
import { isIPv6 } from 'node:net';

/** The eight 16-bit groups of an IPv6 address in any textual form (`::`, a dotted IPv4 tail, a zone dropped); undefined for anything else. */
export function ipv6Groups(text: string): number[] | undefined {
  const address = text.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (!isIPv6(address)) return undefined;
  let body = address.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(body);
  if (dotted) {
    const [a, b, c, d] = dotted[1].split('.').map(Number);
    body = `${body.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = body.split('::');
  const part = (s: string | undefined) => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const left = part(head);
  const right = part(tail);
  return tail === undefined ? left : [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/** The IPv4 address in the low 32 bits of IPv6 groups. */
export const embeddedIPv4 = (groups: readonly number[]): string => [groups[6] >> 8, groups[6] & 255, groups[7] >> 8, groups[7] & 255].join('.');

/** An IPv4-mapped IPv6 address (`::ffff:127.0.0.1`, `::ffff:7f00:1`) as the IPv4 address it is; any other text unchanged. */
export function unmapped(text: string): string {
  const groups = ipv6Groups(text);
  return groups && groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff ? embeddedIPv4(groups) : text.replace(/^\[|\]$/g, '');
}

