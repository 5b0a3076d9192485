/** The role areas, in menu order. A new area: its folder under web/src/areas/ and one line here. */
import { consumerArea } from '../areas/consumer/area.tsx';
import { coordinatorArea } from '../areas/coordinator/area.tsx';
import { enterpriseArea } from '../areas/enterprise/area.tsx';
import { helpArea } from '../areas/help/area.tsx';
import { issuerArea } from '../areas/issuer/area.tsx';
import type { AreaDefinition } from './area.ts';
import { registerMessages } from './i18n.ts';
import type { Principal } from './session.tsx';

export const AREAS: readonly AreaDefinition[] = [issuerArea, consumerArea, coordinatorArea, enterpriseArea, helpArea];

for (const area of AREAS) registerMessages(area.key, area.words);

export const areasOf = (principal: Principal) => AREAS.filter((area) => area.allows(principal));

/** Where a principal lands after signing in: its first area. */
export function homeOf(principal: Principal): string {
  const [first] = areasOf(principal);
  return first ? `/${first.key}` : '/verify';
}
