import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LiveSocket } from './ws';

class FakeSocket {
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: unknown[] = [];
  onopen: ((ev: unknown) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  constructor(public url: string) {
    FakeSocket.all.push(this);
  }
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  drop() {
    this.readyState = 3;
    this.onclose?.({});
  }
  push(message: unknown) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
}

describe('LiveSocket', () => {
  beforeEach(() => {
    FakeSocket.all = [];
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  const make = () =>
    new LiveSocket({ WebSocketImpl: FakeSocket, url: (t) => `ws://x/api/v1/ws?token=${t}`, pingMs: 0 });

  it('subscribes once per channel after opening and dispatches messages to every handler', () => {
    const live = make();
    const a = vi.fn();
    const b = vi.fn();
    live.connect('tok');
    live.subscribe('order:7', a);
    live.subscribe('order:7', b);
    const s = FakeSocket.all[0];
    expect(s.url).toBe('ws://x/api/v1/ws?token=tok');
    s.open();
    expect(s.sent).toEqual([{ op: 'subscribe', channel: 'order:7' }]);
    s.push({ channel: 'order:7', event: 'meter', data: { energy_wh: 10 } });
    s.push({ channel: 'order:8', event: 'meter', data: {} });
    expect(a).toHaveBeenCalledTimes(1);
    expect(b).toHaveBeenCalledTimes(1);
    expect(a.mock.calls[0][0].data.energy_wh).toBe(10);
  });

  it('unsubscribes on the wire when the last handler leaves', () => {
    const live = make();
    live.connect('tok');
    FakeSocket.all[0].open();
    const off1 = live.subscribe('dashboard', () => {});
    const off2 = live.subscribe('dashboard', () => {});
    off1();
    expect(FakeSocket.all[0].sent).toEqual([{ op: 'subscribe', channel: 'dashboard' }]);
    off2();
    expect(FakeSocket.all[0].sent).toEqual([
      { op: 'subscribe', channel: 'dashboard' },
      { op: 'unsubscribe', channel: 'dashboard' },
    ]);
    expect(live.channels()).toEqual([]);
  });

  it('reconnects with growing backoff and subscribes every channel again', () => {
    const live = make();
    const statuses: string[] = [];
    live.onStatus((s) => statuses.push(s));
    live.connect('tok');
    live.subscribe('charger:A', () => {});
    live.subscribe('dashboard', () => {});
    FakeSocket.all[0].open();
    FakeSocket.all[0].drop();
    expect(FakeSocket.all.length).toBe(1);
    vi.advanceTimersByTime(500);
    expect(FakeSocket.all.length).toBe(2);
    FakeSocket.all[1].drop(); // failed attempt: the next waits longer
    vi.advanceTimersByTime(500);
    expect(FakeSocket.all.length).toBe(2);
    vi.advanceTimersByTime(500);
    expect(FakeSocket.all.length).toBe(3);
    FakeSocket.all[2].open();
    expect(FakeSocket.all[2].sent).toEqual([
      { op: 'subscribe', channel: 'charger:A' },
      { op: 'subscribe', channel: 'dashboard' },
    ]);
    expect(statuses).toEqual(['idle', 'connecting', 'open', 'closed', 'connecting', 'closed', 'connecting', 'open']);
  });

  it('stops reconnecting after disconnect', () => {
    const live = make();
    live.connect('tok');
    FakeSocket.all[0].open();
    live.disconnect();
    vi.advanceTimersByTime(60000);
    expect(FakeSocket.all.length).toBe(1);
    expect(live.status).toBe('closed');
  });

  it('reports refused subscriptions', () => {
    const live = make();
    const errors = vi.fn();
    live.onError(errors);
    live.connect('tok');
    FakeSocket.all[0].open();
    FakeSocket.all[0].push({ op: 'error', channel: 'dashboard', code: 'forbidden', message: 'staff only' });
    expect(errors).toHaveBeenCalledWith({ channel: 'dashboard', code: 'forbidden', message: 'staff only' });
  });
});
