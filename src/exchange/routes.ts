import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Platform } from '../platform/platform.ts';

export const exchangeRoutes: FastifyPluginAsyncTypebox<{ platform: Platform }> = async () => undefined;
