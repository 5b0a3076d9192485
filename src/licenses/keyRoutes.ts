import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { authorize } from '../policy/index.ts';
import { authenticated, clientOf } from '../platform/auth/authenticate.ts';
import type { Platform } from '../platform/platform.ts';
import { invalid } from '../platform/errors.ts';

/** Key rotation: the coordination office retires a key and makes its successor; old signatures keep verifying. */
export const keyRoutes: FastifyPluginAsyncTypebox<{ platform: Platform }> = async (app, { platform }) => {
  app.post(
    '/api/v1/keys/rotate',
    {
      preHandler: authenticated(platform.tokens, ['client']),
      schema: {
        tags: ['keys'],
        summary: "Rotate a signing key (coordination office): a department's license key, or the status-list or token key",
        security: [{ bearer: [] }],
        body: Type.Object(
          {
            purpose: Type.Union([Type.Literal('license'), Type.Literal('status'), Type.Literal('token')]),
            department: Type.Optional(Type.String({ description: 'credit code of the department whose license key rotates' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ kid: Type.String(), alg: Type.String(), purpose: Type.String(), department: Type.Union([Type.String(), Type.Null()]) }) },
      },
    },
    async (request) => {
      authorize(clientOf(request), 'key:rotate', { type: 'Platform', id: 'certbridge' });
      const { purpose, department } = request.body;
      if (purpose === 'license' && !department) throw invalid('missing-field', 'a license key belongs to a department: give its code', '/department');
      const alg = purpose === 'license' ? platform.config.signingAlgorithm : 'EdDSA';
      const key = await platform.keys.rotate(purpose, alg, purpose === 'license' ? department : '');
      return { kid: key.kid, alg: key.alg, purpose, department: purpose === 'license' ? department! : null };
    },
  );
};
