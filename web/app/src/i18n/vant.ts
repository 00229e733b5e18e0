// Vant's own texts (dialog buttons, list loading ...) follow the app language.
import { Locale } from 'vant'
import enUS from 'vant/es/locale/lang/en-US'
import zhCN from 'vant/es/locale/lang/zh-CN'

export function applyVantLocale(locale: string): void {
  if (locale === 'en') Locale.use('en-US', enUS)
  else Locale.use('zh-CN', zhCN)
}
