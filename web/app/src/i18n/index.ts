// vue-i18n setup: zh-CN by default, en switchable; the choice is remembered in localStorage.
// zh-CN comes with the entry chunk; en is loaded when first chosen (main.ts waits for it before
// mounting when it is the saved choice), so most phones never download it.
import { createI18n } from 'vue-i18n'
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
  messages: { 'zh-CN': zhCN } as Partial<Record<Locale, typeof zhCN>>,
})

// Makes sure a locale's messages are loaded (only en can be missing).
export async function loadLocale(locale: Locale): Promise<void> {
  if (i18n.global.availableLocales.includes(locale)) return
  const { default: messages } = await import('./en')
  i18n.global.setLocaleMessage(locale, messages)
}

export async function setLocale(locale: Locale): Promise<void> {
  await loadLocale(locale)
  i18n.global.locale.value = locale
  try {
    globalThis.localStorage?.setItem(KEY, locale)
  } catch {
    // not remembered; still switched
  }
  if (typeof document !== 'undefined') document.documentElement.lang = locale
}
