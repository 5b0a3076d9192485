import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { notFound } from '../platform/errors.ts';
import { divisions } from './divisions.ts';
import { HOLDER_CODE_TYPES } from './holderCodeTypes.ts';
import { LICENSE_TYPES, findLicenseType } from './licenseTypes.ts';

const Summary = Type.Object({
  key: Type.String(),
  version: Type.String(),
  name: Type.String(),
  nameEn: Type.String(),
  typeCode: Type.String(),
  vct: Type.String(),
  href: Type.String(),
});

/** The published standards: license types with their schemas, and the code tables they use. */
export const standardRoutes: FastifyPluginAsyncTypebox<{ platform: unknown }> = async (app) => {
  const summary = (t: (typeof LICENSE_TYPES)[number]) => ({
    key: t.key,
    version: t.version,
    name: t.name,
    nameEn: t.nameEn,
    typeCode: t.typeCode,
    vct: t.vct,
    href: `/api/v1/standards/license-types/${t.key}`,
  });

  app.get(
    '/api/v1/standards/license-types',
    { schema: { tags: ['standards'], summary: 'License types and the version of their standard', response: { 200: Type.Array(Summary) } } },
    () => LICENSE_TYPES.map(summary),
  );

  app.get(
    '/api/v1/standards/license-types/:key',
    {
      schema: {
        tags: ['standards'],
        summary: 'One license type: its data schema (JSON Schema 2020-12) and GB/T 36903 metadata schema',
        params: Type.Object({ key: Type.String() }),
      },
    },
    (request) => {
      const standard = findLicenseType(request.params.key);
      if (!standard) throw notFound('unknown-license-type', `no license type ${request.params.key}`);
      return { ...summary(standard), ...standard };
    },
  );

  app.get(
    '/api/v1/standards/divisions',
    { schema: { tags: ['standards'], summary: 'GB/T 2260 division codes of the province' } },
    () => divisions,
  );

  app.get(
    '/api/v1/standards/holder-code-types',
    { schema: { tags: ['standards'], summary: 'Holder code types (001 credit code, 111 citizen id)' } },
    () => Object.entries(HOLDER_CODE_TYPES).map(([code, t]) => ({ code, ...t })),
  );
};
