import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Platform } from '../platform/platform.ts';

export const auditRoutes: FastifyPluginAsyncTypebox<{ platform: Platform }> = async () => undefined;
