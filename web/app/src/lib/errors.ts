// How the driver app shows a failed request: the shared client (web/api/present.ts) picks the text
// in the driver's language and calls this presenter once per failure; a network failure while
// the phone is offline says so. Pages do not toast errors themselves.
import { setErrorPresenter } from '@kilowatt/api/present'
import { showFailToast } from 'vant'
import { i18n } from '../i18n'

export function installErrorPresenter(): void {
  setErrorPresenter({
    show: (message) => showFailToast({ message, wordBreak: 'break-word' }),
    locale: () => i18n.global.locale.value,
    online: () => (typeof navigator === 'undefined' ? true : navigator.onLine),
  })
}
