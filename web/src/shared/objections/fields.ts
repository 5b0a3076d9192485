import { useCallback, useEffect, useState } from 'react';
import { api } from '../../app/api.ts';
import { currentLanguage } from '../../app/i18n.ts';

interface FieldSchema {
  title?: string;
  'x-title-en'?: string;
}

const standards = new Map<string, Promise<Record<string, FieldSchema>>>();

/** The fields of a license type, from its standard (GET /api/v1/standards/license-types/{type}), once per page load. */
export function useLicenseFields(type: string | undefined): { names: string[]; title: (name: string) => string } {
  const [schema, setSchema] = useState<Record<string, FieldSchema>>({});
  useEffect(() => {
    if (!type) return;
    let live = true;
    if (!standards.has(type)) {
      const loading = api<{ dataSchema: { properties: Record<string, FieldSchema> } }>(`/api/v1/standards/license-types/${encodeURIComponent(type)}`).then((s) => s.dataSchema.properties);
      loading.catch(() => standards.delete(type));
      standards.set(type, loading);
    }
    standards
      .get(type)!
      .then((s) => live && setSchema(s))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [type]);
  const en = currentLanguage() === 'en';
  const title = useCallback((name: string) => (en ? schema[name]?.['x-title-en'] : schema[name]?.title) ?? schema[name]?.title ?? name, [schema, en]);
  return { names: Object.keys(schema), title };
}
