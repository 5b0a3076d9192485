import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { authenticated, principalOf } from '../platform/auth/authenticate.ts';
import type { Platform } from '../platform/platform.ts';
import { markNotificationRead, readInbox } from './index.ts';

const Nullable = (schema: ReturnType<typeof Type.String>) => Type.Union([schema, Type.Null()]);

const NotificationSchema = Type.Object({
  id: Type.String(),
  department: Type.String(),
  kind: Type.String({ description: 'What happened, e.g. agreement.submitted' }),
  title: Type.String(),
  titleEn: Type.String(),
  body: Nullable(Type.String()),
  link: Nullable(Type.String({ description: 'API path of what it is about' })),
  agreementId: Nullable(Type.String()),
  createdAt: Type.String(),
  read: Type.Boolean(),
  readAt: Nullable(Type.String()),
});

/** The inbox of the caller's department. */
export const notificationRoutes: FastifyPluginAsyncTypebox<{ platform: Platform }> = async (app, { platform }) => {
  const signedIn = authenticated(platform.tokens);
  const tags = ['inbox'];
  const security = [{ bearer: [] }];

  app.get(
    '/api/v1/inbox',
    {
      preHandler: signedIn,
      schema: {
        tags,
        security,
        summary: "Your department's notifications, newest first",
        querystring: Type.Object({
          unread: Type.Optional(Type.Boolean({ description: 'Only the unread ones' })),
          kind: Type.Optional(Type.String()),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
          offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
        }),
        response: {
          200: Type.Object({
            items: Type.Array(NotificationSchema),
            total: Type.Integer(),
            unread: Type.Integer({ description: 'Unread notifications in the whole inbox' }),
            limit: Type.Integer(),
            offset: Type.Integer(),
          }),
        },
      },
    },
    (request) => readInbox(platform, principalOf(request), request.query),
  );

  app.post(
    '/api/v1/inbox/:id/read',
    {
      preHandler: signedIn,
      schema: { tags, security, summary: 'Mark a notification read', params: Type.Object({ id: Type.String() }), response: { 200: NotificationSchema } },
    },
    (request) => markNotificationRead(platform, principalOf(request), request.params.id),
  );
};
