import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { DICTIONARY, type Key } from './dictionary';
import { hasKey } from './has-key';

export type Lang = 'ja' | 'en';
export type Bilingual = Readonly<{ ja: string; en: string }>;
type Vars = Readonly<Record<string, string | number>>;

const STORAGE_KEY = 'kagiya.lang';

function storedLang(): Lang {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'ja';
  } catch {
    return 'ja';
  }
}

// The API client asks for error messages in the language on screen.
let current: Lang = storedLang();
export const currentLang = (): Lang => current;

export function translate(lang: Lang, key: Key, vars: Vars = {}): string {
  const text = DICTIONARY[key][lang === 'ja' ? 0 : 1];
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

type LangContext = Readonly<{
  lang: Lang;
  setLang(lang: Lang): void;
  t(key: Key, vars?: Vars): string;
  /** The label of an enumerated value (`state_opened`, `card_active`…); the raw value when there is none. */
  tv(prefix: string, value: string | null | undefined): string;
  /** Picks this language's half of a bilingual text from the server. */
  pick(text: Bilingual): string;
}>;

const Context = createContext<LangContext | null>(null);

export function LangProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(storedLang);
  const setLang = useCallback((next: Lang) => {
    current = next;
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Private mode: the choice lasts for this page only.
    }
    setLangState(next);
  }, []);
  useEffect(() => {
    current = lang;
    document.documentElement.lang = lang;
  }, [lang]);
  const value = useMemo<LangContext>(
    () => ({
      lang,
      setLang,
      t: (key, vars) => translate(lang, key, vars),
      tv: (prefix, value) => {
        if (value === null || value === undefined || value === '') return '—';
        const key = `${prefix}${value}`;
        return hasKey(key) ? translate(lang, key) : value;
      },
      pick: (text) => text[lang],
    }),
    [lang, setLang],
  );
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useLang(): LangContext {
  const value = useContext(Context);
  if (!value) throw new Error('useLang outside LangProvider');
  return value;
}
