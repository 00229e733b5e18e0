// vue-i18n: zh-CN by default, en switchable; the choice is remembered in localStorage.
import { createI18n } from 'vue-i18n';
import en from './en';
import zhCN from './zh-CN';

export type Locale = 'zh-CN' | 'en';
export const LOCALES: { value: Locale; label: string }[] = [
  { value: 'zh-CN', label: '简体中文' },
  { value: 'en', label: 'English' },
];
const STORAGE_KEY = 'kw-admin-locale';

function savedLocale(): Locale {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    if (v === 'en' || v === 'zh-CN') return v;
  } catch {
    // no storage
  }
  return 'zh-CN';
}

export const i18n = createI18n({
  legacy: false,
  globalInjection: true,
  locale: savedLocale(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, en },
});

export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale;
  document.documentElement.lang = locale;
  try {
    localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // no storage
  }
}

export const t = i18n.global.t;
