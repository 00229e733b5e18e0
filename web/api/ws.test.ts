import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, getToken, onUnauthorized, setFetch, setToken } from './http';
import { CLOSE_REVOKED, LiveSocket, type LiveSocketOptions } from './ws';

/** Lets pending promise callbacks (the ticket request) run. */
const flush = async () => {
  for (let i = 0; i < 10; ++i) await Promise.resolve();
};

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
  drop(code = 1006) {
    this.readyState = 3;
    this.onclose?.({ code });
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

  let tickets: string[];
  let revoked: ReturnType<typeof vi.fn>;
  const make = (options: LiveSocketOptions = {}) => {
    tickets = [];
    revoked = vi.fn();
    return new LiveSocket({
      WebSocketImpl: FakeSocket,
      url: (ticket) => `ws://x/api/v1/ws?ticket=${ticket}`,
      ticket: async (token) => {
        const ticket = `ticket-${tickets.length + 1}-for-${token}`;
        tickets.push(ticket);
        return ticket;
      },
      onRevoked: revoked,
      pingMs: 0,
      ...options,
    });
  };

  it('subscribes once per channel after opening and dispatches messages to every handler', async () => {
    const live = make();
    const a = vi.fn();
    const b = vi.fn();
    live.connect('tok');
    live.subscribe('order:7', a);
    live.subscribe('order:7', b);
    await flush();
    const s = FakeSocket.all[0];
    expect(s.url).toBe('ws://x/api/v1/ws?ticket=ticket-1-for-tok');
    s.open();
    expect(s.sent).toEqual([{ op: 'subscribe', channel: 'order:7' }]);
    s.push({ channel: 'order:7', event: 'meter', data: { energy_wh: 10 } });
    s.push({ channel: 'order:8', event: 'meter', data: {} });
    expect(a).toHaveBeenCalledTimes(1);
    expect(b).toHaveBeenCalledTimes(1);
    expect(a.mock.calls[0][0].data.energy_wh).toBe(10);
  });

  it('unsubscribes on the wire when the last handler leaves', async () => {
    const live = make();
    live.connect('tok');
    await flush();
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

  it('reconnects with growing backoff, a fresh ticket each time, and subscribes every channel again', async () => {
    const live = make();
    const statuses: string[] = [];
    live.onStatus((s) => statuses.push(s));
    live.connect('tok');
    live.subscribe('charger:A', () => {});
    live.subscribe('dashboard', () => {});
    await flush();
    FakeSocket.all[0].open();
    FakeSocket.all[0].drop();
    expect(FakeSocket.all.length).toBe(1);
    await vi.advanceTimersByTimeAsync(500);
    expect(FakeSocket.all.length).toBe(2);
    FakeSocket.all[1].drop(); // failed attempt: the next waits longer
    await vi.advanceTimersByTimeAsync(500);
    expect(FakeSocket.all.length).toBe(2);
    await vi.advanceTimersByTimeAsync(500);
    expect(FakeSocket.all.length).toBe(3);
    expect(FakeSocket.all.map((s) => s.url)).toEqual([
      'ws://x/api/v1/ws?ticket=ticket-1-for-tok',
      'ws://x/api/v1/ws?ticket=ticket-2-for-tok',
      'ws://x/api/v1/ws?ticket=ticket-3-for-tok',
    ]);
    FakeSocket.all[2].open();
    expect(FakeSocket.all[2].sent).toEqual([
      { op: 'subscribe', channel: 'charger:A' },
      { op: 'subscribe', channel: 'dashboard' },
    ]);
    expect(statuses).toEqual(['idle', 'connecting', 'open', 'closed', 'connecting', 'closed', 'connecting', 'open']);
  });

  it('calls onReady when the server confirms the channel, and again after every reconnect', async () => {
    const live = make();
    live.connect('tok');
    const ready = vi.fn();
    live.subscribe('charger:A', () => {}, ready);
    await flush();
    FakeSocket.all[0].open();
    expect(ready).not.toHaveBeenCalled(); // sent, not yet registered by the server
    FakeSocket.all[0].push({ op: 'subscribed', channel: 'dashboard' });
    expect(ready).not.toHaveBeenCalled(); // another channel's confirmation
    FakeSocket.all[0].push({ op: 'subscribed', channel: 'charger:A' });
    expect(ready).toHaveBeenCalledTimes(1);
    FakeSocket.all[0].drop();
    await vi.advanceTimersByTimeAsync(500);
    FakeSocket.all[1].open();
    expect(ready).toHaveBeenCalledTimes(1);
    FakeSocket.all[1].push({ op: 'subscribed', channel: 'charger:A' });
    expect(ready).toHaveBeenCalledTimes(2);
  });

  it("calls a late handler's onReady at once when its channel is already confirmed, and not after it left", async () => {
    const live = make();
    live.connect('tok');
    live.subscribe('dashboard', () => {});
    await flush();
    FakeSocket.all[0].open();
    FakeSocket.all[0].push({ op: 'subscribed', channel: 'dashboard' });
    const late = vi.fn();
    live.subscribe('dashboard', () => {}, late);
    expect(late).not.toHaveBeenCalled();
    await flush();
    expect(late).toHaveBeenCalledTimes(1);
    const gone = vi.fn();
    const off = live.subscribe('dashboard', () => {}, gone);
    off();
    await flush();
    FakeSocket.all[0].push({ op: 'subscribed', channel: 'dashboard' });
    expect(gone).not.toHaveBeenCalled();
    expect(late).toHaveBeenCalledTimes(2);
  });

  it('stops reconnecting after disconnect', async () => {
    const live = make();
    live.connect('tok');
    await flush();
    FakeSocket.all[0].open();
    live.disconnect();
    vi.advanceTimersByTime(60000);
    expect(FakeSocket.all.length).toBe(1);
    expect(live.status).toBe('closed');
  });

  it('reports refused subscriptions', async () => {
    const live = make();
    const errors = vi.fn();
    live.onError(errors);
    live.connect('tok');
    await flush();
    FakeSocket.all[0].open();
    FakeSocket.all[0].push({ op: 'error', channel: 'dashboard', code: 'forbidden', message: 'staff only' });
    expect(errors).toHaveBeenCalledWith({ channel: 'dashboard', code: 'forbidden', message: 'staff only' });
    expect(revoked).not.toHaveBeenCalled();
    expect(live.status).toBe('open');
  });

  it('treats close code 4001 as a revoked session: no reconnect, the 401 handler once', async () => {
    const live = make();
    live.connect('tok');
    live.subscribe('order:7', () => {});
    await flush();
    FakeSocket.all[0].open();
    FakeSocket.all[0].drop(CLOSE_REVOKED);
    await vi.advanceTimersByTimeAsync(60000);
    expect(FakeSocket.all.length).toBe(1);
    expect(tickets.length).toBe(1);
    expect(revoked).toHaveBeenCalledTimes(1);
    expect(revoked).toHaveBeenCalledWith('tok');
    expect(live.status).toBe('closed');
    // Logging in again connects with the new token and the kept subscriptions.
    live.connect('tok2');
    await flush();
    FakeSocket.all[1].open();
    expect(FakeSocket.all[1].url).toBe('ws://x/api/v1/ws?ticket=ticket-2-for-tok2');
    expect(FakeSocket.all[1].sent).toEqual([{ op: 'subscribe', channel: 'order:7' }]);
  });

  it('treats an "unauthorized" refusal as revoked and does not reconnect after the close', async () => {
    const live = make();
    live.connect('tok');
    await flush();
    const s = FakeSocket.all[0];
    s.open();
    s.push({ type: 'error', channel: 'order:7', code: 'unauthorized' });
    s.drop(1008);
    await vi.advanceTimersByTimeAsync(60000);
    expect(FakeSocket.all.length).toBe(1);
    expect(revoked).toHaveBeenCalledTimes(1);
  });

  it('stops without opening a socket when the ticket request answers 401', async () => {
    const live = make({
      ticket: async () => {
        throw new ApiError(401, 'unauthorized', 'revoked');
      },
    });
    live.connect('tok');
    await flush();
    await vi.advanceTimersByTimeAsync(60000);
    expect(FakeSocket.all.length).toBe(0);
    expect(revoked).toHaveBeenCalledWith('tok');
    expect(live.status).toBe('closed');
  });

  it('retries a failed ticket request with backoff, no sooner than Retry-After', async () => {
    let calls = 0;
    const live = make({
      ticket: async () => {
        calls += 1;
        if (calls === 1) throw new ApiError(0, 'network', 'offline');
        if (calls === 2) throw new ApiError(429, 'too_many_requests', 'slow down', 3);
        return 'ok';
      },
    });
    live.connect('tok');
    await flush();
    expect(live.status).toBe('closed');
    await vi.advanceTimersByTimeAsync(500);
    expect(calls).toBe(2);
    await vi.advanceTimersByTimeAsync(2900);
    expect(calls).toBe(2);
    await vi.advanceTimersByTimeAsync(100);
    expect(calls).toBe(3);
    expect(FakeSocket.all[0].url).toBe('ws://x/api/v1/ws?ticket=ok');
    expect(revoked).not.toHaveBeenCalled();
  });

  it('drops a ticket that arrives after disconnect', async () => {
    let release: (ticket: string) => void = () => {};
    const live = make({ ticket: () => new Promise<string>((resolve) => (release = resolve)) });
    live.connect('tok');
    await flush();
    live.disconnect();
    release('late');
    await flush();
    expect(FakeSocket.all.length).toBe(0);
    expect(live.status).toBe('closed');
  });
});

describe('LiveSocket with the default ticket and revocation', () => {
  beforeEach(() => {
    FakeSocket.all = [];
  });
  afterEach(() => {
    setFetch(null);
    setToken(null);
    onUnauthorized(null);
  });

  it('asks POST /api/v1/ws-ticket with the token and calls the app 401 handler once on 4001', async () => {
    const requests: { url: string; method?: string; auth?: string }[] = [];
    setFetch(async (url, init) => {
      requests.push({ url, method: init?.method, auth: (init?.headers as Record<string, string>).Authorization });
      return new Response(JSON.stringify({ ticket: 'a'.repeat(64), expires_in_s: 30 }), { status: 201 });
    });
    const handler = vi.fn();
    onUnauthorized(handler);
    setToken('tok');
    const live = new LiveSocket({ WebSocketImpl: FakeSocket, pingMs: 0 });
    live.connect('tok');
    await vi.waitFor(() => expect(FakeSocket.all.length).toBe(1));
    expect(requests).toEqual([{ url: '/api/v1/ws-ticket', method: 'POST', auth: 'Bearer tok' }]);
    expect(FakeSocket.all[0].url).toMatch(/\/api\/v1\/ws\?ticket=a{64}$/);
    expect(FakeSocket.all[0].url).not.toContain('tok');
    FakeSocket.all[0].open();
    FakeSocket.all[0].drop(CLOSE_REVOKED);
    expect(handler).toHaveBeenCalledTimes(1);
    expect(getToken()).toBeNull();
  });
});
