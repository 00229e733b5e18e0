// The one place that knows the API's error codes and says them in the user's language (zh-CN by
// default, en). Both apps show errors through http.ts, which calls errorText(); the apps never
// match the server's message text: they switch on `code`. A code this client does not know yet
// (the server may add finer ones) is said as the code of its status (409 -> conflict ...) followed
// by the server's message, as docs/api.md "Errors" asks.
//
// The catalogs use vue-i18n's `{name}` placeholders so an app may also spread them into its own
// vue-i18n messages; errorText() fills them itself so this module needs no i18n library.

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** Seconds to wait before trying again (HTTP Retry-After), when the server said so. */
  readonly retryAfterS: number | null;

  constructor(status: number, code: string, message: string, retryAfterS: number | null = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.retryAfterS = retryAfterS;
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

/** Codes the server sends (docs/api.md "Errors") and the ones the client makes up (status 0 ...). */
export const ERROR_CODES = [
  'bad_request',
  'method_not_allowed',
  'unauthorized',
  'insufficient_balance',
  'forbidden',
  'account_disabled',
  'not_found',
  'connector_busy',
  'connector_unavailable',
  'session_active',
  'invalid_state',
  'already_exists',
  'in_use',
  'limit_reached',
  'refund_exceeds_paid',
  'conflict',
  'payload_too_large',
  'invalid_sms_code',
  'too_many_requests',
  'internal',
  'charger_offline',
  'unavailable',
  // made up by the client
  'network',
  'timeout',
  'aborted',
  'bad_response',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Messages that are not a code: said around the code's message. */
type Extra = 'offline' | 'unknown' | 'tooManyRequestsWait' | 'withDetail';
export type ErrorCatalog = Record<ErrorCode | Extra, string>;
export type ErrorLocale = 'zh-CN' | 'en';

// The 409 texts an operator meets (in_use, already_exists, invalid_state) keep the words of the
// coarse `conflict` they replace, so the console reads the same while servers of both ages run.
const zhCN: ErrorCatalog = {
  bad_request: '请求无效',
  method_not_allowed: '不支持的请求方法',
  unauthorized: '未登录或登录已过期',
  insufficient_balance: '余额不足，请先充值',
  forbidden: '没有权限执行此操作',
  account_disabled: '账号已被停用，请联系客服',
  not_found: '对象不存在',
  connector_busy: '该充电枪正在使用中',
  connector_unavailable: '该充电枪暂不可用，请换一个',
  session_active: '您已有正在进行的充电',
  invalid_state: '状态已变化，当前状态不允许此操作',
  already_exists: '已存在，当前状态不允许此操作',
  in_use: '仍在使用中，当前状态不允许此操作',
  limit_reached: '已达到数量上限',
  refund_exceeds_paid: '退款金额超过订单可退金额',
  conflict: '当前状态不允许此操作',
  payload_too_large: '提交内容过大',
  invalid_sms_code: '验证码错误或已过期，请重新获取',
  too_many_requests: '尝试次数过多，请稍后再试',
  internal: '服务器内部错误，请稍后再试',
  charger_offline: '充电桩离线，请换一个充电桩',
  unavailable: '服务暂不可用，请稍后再试',
  network: '网络错误，无法连接服务器',
  timeout: '服务器响应超时，请稍后再试',
  aborted: '请求已取消',
  bad_response: '服务器响应无效',
  offline: '当前离线，联网后再试',
  unknown: '未知错误',
  tooManyRequestsWait: '尝试次数过多，请 {seconds} 秒后再试',
  withDetail: '{title}：{detail}',
};

const en: ErrorCatalog = {
  bad_request: 'Invalid request',
  method_not_allowed: 'Method not allowed',
  unauthorized: 'Not signed in or session expired',
  insufficient_balance: 'Balance too low: please top up first',
  forbidden: 'You are not allowed to do this',
  account_disabled: 'This account is disabled: contact support',
  not_found: 'Not found',
  connector_busy: 'This connector is in use',
  connector_unavailable: 'This connector is unavailable: try another one',
  session_active: 'You already have a session running',
  invalid_state: 'Not possible any more: the state has changed',
  already_exists: 'Already exists',
  in_use: 'Still in use',
  limit_reached: 'Limit reached',
  refund_exceeds_paid: 'The refund exceeds what the order paid',
  conflict: 'Not possible in the current state',
  payload_too_large: 'Request too large',
  invalid_sms_code: 'The code is wrong or has expired: get a new one',
  too_many_requests: 'Too many attempts, try again later',
  internal: 'Something went wrong on our side. Try again later',
  charger_offline: 'The charger is offline: try another one',
  unavailable: 'Service unavailable. Try again later',
  network: 'Network error: the server cannot be reached',
  timeout: 'The server did not answer in time',
  aborted: 'Request cancelled',
  bad_response: 'Invalid answer from the server',
  offline: 'You are offline. Try again when connected',
  unknown: 'Unknown error',
  tooManyRequestsWait: 'Too many attempts, try again in {seconds} s',
  withDetail: '{title}: {detail}',
};

export const errorCatalogs: Record<ErrorLocale, ErrorCatalog> = { 'zh-CN': zhCN, en };

// Codes whose title is generic, so the server's message (which names the field, the object or the
// reason) follows it. The finer codes say it all; their server text is English for developers.
const WITH_DETAIL = new Set<string>([
  'bad_request',
  'forbidden',
  'not_found',
  'conflict',
  'invalid_state',
  'already_exists',
  'in_use',
  'refund_exceeds_paid',
  'unavailable',
]);

const KNOWN = new Set<string>(ERROR_CODES);

/** The code the client uses for a status without a (known) code. */
export function statusCode(status: number): string {
  switch (status) {
    case 400:
      return 'bad_request';
    case 401:
      return 'unauthorized';
    case 402:
      return 'insufficient_balance';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 405:
      return 'method_not_allowed';
    case 409:
      return 'conflict';
    case 413:
      return 'payload_too_large';
    case 429:
      return 'too_many_requests';
    case 502:
    case 503:
    case 504:
      return 'unavailable';
    default:
      return status >= 500 ? 'internal' : `http_${status}`;
  }
}

function catalog(locale: string): ErrorCatalog {
  return locale === 'en' || locale.startsWith('en-') ? en : zhCN;
}

function fill(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

/** The message of one code in a language (the "unknown" text for a code nobody knows). */
export function codeMessage(code: string, locale: string): string {
  const c = catalog(locale);
  return KNOWN.has(code) ? c[code as ErrorCode] : c.unknown;
}

/**
 * What the user reads for a failure. `online` false turns a network failure or timeout into "you
 * are offline"; a 429 says how long to wait when the server said so.
 */
export function errorText(e: unknown, locale: string, online = true): string {
  const c = catalog(locale);
  if (!isApiError(e)) return e instanceof Error && e.message ? e.message : c.unknown;
  if ((e.code === 'network' || e.code === 'timeout') && !online) return c.offline;
  if (e.code === 'too_many_requests' || e.status === 429) {
    return e.retryAfterS ? fill(c.tooManyRequestsWait, { seconds: e.retryAfterS }) : c.too_many_requests;
  }
  const known = KNOWN.has(e.code);
  const code = known ? e.code : statusCode(e.status);
  const title = KNOWN.has(code) ? c[code as ErrorCode] : c.unknown;
  // Made-up errors (network, timeout ...) and bodies without a message carry no useful detail.
  const detail = e.status !== 0 && e.message && e.message !== e.code ? e.message : '';
  if (!detail || (known && !WITH_DETAIL.has(code))) return title;
  return fill(c.withDetail, { title, detail });
}
