import type { Charger } from '@kilowatt/api/types';
import { describe, expect, it } from 'vitest';
import { applyChargerEvent, PushesDuringFetch } from './charger-live';

function charger(): Charger {
  return {
    id: 1,
    code: 'A1',
    name: 'A1',
    kind: 'AC',
    rated_w: 7000,
    online: true,
    vendor: '',
    model: '',
    firmware: '',
    connectors: [{ number: 1, max_w: 7000, status: 'available', power_w: 0, energy_wh: 0, soc: null, qr_content: '' }],
  };
}

describe('applyChargerEvent', () => {
  it('follows offline, online and boot', () => {
    const c = charger();
    expect(applyChargerEvent(c, { channel: 'dashboard', event: 'offline', data: { charger_code: 'A1', online: false } })).toBe(true);
    expect(c.online).toBe(false);
    expect(c.connectors[0].status).toBe('offline');
    applyChargerEvent(c, { channel: 'dashboard', event: 'boot', data: { charger_code: 'A1', online: true, firmware: '2.0' } });
    expect(c.online).toBe(true);
    expect(c.firmware).toBe('2.0');
  });

  it('updates the connector status and meter values', () => {
    const c = charger();
    applyChargerEvent(c, { channel: 'charger:A1', event: 'status', data: { charger_code: 'A1', connector: 1, status: 'charging' } });
    applyChargerEvent(c, { channel: 'charger:A1', event: 'meter', data: { charger_code: 'A1', connector: 1, power_w: 6900, soc: 40 } });
    expect(c.connectors[0]).toMatchObject({ status: 'charging', power_w: 6900, soc: 40 });
  });

  it('ignores other chargers and unknown connectors', () => {
    const c = charger();
    expect(applyChargerEvent(c, { channel: 'dashboard', event: 'offline', data: { charger_code: 'B2' } })).toBe(false);
    expect(
      applyChargerEvent(c, { channel: 'dashboard', event: 'status', data: { charger_code: 'A1', connector: 9, status: 'faulted' } }),
    ).toBe(false);
    expect(c.online).toBe(true);
  });
});

describe('PushesDuringFetch', () => {
  it('applies a push that arrived while the fetch was on its way to its (older) answer', async () => {
    const pushes = new PushesDuringFetch();
    let answer!: (c: Charger) => void;
    const fetching = pushes.fetch(
      () => new Promise<Charger>((resolve) => (answer = resolve)),
      (c, m) => applyChargerEvent(c, m),
    );
    pushes.note({ channel: 'charger:A1', event: 'offline', data: { charger_code: 'A1', online: false } });
    answer(charger()); // read before the charger went away: online
    const shown = await fetching;
    expect(shown.online).toBe(false);
    expect(shown.connectors[0].status).toBe('offline');
  });

  it('forgets the pushes once no fetch is running', async () => {
    const pushes = new PushesDuringFetch();
    pushes.note({ channel: 'charger:A1', event: 'offline', data: { charger_code: 'A1', online: false } });
    const first = await pushes.fetch(
      async () => charger(),
      (c, m) => applyChargerEvent(c, m),
    );
    expect(first.online).toBe(true); // noted before the fetch began: already in its answer
    let answer!: (c: Charger) => void;
    const second = pushes.fetch(
      () => new Promise<Charger>((resolve) => (answer = resolve)),
      (c, m) => applyChargerEvent(c, m),
    );
    answer(charger());
    expect((await second).online).toBe(true);
  });
});
