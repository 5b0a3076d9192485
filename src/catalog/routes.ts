import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Platform } from '../platform/platform.ts';

export const catalogRoutes: FastifyPluginAsyncTypebox<{ platform: Platform }> = async () => undefined;
