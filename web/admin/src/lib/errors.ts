// Turns any failure into a message in the user's language: a known API error code becomes its
// translation followed by the server's own message (which names the field or the reason), an
// unknown code shows the server's message as it is. Throttling (429) says how long to wait, from the
// Retry-After header the client read.
import { isApiError } from '@kilowatt/api/http';
import { ElMessage } from 'element-plus';
import { i18n } from '../i18n';

const KNOWN = new Set([
  'bad_request', 'unauthorized', 'forbidden', 'not_found', 'conflict', 'insufficient_balance',
  'payload_too_large', 'unavailable', 'internal', 'network', 'timeout', 'aborted', 'bad_response',
]);

export function errorText(e: unknown): string {
  const t = i18n.global.t;
  if (isApiError(e)) {
    if (e.code === 'too_many_requests' || e.status === 429) {
      return e.retryAfterS ? t('errors.tooManyRequestsWait', { seconds: e.retryAfterS }) : t('errors.too_many_requests');
    }
    if (!KNOWN.has(e.code)) return e.message || t('errors.unknown');
    const title = t(`errors.${e.code}`);
    // Synthetic errors (network, timeout ...) carry no useful server detail.
    if (e.status === 0 || !e.message || e.message === e.code) return title;
    return t('errors.withDetail', { title, detail: e.message });
  }
  if (e instanceof Error && e.message) return e.message;
  return t('errors.unknown');
}

/** Shows the error as a toast; returns its text. Cancelled confirmations are ignored. */
export function showError(e: unknown): string | null {
  if (e === 'cancel' || e === 'close') return null; // ElMessageBox dismissed
  const text = errorText(e);
  ElMessage({ type: 'error', message: text, showClose: true, duration: 6000, grouping: true });
  return text;
}
