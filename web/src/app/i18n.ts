/**
 * Languages: zh-CN by default, English on request; the choice is kept in localStorage and moves
 * i18next, Ant Design's locale (ConfigProvider, see App.tsx), dayjs (date pickers) and
 * `<html lang>` together.
 */
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { common } from './messages.ts';

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

const STORAGE_KEY = 'certbridge.language';

function storedLanguage(): Language {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return (LANGUAGES as readonly string[]).includes(value ?? '') ? (value as Language) : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

function applyLanguage(language: Language): void {
  document.documentElement.lang = language;
  dayjs.locale(language === 'zh-CN' ? 'zh-cn' : 'en');
}

const initial = storedLanguage();
applyLanguage(initial);

void i18next.use(initReactI18next).init({
  lng: initial,
  fallbackLng: 'zh-CN',
  supportedLngs: [...LANGUAGES],
  ns: ['common'],
  defaultNS: 'common',
  resources: { 'zh-CN': { common: common['zh-CN'] }, en: { common: common.en } },
  interpolation: { escapeValue: false },
  returnNull: false,
  react: { useSuspense: false },
});

/** Switches the language everywhere and remembers it. */
export async function setLanguage(language: Language): Promise<void> {
  try {
    localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // private mode: the choice lasts for this page only
  }
  applyLanguage(language);
  await i18next.changeLanguage(language);
}

export function currentLanguage(): Language {
  return (LANGUAGES as readonly string[]).includes(i18next.language) ? (i18next.language as Language) : 'zh-CN';
}

type Messages = Record<string, unknown>;

/**
 * An area's own words, in both languages, under its namespace. Called at the top of the area's
 * module, so the words load with its chunk and are there before it renders.
 */
export function registerMessages(namespace: string, messages: { 'zh-CN': Messages; en: Messages }): void {
  for (const language of LANGUAGES) i18next.addResourceBundle(language, namespace, messages[language], true, true);
}

export { i18next };
