/** The deliverer of a platform, once started (the outbox listeners nudge it). */
import { perPlatform } from '../platform/platform.ts';
import type { Deliverer } from './deliverer.ts';

export const deliveriesState = perPlatform((): { deliverer?: Deliverer } => ({}));
