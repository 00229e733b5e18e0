// How the console shows a failed request: the shared client (web/api/present.ts) picks the text in
// the user's language and calls this presenter once per failure. Views do not show errors; an
// action whose failure was shown already runs through attempt() so the view just stops.
import { presentError, setErrorPresenter } from '@kilowatt/api/present';
import { ElMessage } from 'element-plus';
import { i18n } from '../i18n';

export function installErrorPresenter(): void {
  setErrorPresenter({
    show: (message) => ElMessage({ type: 'error', message, showClose: true, duration: 6000, grouping: true }),
    locale: () => i18n.global.locale.value,
  });
}

/**
 * Runs a user action; true when it went through. A failure is not thrown on: the client showed an
 * API error already, a dismissed confirmation box is no failure, and anything else (a bug) is
 * shown here once.
 */
export async function attempt(action: () => Promise<unknown>): Promise<boolean> {
  try {
    await action();
    return true;
  } catch (e) {
    presentError(e);
    return false;
  }
}
