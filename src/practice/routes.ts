import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { authenticated, principalOf } from '../platform/auth/authenticate.ts';
import type { Platform } from '../platform/platform.ts';
import { practiceState, resetPractice, switchPractice } from './index.ts';

const Role = Type.Union([Type.Literal('issuer'), Type.Literal('consumer'), Type.Literal('coordinator')]);

const PracticeSchema = Type.Object({
  practice: Type.Boolean({ description: 'Whether this console session acts in the practice copy now (a new sign-in starts in real work)' }),
  copy: Type.Union([
    Type.Null(),
    Type.Object({
      serial: Type.Integer(),
      createdAt: Type.String({ format: 'date-time' }),
      departmentCode: Type.String({ description: "The department the person acts for in practice (an enterprise's: the copy's issuer)" }),
      holderCode: Type.Union([Type.String(), Type.Null()], { description: "The enterprise an enterprise acts as in practice (its copy's example enterprise); null for staff" }),
      departments: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), role: Role, own: Type.Boolean() })),
      enterprises: Type.Array(
        Type.Object({
          holderCode: Type.String(),
          name: Type.String(),
          seededLicense: Type.Boolean({ description: 'Seeded with a business license; the others are there to issue one to' }),
        }),
      ),
      resources: Type.Object({ licenses: Type.String(), reports: Type.String() }, { description: "The copy's catalog resources" }),
    }),
  ]),
});

const tags = ['session'];
const security = [{ bearer: [] }];

export const practiceRoutes: FastifyPluginAsyncTypebox<{ platform: Platform }> = async (app, { platform }) => {
  const person = authenticated(platform.tokens, ['person', 'holder']);

  app.get(
    '/api/v1/session/practice',
    {
      preHandler: person,
      schema: { tags, security, summary: "Practice mode (练习模式): whether it is on, and the person's practice copy", response: { 200: PracticeSchema } },
    },
    (request, reply) => {
      reply.header('cache-control', 'no-store');
      return practiceState(platform, principalOf(request));
    },
  );

  app.post(
    '/api/v1/session/practice',
    {
      preHandler: person,
      schema: {
        tags,
        security,
        summary: 'Switch practice mode on or off (staff or an enterprise signed in to the console; send X-CSRF-Token)',
        description:
          "On: this console session (every tab of it) acts for the person's practice copy of their department (seeded with synthetic enterprises, licenses, catalog resources and a request the first time), where nothing reaches real data or other departments. An enterprise acts as the example enterprise of a practice copy of its own (seeded with a license of the copy's issuer), whose licenses it sees and objects to. Recorded in the audit log under the person with practice: true.",
        body: Type.Object({ on: Type.Boolean() }, { additionalProperties: false }),
        response: { 200: PracticeSchema },
      },
    },
    (request) => switchPractice(platform, principalOf(request), request.body.on),
  );

  app.post(
    '/api/v1/session/practice/reset',
    {
      preHandler: person,
      schema: {
        tags,
        security,
        summary: 'Start the practice copy over: a freshly seeded copy replaces the current one (send X-CSRF-Token)',
        body: Type.Optional(Type.Object({}, { additionalProperties: false })),
        response: { 200: PracticeSchema },
      },
    },
    (request) => resetPractice(platform, principalOf(request)),
  );
};
