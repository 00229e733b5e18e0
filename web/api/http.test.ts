import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ApiError,
  errorFromBody,
  fetchAllPages,
  getToken,
  http,
  onUnauthorized,
  parseRetryAfter,
  queryString,
  reportUnauthorized,
  setFetch,
  setToken,
} from './http';

/** The ApiError a request fails with (the test fails if it succeeds). */
async function failure(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    return e as ApiError;
  }
  throw new Error('the request was expected to fail');
}

function json(status: number, body: unknown): Response {
  return new Response(body === undefined ? '' : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });
}

describe('http', () => {
  let calls: { url: string; init: RequestInit }[];

  beforeEach(() => {
    calls = [];
    setToken(null);
    onUnauthorized(null);
  });
  afterEach(() => {
    setFetch(null);
    setToken(null);
    onUnauthorized(null);
  });

  it('sends the bearer token and JSON body to /api/v1 and returns the parsed answer', async () => {
    setFetch(async (url, init) => {
      calls.push({ url, init: init! });
      return json(201, { id: 7 });
    });
    setToken('tok-1');
    const out = await http.post<{ id: number }>('/orders', { charger_code: 'A', connector: 1 });
    expect(out).toEqual({ id: 7 });
    expect(calls[0].url).toBe('/api/v1/orders');
    const headers = calls[0].init.headers as Record<string, string>;
    expect(headers.Authorization).toBe('Bearer tok-1');
    expect(headers['Content-Type']).toBe('application/json');
    expect(JSON.parse(calls[0].init.body as string)).toEqual({ charger_code: 'A', connector: 1 });
  });

  it('leaves out empty query values', async () => {
    setFetch(async (url) => {
      calls.push({ url, init: {} });
      return json(200, { items: [], total: 0, page: 1, page_size: 20 });
    });
    await http.get('/admin/orders', { state: 'settled', station_id: undefined, q: '', page: 2 });
    expect(calls[0].url).toBe('/api/v1/admin/orders?state=settled&page=2');
    expect(queryString({ a: 'x y', b: null })).toBe('?a=x+y');
  });

  it('returns undefined for 204 No Content', async () => {
    setFetch(async () => new Response(null, { status: 204 }));
    await expect(http.del('/admin/stations/3')).resolves.toBeUndefined();
  });

  it('maps an error body to ApiError with status, code and the server message', async () => {
    setFetch(async () => json(409, { code: 'conflict', message: 'station 3 still has 2 chargers' }));
    const err = await failure(http.del('/admin/stations/3'));
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(409);
    expect(err.code).toBe('conflict');
    expect(err.message).toBe('station 3 still has 2 chargers');
  });

  it('maps a non-JSON error page to a code from the status', () => {
    const e = errorFromBody(502, '<html>Bad gateway</html>');
    expect(e.code).toBe('unavailable');
    expect(e.status).toBe(502);
    expect(errorFromBody(500, '').code).toBe('internal');
    expect(errorFromBody(418, '').code).toBe('http_418');
    expect(errorFromBody(400, '{"code":"bad_request"}').message).toBe('bad_request');
  });

  it('maps a failed fetch to a network error with status 0', async () => {
    setFetch(async () => {
      throw new TypeError('Failed to fetch');
    });
    const err = await failure(http.get('/me'));
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(0);
    expect(err.code).toBe('network');
  });

  it('maps a request that takes too long to a timeout error', async () => {
    setFetch(
      (_url, init) =>
        new Promise((_resolve, reject) => {
          init!.signal!.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        }),
    );
    const err = await failure(http.get('/me', undefined, { timeoutMs: 20 }));
    expect(err.code).toBe('timeout');
  });

  it('maps a cancelled request to aborted', async () => {
    setFetch(
      (_url, init) =>
        new Promise((_resolve, reject) => {
          init!.signal!.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        }),
    );
    const controller = new AbortController();
    const pending = failure(http.get('/me', undefined, { signal: controller.signal }));
    controller.abort();
    expect((await pending).code).toBe('aborted');
  });

  it('calls the 401 handler once for all concurrent requests that fail with the same token', async () => {
    const resolvers: ((r: Response) => void)[] = [];
    setFetch(() => new Promise<Response>((resolve) => resolvers.push(resolve)));
    const handler = vi.fn();
    onUnauthorized(handler);
    setToken('expired');
    const pending = [http.get('/me'), http.get('/admin/dashboard'), http.get('/admin/alarms')].map(failure);
    await vi.waitFor(() => expect(resolvers.length).toBe(3));
    for (const resolve of resolvers) resolve(json(401, { code: 'unauthorized', message: 'invalid or expired token' }));
    const errors = await Promise.all(pending);
    expect(handler).toHaveBeenCalledTimes(1);
    expect(getToken()).toBeNull();
    for (const e of errors) {
      expect(e).toBeInstanceOf(ApiError);
      expect(e.status).toBe(401);
    }
  });

  it('does not call the 401 handler for a request sent without a token (wrong password)', async () => {
    setFetch(async () => json(401, { code: 'unauthorized', message: 'wrong login or password' }));
    const handler = vi.fn();
    onUnauthorized(handler);
    const err = await failure(http.post('/auth/staff/login', { login: 'a', password: 'b' }));
    expect(err.code).toBe('unauthorized');
    expect(handler).not.toHaveBeenCalled();
  });

  it('does not call the 401 handler for a stale request once a new token was set', async () => {
    let resolveOld: (r: Response) => void = () => {};
    setFetch(() => new Promise<Response>((resolve) => (resolveOld = resolve)));
    const handler = vi.fn();
    onUnauthorized(handler);
    setToken('old');
    const pending = failure(http.get('/me'));
    await vi.waitFor(() => expect(typeof resolveOld).toBe('function'));
    setToken('new'); // the user signed in again meanwhile
    resolveOld(json(401, { code: 'unauthorized', message: 'expired' }));
    expect((await pending).status).toBe(401);
    expect(handler).not.toHaveBeenCalled();
    expect(getToken()).toBe('new');
  });

  it('calls the handler again for a later token that expires too', async () => {
    setFetch(async () => json(401, { code: 'unauthorized', message: 'expired' }));
    const handler = vi.fn();
    onUnauthorized(handler);
    setToken('a');
    await http.get('/me').catch(() => {});
    setToken('b');
    await http.get('/me').catch(() => {});
    expect(handler).toHaveBeenCalledTimes(2);
  });

  it('does not treat 403 as a lost session', async () => {
    setFetch(async () => json(403, { code: 'forbidden', message: 'role maintainer lacks permission orders_refund' }));
    const handler = vi.fn();
    onUnauthorized(handler);
    setToken('t');
    const err = await failure(http.post('/admin/orders/1/refunds', { amount_fen: 1, reason: 'x' }));
    expect(err.status).toBe(403);
    expect(handler).not.toHaveBeenCalled();
    expect(getToken()).toBe('t');
  });

  it('surfaces 429 with the Retry-After seconds', async () => {
    setFetch(
      async () =>
        new Response(JSON.stringify({ code: 'too_many_requests', message: 'too many attempts' }), {
          status: 429,
          headers: { 'Content-Type': 'application/json', 'Retry-After': '42' },
        }),
    );
    const err = await failure(http.post('/auth/staff/login', { login: 'a', password: 'b' }));
    expect(err.status).toBe(429);
    expect(err.code).toBe('too_many_requests');
    expect(err.retryAfterS).toBe(42);
  });

  it('maps a 429 without a JSON body (a proxy limit) to too_many_requests', async () => {
    setFetch(async () => new Response('<html>429 Too Many Requests</html>', { status: 429 }));
    const err = await failure(http.get('/me'));
    expect(err.code).toBe('too_many_requests');
    expect(err.retryAfterS).toBeNull();
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-06-01T00:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Mon, 01 Jun 2026 00:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('Sun, 31 May 2026 23:00:00 GMT', now)).toBe(1);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });

  it('sends an explicit token instead of the current one when asked', async () => {
    setFetch(async (url, init) => {
      calls.push({ url, init: init! });
      return json(201, { ticket: 'x', expires_in_s: 30 });
    });
    setToken('current');
    await http.post('/ws-ticket', undefined, { token: 'other' });
    expect((calls[0].init.headers as Record<string, string>).Authorization).toBe('Bearer other');
  });

  it('runs the 401 handler once whether a request or the live socket learnt the token was revoked', async () => {
    setFetch(async () => json(401, { code: 'unauthorized', message: 'revoked' }));
    const handler = vi.fn();
    onUnauthorized(handler);
    setToken('t');
    reportUnauthorized('t');
    expect(handler).toHaveBeenCalledTimes(1);
    expect(getToken()).toBeNull();
    reportUnauthorized('t'); // the second report of the same token
    await http.get('/me', undefined, { token: 't' }).catch(() => {});
    expect(handler).toHaveBeenCalledTimes(1);
    setToken('new');
    reportUnauthorized('t'); // a stale token does not end the new session
    expect(handler).toHaveBeenCalledTimes(1);
    expect(getToken()).toBe('new');
  });

  it('fetches every page of a list', async () => {
    const all = Array.from({ length: 230 }, (_, i) => i);
    const seen: number[] = [];
    const items = await fetchAllPages(async (page, size) => {
      seen.push(page);
      return { items: all.slice((page - 1) * size, page * size), total: all.length };
    });
    expect(items).toEqual(all);
    expect(seen).toEqual([1, 2, 3]);
  });
});
