// The one HTTP client of both apps: fetch with base '/api/v1', the bearer token, JSON in and out.
// Success answers are the resource itself; failures throw ApiError {status, code, message} built
// from the server's {code, message} body (or a synthetic code when there is none).
//
// 401 handling: an answer 401 to a request that carried a token means that token is no longer
// good. The first such answer clears the token and calls the handler registered with
// onUnauthorized(); every other request that was sent with the same token and fails with 401 just
// rejects, so the handler runs once however many requests were waiting. Requests sent without a
// token (a login with a wrong password) never trigger it.

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export interface RequestOptions {
  query?: Query;
  /** JSON-serialised; undefined sends no body */
  body?: unknown;
  signal?: AbortSignal;
  /** milliseconds; 0 = none. Default 30000. */
  timeoutMs?: number;
}

type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

interface State {
  baseUrl: string;
  token: string | null;
  onUnauthorized: (() => void) | null;
  fetchImpl: FetchLike | null;
}

const state: State = {
  baseUrl: '/api/v1',
  token: null,
  onUnauthorized: null,
  fetchImpl: null,
};

/** Base of every path, '/api/v1' by default (the apps are served by the API server itself). */
export function setBaseUrl(url: string): void {
  state.baseUrl = url.replace(/\/+$/, '');
}

export function setToken(token: string | null): void {
  state.token = token;
}

export function getToken(): string | null {
  return state.token;
}

/** The app's reaction to an expired/revoked token (clear the session, go to the login page). */
export function onUnauthorized(handler: (() => void) | null): void {
  state.onUnauthorized = handler;
}

/** Tests and non-browser callers may supply their own fetch. */
export function setFetch(impl: FetchLike | null): void {
  state.fetchImpl = impl;
}

/** '?a=1&b=x' from the defined, non-empty values of q ('' when none). */
export function queryString(q?: Query): string {
  if (!q) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(q)) {
    if (value === undefined || value === null || value === '') continue;
    params.append(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

function syntheticCode(status: number): string {
  switch (status) {
    case 400: return 'bad_request';
    case 401: return 'unauthorized';
    case 402: return 'insufficient_balance';
    case 403: return 'forbidden';
    case 404: return 'not_found';
    case 409: return 'conflict';
    case 413: return 'payload_too_large';
    case 502:
    case 503:
    case 504: return 'unavailable';
    default: return status >= 500 ? 'internal' : `http_${status}`;
  }
}

/** Builds the ApiError of a failed response from its body (JSON {code, message} or anything). */
export function errorFromBody(status: number, text: string): ApiError {
  try {
    const body = JSON.parse(text) as { code?: unknown; message?: unknown };
    if (body && typeof body === 'object' && typeof body.code === 'string') {
      const message = typeof body.message === 'string' ? body.message : body.code;
      return new ApiError(status, body.code, message);
    }
  } catch {
    // not JSON: a proxy's HTML page or an empty body
  }
  const code = syntheticCode(status);
  const snippet = text.trim().slice(0, 200);
  return new ApiError(status, code, snippet || `HTTP ${status}`);
}

export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const sentToken = state.token;
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (sentToken) headers.Authorization = `Bearer ${sentToken}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }

  const controller = new AbortController();
  const timeoutMs = options.timeoutMs ?? 30000;
  let timedOut = false;
  const timer = timeoutMs > 0 ? setTimeout(() => { timedOut = true; controller.abort(); }, timeoutMs) : null;
  const onOuterAbort = () => controller.abort();
  if (options.signal) {
    if (options.signal.aborted) controller.abort();
    else options.signal.addEventListener('abort', onOuterAbort, { once: true });
  }

  const doFetch: FetchLike = state.fetchImpl ?? ((input, init) => fetch(input, init));
  let response: Response;
  try {
    response = await doFetch(state.baseUrl + path + queryString(options.query), {
      method,
      headers,
      body,
      signal: controller.signal,
    });
  } catch (e) {
    if (timedOut) throw new ApiError(0, 'timeout', 'the server did not answer in time');
    if (controller.signal.aborted) throw new ApiError(0, 'aborted', 'the request was cancelled');
    throw new ApiError(0, 'network', e instanceof Error ? e.message : 'network error');
  } finally {
    if (timer) clearTimeout(timer);
    options.signal?.removeEventListener('abort', onOuterAbort);
  }

  const text = await response.text();
  if (!response.ok) {
    const error = errorFromBody(response.status, text);
    if (response.status === 401 && sentToken !== null && state.token === sentToken) {
      // First 401 for this token: forget it and let the app react once.
      state.token = null;
      try {
        state.onUnauthorized?.();
      } catch {
        // the app's handler must not turn this request's error into another one
      }
    }
    throw error;
  }
  if (response.status === 204 || text === '') return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError(response.status, 'bad_response', 'the server answered something that is not JSON');
  }
}

export const http = {
  get: <T>(path: string, query?: Query, options: RequestOptions = {}) =>
    request<T>('GET', path, { ...options, query }),
  post: <T>(path: string, body?: unknown, options: RequestOptions = {}) =>
    request<T>('POST', path, { ...options, body: body === undefined ? {} : body }),
  put: <T>(path: string, body: unknown, options: RequestOptions = {}) =>
    request<T>('PUT', path, { ...options, body }),
  del: <T = void>(path: string, options: RequestOptions = {}) => request<T>('DELETE', path, options),
};

/**
 * Fetches every page of a list endpoint (page_size 100) and returns all items. Stops at maxItems
 * (default 100000) so a huge filter cannot exhaust the browser.
 */
export async function fetchAllPages<T>(
  fetchPage: (page: number, pageSize: number) => Promise<{ items: T[]; total: number }>,
  maxItems = 100000,
): Promise<T[]> {
  const pageSize = 100;
  const all: T[] = [];
  for (let page = 1; ; ++page) {
    const result = await fetchPage(page, pageSize);
    all.push(...result.items);
    if (result.items.length < pageSize || all.length >= result.total || all.length >= maxItems) break;
  }
  return all.slice(0, maxItems);
}
