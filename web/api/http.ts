// The one HTTP client of both apps: fetch with base '/api/v1', the bearer token, JSON in and out.
// Success answers are the resource itself; failures throw ApiError {status, code, message} built
// from the server's {code, message} body (or a synthetic code when there is none).
//
// 401 handling: an answer 401 to a request that carried a token means that token is no longer
// good. The first such answer clears the token and calls the handler registered with
// onUnauthorized(); every other request that was sent with the same token and fails with 401 just
// rejects, so the handler runs once however many requests were waiting. Requests sent without a
// token (a login with a wrong password) never trigger it. The live socket reports a session the
// server revoked (close code 4001) through the same once-per-token path: reportUnauthorized().
//
// 429 handling: the server throttles logins, SMS codes, registrations and top-ups with
// 429 {code: "too_many_requests"} and a Retry-After header (seconds); the ApiError carries those
// seconds as retryAfterS so the apps can say how long to wait.
//
// Showing errors: every failure is shown once, in the user's language, through the presenter the
// app registered (present.ts; the texts are in errors.ts), unless the caller said it handles that
// code itself or wants quiet (RequestOptions.handles/quiet, or the expecting()/quietly() scopes).

import { ApiError, statusCode } from './errors';
import { presentFailure, startHandling } from './present';

export { ApiError, isApiError } from './errors';

export type Query = Record<string, string | number | boolean | null | undefined>;

export interface RequestOptions {
  query?: Query;
  /** JSON-serialised; undefined sends no body */
  body?: unknown;
  /** Send `body` (a string) as it is with this Content-Type instead of as JSON (CSV uploads). */
  contentType?: string;
  signal?: AbortSignal;
  /** milliseconds; 0 = none. Default 30000. */
  timeoutMs?: number;
  /** Send this token instead of the current one (the live socket asks a ticket for its own). */
  token?: string | null;
  /** Codes the caller shows itself (a login form says "wrong password" under the field). */
  handles?: readonly string[];
  /** Show no failure at all (background refreshes, the live socket's tickets). */
  quiet?: boolean;
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

/**
 * Seconds from a Retry-After header: delta-seconds ("30") or an HTTP date (seconds from now,
 * rounded up, at least 1). null when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | null {
  if (value === null || value === undefined) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.max(1, Math.ceil((at - now) / 1000));
}

/** Builds the ApiError of a failed response from its body (JSON {code, message} or anything). */
export function errorFromBody(status: number, text: string, retryAfterS: number | null = null): ApiError {
  try {
    const body = JSON.parse(text) as { code?: unknown; message?: unknown };
    if (body && typeof body === 'object' && typeof body.code === 'string') {
      const message = typeof body.message === 'string' ? body.message : body.code;
      return new ApiError(status, body.code, message, retryAfterS);
    }
  } catch {
    // not JSON: a proxy's HTML page (nginx limit_req answers 429 or 503 with one) or an empty body
  }
  const code = statusCode(status);
  const snippet = text.trim().slice(0, 200);
  return new ApiError(status, code, snippet || `HTTP ${status}`, retryAfterS);
}

/** The answer to a token the server refused: forget it and call the app's handler, once per token. */
function unauthorizedOnce(sentToken: string): void {
  if (state.token !== sentToken) return; // another request already did, or a new session began
  state.token = null;
  try {
    state.onUnauthorized?.();
  } catch {
    // the app's handler must not turn the caller's error into another one
  }
}

/**
 * For other channels than HTTP (the live socket closed with 4001 "revoked"): the server no longer
 * accepts this token. Same effect as a 401 answer, so the app reacts once however it learnt it.
 */
export function reportUnauthorized(token: string): void {
  unauthorizedOnce(token);
}

export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const sentToken = options.token !== undefined ? options.token : state.token;
  // Read now, before the first await: expecting()/quietly() scopes end when the caller's code does.
  const handling = startHandling(options);
  const fail = (error: ApiError): never => {
    presentFailure(error, handling, sentToken);
    throw error;
  };
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (sentToken) headers.Authorization = `Bearer ${sentToken}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['Content-Type'] = options.contentType ?? 'application/json';
    body = options.contentType ? String(options.body) : JSON.stringify(options.body);
  }

  const controller = new AbortController();
  const timeoutMs = options.timeoutMs ?? 30000;
  let timedOut = false;
  const timer =
    timeoutMs > 0
      ? setTimeout(() => {
          timedOut = true;
          controller.abort();
        }, timeoutMs)
      : null;
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
    if (timedOut) return fail(new ApiError(0, 'timeout', 'the server did not answer in time'));
    if (controller.signal.aborted) return fail(new ApiError(0, 'aborted', 'the request was cancelled'));
    return fail(new ApiError(0, 'network', e instanceof Error ? e.message : 'network error'));
  } finally {
    if (timer) clearTimeout(timer);
    options.signal?.removeEventListener('abort', onOuterAbort);
  }

  const text = await response.text();
  if (!response.ok) {
    const retryAfterS = parseRetryAfter(response.headers?.get?.('Retry-After'));
    const error = errorFromBody(response.status, text, retryAfterS);
    // First 401 for this token: forget it and let the app react once.
    if (response.status === 401 && sentToken) unauthorizedOnce(sentToken);
    return fail(error);
  }
  if (response.status === 204 || text === '') return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fail(new ApiError(response.status, 'bad_response', 'the server answered something that is not JSON'));
  }
}

export const http = {
  get: <T>(path: string, query?: Query, options: RequestOptions = {}) => request<T>('GET', path, { ...options, query }),
  post: <T>(path: string, body?: unknown, options: RequestOptions = {}) =>
    request<T>('POST', path, { ...options, body: body === undefined ? {} : body }),
  put: <T>(path: string, body: unknown, options: RequestOptions = {}) => request<T>('PUT', path, { ...options, body }),
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
