import { ApiError } from '@kilowatt/api/errors';
import { http, setFetch } from '@kilowatt/api/http';
import { setErrorPresenter } from '@kilowatt/api/present';
import { afterEach, describe, expect, it } from 'vitest';
import { i18n } from '../i18n';
import { attempt } from './errors';

describe('attempt', () => {
  const shown: string[] = [];

  afterEach(() => {
    setErrorPresenter(null);
    setFetch(null);
    shown.length = 0;
    i18n.global.locale.value = 'zh-CN';
  });

  function recordShown() {
    setErrorPresenter({ show: (text) => shown.push(text), locale: () => i18n.global.locale.value });
  }

  it('shows a refused action once, in the console language, and reports it did not go through', async () => {
    recordShown();
    i18n.global.locale.value = 'en';
    setFetch(async () => new Response(JSON.stringify({ code: 'in_use', message: 'station 3 still has 1 charger' }), { status: 409 }));
    const ok = await attempt(async () => {
      await http.del('/admin/stations/3');
    });
    expect(ok).toBe(false);
    expect(shown).toEqual(['Still in use: station 3 still has 1 charger']);
  });

  it('treats a dismissed confirmation as no failure and shows a bug once', async () => {
    recordShown();
    expect(await attempt(() => Promise.reject('cancel'))).toBe(false);
    expect(shown).toEqual([]);
    expect(await attempt(() => Promise.reject(new ApiError(0, 'network', 'Failed to fetch')))).toBe(false);
    expect(await attempt(async () => undefined)).toBe(true);
    expect(shown).toEqual(['网络错误，无法连接服务器']);
  });
});
