// vue-i18n setup: zh-CN by default, en switchable; the choice is remembered in localStorage.
import { createI18n } from 'vue-i18n'
import en from './en'
import zhCN from './zh-CN'

export type Locale = 'zh-CN' | 'en'
export const LOCALES: Locale[] = ['zh-CN', 'en']
const KEY = 'kw.app.locale'

export function savedLocale(): Locale {
  try {
    const v = globalThis.localStorage?.getItem(KEY)
    if (v === 'en' || v === 'zh-CN') return v
  } catch {
    // storage blocked: default
  }
  return 'zh-CN'
}

export const i18n = createI18n({
  legacy: false,
  globalInjection: true,
  locale: savedLocale(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, en },
})

export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale
  try {
    globalThis.localStorage?.setItem(KEY, locale)
  } catch {
    // not remembered; still switched
  }
  if (typeof document !== 'undefined') document.documentElement.lang = locale
}
