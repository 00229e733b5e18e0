import { afterEach, describe, expect, it } from 'vitest';
import { setFetch } from './http';
import { approvePendingStation, dismissPendingStation, listPendingStations } from './pending';

describe('pending OCPP stations', () => {
  let calls: { url: string; method: string; body: unknown }[];

  function answer(status: number, body?: unknown) {
    calls = [];
    setFetch(async (url, init) => {
      calls.push({ url, method: init?.method ?? 'GET', body: init?.body ? JSON.parse(init.body as string) : undefined });
      return new Response(body === undefined ? null : JSON.stringify(body), {
        status,
        headers: { 'Content-Type': 'application/json' },
      });
    });
  }

  afterEach(() => setFetch(null));

  it('lists the waiting stations', async () => {
    const item = {
      code: 'NEW-CP-1',
      protocol: 'ocpp1.6',
      vendor: 'V',
      model: 'M',
      serial: '',
      firmware: '1.0',
      first_seen: '2026-06-01T01:00:00Z',
      last_seen: '2026-06-01T01:01:00Z',
      boots: 2,
    };
    answer(200, { items: [item] });
    expect(await listPendingStations()).toEqual({ items: [item] });
    expect(calls).toEqual([{ url: '/api/v1/admin/ocpp/pending', method: 'GET', body: undefined }]);
  });

  it('approves with the charger fields and escapes the code in the path', async () => {
    answer(201, { id: 9, code: 'CP 1/2' });
    const created = await approvePendingStation('CP 1/2', { station_id: 3, kind: 'DC', rated_w: 60000, connectors: 2 });
    expect(created.id).toBe(9);
    expect(calls).toEqual([
      {
        url: '/api/v1/admin/ocpp/pending/CP%201%2F2/approve',
        method: 'POST',
        body: { station_id: 3, kind: 'DC', rated_w: 60000, connectors: 2 },
      },
    ]);
  });

  it('dismisses with DELETE', async () => {
    answer(204);
    await dismissPendingStation('NEW-CP-4');
    expect(calls).toEqual([{ url: '/api/v1/admin/ocpp/pending/NEW-CP-4', method: 'DELETE', body: undefined }]);
  });
});
