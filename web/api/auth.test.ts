import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { register, sendSmsCode } from './auth';
import { ApiError, setFetch, setToken } from './http';

describe('auth', () => {
  let calls: { url: string; method?: string; body: unknown }[];

  function answer(status: number, body: unknown, headers: Record<string, string> = {}) {
    setFetch(async (url, init) => {
      calls.push({ url, method: init?.method, body: init?.body ? JSON.parse(String(init.body)) : undefined });
      return new Response(JSON.stringify(body), { status, headers });
    });
  }

  beforeEach(() => {
    calls = [];
    setToken(null);
  });
  afterEach(() => setFetch(null));

  it('asks for a registration SMS code', async () => {
    answer(202, { sent: true, expires_in_s: 300, resend_after_s: 60 });
    const sent = await sendSmsCode('13800138001');
    expect(calls).toEqual([{ url: '/api/v1/auth/sms-code', method: 'POST', body: { phone: '13800138001', purpose: 'register' } }]);
    expect(sent).toEqual({ sent: true, expires_in_s: 300, resend_after_s: 60 });
  });

  it('registers with phone, code, password and an optional nickname', async () => {
    answer(201, { token: 't', expires_at: '2026-07-01T00:00:00Z', driver: { id: 1 } });
    await register('13800138001', '123456', 'Drive1234', '车主');
    await register('13800138002', '654321', 'Drive1234');
    expect(calls.map((c) => c.body)).toEqual([
      { phone: '13800138001', code: '123456', password: 'Drive1234', nickname: '车主' },
      { phone: '13800138002', code: '654321', password: 'Drive1234' },
    ]);
    expect(calls[0].url).toBe('/api/v1/auth/driver/register');
  });

  it('fails with invalid_sms_code for a wrong code and too_many_requests with the wait', async () => {
    answer(400, { code: 'invalid_sms_code', message: 'wrong or expired code' });
    const wrong = await register('13800138001', '000000', 'Drive1234').catch((e: ApiError) => e);
    expect(wrong).toBeInstanceOf(ApiError);
    expect((wrong as ApiError).code).toBe('invalid_sms_code');

    answer(429, { code: 'too_many_requests', message: 'too many codes' }, { 'Retry-After': '60' });
    const throttled = await sendSmsCode('13800138001').catch((e: ApiError) => e);
    expect((throttled as ApiError).status).toBe(429);
    expect((throttled as ApiError).retryAfterS).toBe(60);
  });
});
