import { ApiError } from '@kilowatt/api/http';
import { afterEach, describe, expect, it } from 'vitest';
import { i18n } from '../i18n';
import { errorText } from './errors';

describe('errorText', () => {
  afterEach(() => {
    i18n.global.locale.value = 'zh-CN';
  });

  it('says how long to wait when the server throttles (429 + Retry-After), in both languages', () => {
    const e = new ApiError(429, 'too_many_requests', 'too many failed logins', 287);
    expect(errorText(e)).toBe('尝试次数过多，请 287 秒后再试');
    i18n.global.locale.value = 'en';
    expect(errorText(e)).toBe('Too many attempts, try again in 287 s');
    expect(errorText(new ApiError(429, 'too_many_requests', '<html>'))).toBe('Too many attempts, try again later');
  });

  it('keeps the translated title with the server detail for other codes', () => {
    expect(errorText(new ApiError(409, 'conflict', 'station 3 still has chargers'))).toBe(
      '当前状态不允许此操作：station 3 still has chargers',
    );
    expect(errorText(new ApiError(0, 'network', 'Failed to fetch'))).toBe('网络错误，无法连接服务器');
  });
});
