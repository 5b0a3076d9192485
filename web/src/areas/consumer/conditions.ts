/**
 * The sharing conditions in the reader's language: the English text for the English console when
 * the provider wrote one, else the Chinese one (what every conditional resource has).
 */
export function conditionsIn(resource: { conditions: string | null; conditionsEn?: string | null }, language: string): string | null {
  return (language === 'en' ? resource.conditionsEn : null) ?? resource.conditions;
}
