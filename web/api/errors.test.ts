import { describe, expect, it } from 'vitest';
import { ApiError, ERROR_CODES, codeMessage, errorCatalogs, errorText } from './errors';

describe('errorText', () => {
  it('has a message for every code in both languages, with the same placeholders', () => {
    for (const code of ERROR_CODES) {
      expect(errorCatalogs['zh-CN'][code], code).toBeTruthy();
      expect(errorCatalogs.en[code], code).toBeTruthy();
    }
    const holes = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(errorCatalogs.en) as (keyof typeof errorCatalogs.en)[]) {
      expect(holes(errorCatalogs.en[key]), key).toEqual(holes(errorCatalogs['zh-CN'][key]));
    }
  });

  it('says each finer 409 code by its code, whatever the server message says', () => {
    const busy = new ApiError(409, 'connector_busy', 'you already have an active charging session');
    expect(errorText(busy, 'zh-CN')).toBe('该充电枪正在使用中');
    expect(errorText(new ApiError(409, 'session_active', 'the connector is charging'), 'en')).toBe('You already have a session running');
    expect(errorText(new ApiError(503, 'charger_offline', 'x'), 'zh-CN')).toBe('充电桩离线，请换一个充电桩');
    expect(errorText(new ApiError(403, 'account_disabled', 'disabled'), 'zh-CN')).toBe('账号已被停用，请联系客服');
  });

  it('keeps the server detail after generic titles, and the operator wording of conflict for in_use', () => {
    expect(errorText(new ApiError(409, 'conflict', 'station 3 still has chargers'), 'zh-CN')).toBe(
      '当前状态不允许此操作：station 3 still has chargers',
    );
    expect(errorText(new ApiError(409, 'in_use', 'station 3 still has 1 charger'), 'zh-CN')).toMatch(
      /当前状态不允许此操作：station 3 still has 1 charger$/,
    );
    expect(errorText(new ApiError(400, 'bad_request', 'name: required'), 'en')).toBe('Invalid request: name: required');
  });

  it('falls back on the status for a code it does not know, with the server message', () => {
    expect(errorText(new ApiError(409, 'brand_new_code', 'the moon is full'), 'en')).toBe(
      'Not possible in the current state: the moon is full',
    );
    expect(errorText(new ApiError(503, 'other_outage', 'redis down'), 'zh-CN')).toBe('服务暂不可用，请稍后再试：redis down');
    expect(errorText(new ApiError(418, 'teapot', 'I am a teapot'), 'en')).toBe('Unknown error: I am a teapot');
  });

  it('says how long to wait when throttled, in both languages', () => {
    const e = new ApiError(429, 'too_many_requests', 'too many failed logins', 287);
    expect(errorText(e, 'zh-CN')).toBe('尝试次数过多，请 287 秒后再试');
    expect(errorText(e, 'en')).toBe('Too many attempts, try again in 287 s');
    expect(errorText(new ApiError(429, 'too_many_requests', '<html>'), 'en')).toBe('Too many attempts, try again later');
  });

  it('says offline for a network failure without network, and no detail for made-up errors', () => {
    const e = new ApiError(0, 'network', 'Failed to fetch');
    expect(errorText(e, 'zh-CN', false)).toBe('当前离线，联网后再试');
    expect(errorText(e, 'zh-CN', true)).toBe('网络错误，无法连接服务器');
    expect(errorText(new Error('boom'), 'en')).toBe('boom');
    expect(errorText('??', 'en')).toBe('Unknown error');
  });

  it('gives one code its message', () => {
    expect(codeMessage('insufficient_balance', 'zh-CN')).toBe('余额不足，请先充值');
    expect(codeMessage('nope', 'en')).toBe('Unknown error');
  });
});
