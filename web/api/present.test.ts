import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from './errors';
import { http, onUnauthorized, setFetch, setToken } from './http';
import { expecting, presentError, presentNow, quietly, setErrorPresenter } from './present';

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

async function settle(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('the request was expected to fail');
}

describe('errors are shown by the client', () => {
  let shown: string[];
  let locale: string;

  beforeEach(() => {
    shown = [];
    locale = 'zh-CN';
    setErrorPresenter({ show: (text) => shown.push(text), locale: () => locale });
    setToken(null);
    onUnauthorized(null);
  });
  afterEach(() => {
    setErrorPresenter(null);
    setFetch(null);
    setToken(null);
    onUnauthorized(null);
  });

  it('shows a failed request exactly once, in the current language, even when the caller passes it on', async () => {
    setFetch(async () => json(409, { code: 'connector_busy', message: 'the connector is charging' }));
    const e = await settle(http.post('/orders', {}));
    expect(shown).toEqual(['该充电枪正在使用中']);
    expect(presentError(e)).toBe(false); // a view or store passing it on does not show it again
    expect(shown).toHaveLength(1);
    locale = 'en';
    await settle(http.post('/orders', {}));
    expect(shown).toEqual(['该充电枪正在使用中', 'This connector is in use']);
  });

  it('leaves the codes a form expects to the form, and shows the others', async () => {
    setFetch(async () => json(401, { code: 'unauthorized', message: 'wrong login or password' }));
    const e = await settle(expecting(['unauthorized'], () => http.post('/auth/driver/login', {})));
    expect((e as ApiError).code).toBe('unauthorized');
    expect(shown).toEqual([]);
    presentError(e); // the form's own catch-all must not show it either
    expect(shown).toEqual([]);
    setFetch(async () => json(429, { code: 'too_many_requests', message: 'slow down' }));
    await settle(expecting(['unauthorized'], () => http.post('/auth/driver/login', {})));
    expect(shown).toEqual(['尝试次数过多，请稍后再试']);
  });

  it('shows nothing for quiet calls, until the caller decides to', async () => {
    setFetch(async () => json(503, { code: 'unavailable', message: 'redis down' }));
    const e = await settle(quietly(() => http.get('/orders/current')));
    await settle(http.get('/orders/current', undefined, { quiet: true }));
    expect(shown).toEqual([]);
    presentNow(e);
    expect(shown).toEqual(['服务暂不可用，请稍后再试：redis down']);
  });

  it('leaves an expired token to the 401 handler, which runs once for all waiting requests', async () => {
    let expired = 0;
    onUnauthorized(() => ++expired);
    setToken('old');
    setFetch(async () => json(401, { code: 'unauthorized', message: 'token expired' }));
    await Promise.all([settle(http.get('/me')), settle(http.get('/orders')), settle(http.get('/wallet'))]);
    expect(expired).toBe(1);
    expect(shown).toEqual([]);
  });

  it('does not show a request the caller cancelled', async () => {
    setFetch(
      (_url, init) =>
        new Promise((_resolve, reject) => {
          init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        }),
    );
    const controller = new AbortController();
    const p = settle(http.get('/stations', undefined, { signal: controller.signal }));
    controller.abort();
    expect(((await p) as ApiError).code).toBe('aborted');
    expect(shown).toEqual([]);
  });

  it('refuses a scope whose function starts no request before its first await', () => {
    expect(() =>
      quietly(async () => {
        await Promise.resolve();
        return 'too late to be quiet';
      }),
    ).toThrow(/started no request/);
  });

  it('ignores a dismissed confirmation box and shows other failures once', () => {
    expect(presentError('cancel')).toBe(false);
    const bug = new Error('x is undefined');
    expect(presentError(bug)).toBe(true);
    expect(presentError(bug)).toBe(false);
    expect(shown).toEqual(['x is undefined']);
  });
});
