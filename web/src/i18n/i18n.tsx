import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { en } from './en';
import { LANGUAGE_STORAGE_KEY, preferredLanguage, type Language } from './language';
import { zhCN, type MessageKey, type Messages } from './zh-CN';

const CATALOGUES: Readonly<Record<Language, Messages>> = { 'zh-CN': zhCN, en };

export type Translate = (key: MessageKey, values?: Readonly<Record<string, string | number>>) => string;

interface I18n {
  readonly language: Language;
  readonly setLanguage: (language: Language) => void;
  readonly t: Translate;
}

const I18nContext = createContext<I18n | undefined>(undefined);

function storedLanguage(): string | null {
  try {
    return window.localStorage.getItem(LANGUAGE_STORAGE_KEY);
  } catch {
    return null;
  }
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [language, setLanguageState] = useState<Language>(() => preferredLanguage(storedLanguage(), navigator.languages ?? [navigator.language]));
  const setLanguage = useCallback((next: Language) => {
    try {
      window.localStorage.setItem(LANGUAGE_STORAGE_KEY, next);
    } catch {
      // Private windows may refuse storage: the choice then lasts until the page is left.
    }
    setLanguageState(next);
  }, []);
  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);
  const value = useMemo<I18n>(() => {
    const messages = CATALOGUES[language];
    const t: Translate = (key, values) => messages[key].replace(/\{(\w+)\}/g, (whole, name: string) => (values !== undefined && name in values ? String(values[name]) : whole));
    return { language, setLanguage, t };
  }, [language, setLanguage]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const i18n = useContext(I18nContext);
  if (i18n === undefined) throw new Error('useI18n outside I18nProvider');
  return i18n;
}
