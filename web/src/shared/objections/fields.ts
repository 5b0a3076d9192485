import { useCallback } from 'react';
import { currentLanguage } from '../../app/i18n.ts';
import { fieldTitle, useStandard } from '../licenseTypes/standard.ts';

/**
 * The fields of a license type, from its standard (the console's cached one); `named` finds a
 * field by its name or its title in either language (a guided tour's example names it so).
 */
export function useLicenseFields(type: string | undefined): { names: string[]; title: (name: string) => string; named: (text: string) => string | undefined } {
  const standard = useStandard(type);
  const language = currentLanguage();
  const title = useCallback((name: string) => fieldTitle(standard, name, language), [standard, language]);
  const names = Object.keys(standard?.dataSchema.properties ?? {});
  const named = (text: string) => names.find((name) => name === text || fieldTitle(standard, name, 'zh-CN') === text || fieldTitle(standard, name, 'en') === text);
  return { names, title, named };
}
