// LiveSocket: the one WebSocket to /api/v1/ws of an app. Channels are subscribed once on the wire
// however many handlers listen to them; after a lost connection it reconnects with backoff
// (0.5 s doubling to 10 s) and subscribes every channel again. Server pushes arrive as
// {"channel","event","data"}; protocol answers ({"op":"subscribed"|"error"|"pong"}) are handled here.
//
// No gap between a page's data and its pushes: a push published before the server registered the
// subscription never reaches the page, nor does one sent while the socket was down. So a handler may
// pass onReady, called each time the server confirms its channel ({"op":"subscribed"}, again after
// every reconnect): the page fetches its data again there, and from then on every change is pushed.
//
// Authentication: the token never goes in the URL. Before every (re)connect the socket asks
// POST /api/v1/ws-ticket for a one-time ticket and opens /api/v1/ws?ticket=<ticket>. When the server
// revokes the session (logout elsewhere, account disabled, role changed, password reset) it closes
// with code 4001, or refuses a subscription with code "unauthorized": the socket then stops for good
// and reports it like a 401 (http.ts reportUnauthorized: the app's one handler, once per token).
import { ApiError, reportUnauthorized } from './http';
import type { LiveMessage } from './types';
import { createWsTicket } from './ws-ticket';

export type LiveStatus = 'idle' | 'connecting' | 'open' | 'closed';
export type LiveHandler = (message: LiveMessage) => void;

interface SocketLike {
  readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** Close code of a socket whose session the server revoked. */
export const CLOSE_REVOKED = 4001;

export interface LiveSocketOptions {
  /** ws URL for a one-time ticket; default: same host as the page, /api/v1/ws?ticket=... */
  url?: (ticket: string) => string;
  /** A fresh ticket for the token; default POST /api/v1/ws-ticket with that token. */
  ticket?: (token: string) => Promise<string>;
  /** The server no longer accepts the token; default http.ts reportUnauthorized (the 401 handler). */
  onRevoked?: (token: string) => void;
  /** WebSocket constructor (tests) */
  WebSocketImpl?: new (url: string) => SocketLike;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** keep-alive ping period; 0 = none */
  pingMs?: number;
}

export interface ChannelError {
  channel?: string;
  code: string;
  message: string;
}

const OPEN = 1;

function defaultUrl(ticket: string): string {
  const loc = globalThis.location;
  const scheme = loc && loc.protocol === 'https:' ? 'wss' : 'ws';
  const host = loc ? loc.host : 'localhost';
  return `${scheme}://${host}/api/v1/ws?ticket=${encodeURIComponent(ticket)}`;
}

async function defaultTicket(token: string): Promise<string> {
  return (await createWsTicket(token)).ticket;
}

function callSafely(fn: () => void): void {
  try {
    fn();
  } catch (e) {
    console.error('live onReady failed', e);
  }
}

function closeCode(ev: unknown): number | undefined {
  const code = (ev as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
}

export class LiveSocket {
  private readonly opts: Required<Omit<LiveSocketOptions, 'WebSocketImpl'>> & {
    WebSocketImpl?: LiveSocketOptions['WebSocketImpl'];
  };
  private socket: SocketLike | null = null;
  private token: string | null = null;
  private readonly handlers = new Map<string, Set<LiveHandler>>();
  // channel -> handler -> its onReady; `confirmed` holds the channels the server has acknowledged
  // on the current socket.
  private readonly ready = new Map<string, Map<LiveHandler, () => void>>();
  private readonly confirmed = new Set<string>();
  private readonly statusListeners = new Set<(status: LiveStatus) => void>();
  private readonly errorListeners = new Set<(error: ChannelError) => void>();
  private currentStatus: LiveStatus = 'idle';
  private backoffMs: number;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  // Bumped whenever the current attempt is abandoned, so a ticket that arrives late is dropped.
  private attempt = 0;
  private fetchingTicket = false;

  constructor(options: LiveSocketOptions = {}) {
    this.opts = {
      url: options.url ?? defaultUrl,
      ticket: options.ticket ?? defaultTicket,
      onRevoked: options.onRevoked ?? reportUnauthorized,
      WebSocketImpl: options.WebSocketImpl,
      minBackoffMs: options.minBackoffMs ?? 500,
      maxBackoffMs: options.maxBackoffMs ?? 10000,
      pingMs: options.pingMs ?? 25000,
    };
    this.backoffMs = this.opts.minBackoffMs;
  }

  get status(): LiveStatus {
    return this.currentStatus;
  }

  /** Opens (or re-opens with a new token) the connection. */
  connect(token: string): void {
    if (this.token === token && (this.socket || this.fetchingTicket)) return;
    this.token = token;
    this.closeSocket();
    this.open();
  }

  /** Closes for good (logout); handlers are kept so a later connect() resubscribes them. */
  disconnect(): void {
    this.token = null;
    this.closeSocket();
    this.setStatus('closed');
  }

  /**
   * Adds a handler for a channel; returns the function that removes it. onReady is called whenever
   * the server confirms the channel (at once, asynchronously, if it already has on this socket).
   */
  subscribe(channel: string, handler: LiveHandler, onReady?: () => void): () => void {
    let set = this.handlers.get(channel);
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
      this.send({ op: 'subscribe', channel });
    }
    set.add(handler);
    if (onReady) {
      let ready = this.ready.get(channel);
      if (!ready) {
        ready = new Map();
        this.ready.set(channel, ready);
      }
      ready.set(handler, onReady);
      if (this.confirmed.has(channel)) {
        queueMicrotask(() => {
          if (this.ready.get(channel)?.get(handler) === onReady) callSafely(onReady);
        });
      }
    }
    return () => this.unsubscribe(channel, handler);
  }

  /** Removes one handler (or all of the channel's); the last one gone unsubscribes on the wire. */
  unsubscribe(channel: string, handler?: LiveHandler): void {
    const set = this.handlers.get(channel);
    if (!set) return;
    if (handler) {
      set.delete(handler);
      this.ready.get(channel)?.delete(handler);
    } else {
      set.clear();
      this.ready.delete(channel);
    }
    if (set.size === 0) {
      this.handlers.delete(channel);
      this.ready.delete(channel);
      this.confirmed.delete(channel);
      this.send({ op: 'unsubscribe', channel });
    }
  }

  channels(): string[] {
    return [...this.handlers.keys()];
  }

  onStatus(listener: (status: LiveStatus) => void): () => void {
    this.statusListeners.add(listener);
    listener(this.currentStatus);
    return () => this.statusListeners.delete(listener);
  }

  /** Refused subscriptions ({"op":"error"}). */
  onError(listener: (error: ChannelError) => void): () => void {
    this.errorListeners.add(listener);
    return () => this.errorListeners.delete(listener);
  }

  /** Asks a ticket for the current token, then opens the socket with it. */
  private open(): void {
    const token = this.token;
    if (!token) return;
    const attempt = ++this.attempt;
    this.fetchingTicket = true;
    this.setStatus('connecting');
    this.opts.ticket(token).then(
      (ticket) => {
        if (attempt !== this.attempt || this.token !== token) return;
        this.fetchingTicket = false;
        this.openSocket(ticket);
      },
      (e: unknown) => {
        if (attempt !== this.attempt || this.token !== token) return;
        this.fetchingTicket = false;
        if (e instanceof ApiError && e.status === 401) {
          this.revoke(token);
          return;
        }
        this.setStatus('closed');
        // Throttled: wait at least as long as the server asked.
        const waitMs = e instanceof ApiError && e.retryAfterS ? e.retryAfterS * 1000 : 0;
        this.scheduleReconnect(waitMs);
      },
    );
  }

  private openSocket(ticket: string): void {
    const Impl = this.opts.WebSocketImpl ?? (globalThis.WebSocket as unknown as new (url: string) => SocketLike);
    const socket = new Impl(this.opts.url(ticket));
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.backoffMs = this.opts.minBackoffMs;
      this.setStatus('open');
      for (const channel of this.handlers.keys()) this.send({ op: 'subscribe', channel });
      if (this.opts.pingMs > 0) {
        this.pingTimer = setInterval(() => this.send({ op: 'ping' }), this.opts.pingMs);
      }
    };
    socket.onmessage = (ev) => {
      if (this.socket !== socket) return;
      this.dispatch(typeof ev.data === 'string' ? ev.data : String(ev.data));
    };
    socket.onerror = () => {
      // onclose follows and schedules the reconnect
    };
    socket.onclose = (ev) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.confirmed.clear(); // the next socket confirms its channels again
      this.stopPing();
      if (closeCode(ev) === CLOSE_REVOKED && this.token) {
        this.revoke(this.token);
        return;
      }
      this.setStatus('closed');
      this.scheduleReconnect();
    };
  }

  /** The server refused the token: stop for good and let the app's 401 handler react. */
  private revoke(token: string): void {
    this.token = null;
    this.closeSocket();
    this.setStatus('closed');
    try {
      this.opts.onRevoked(token);
    } catch (e) {
      console.error('live revoked handler failed', e);
    }
  }

  private dispatch(text: string): void {
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    // Protocol answers carry "op" ({"op":"error",...}); a refusal may also come as {"type":"error"}.
    const kind = typeof message.op === 'string' ? message.op : message.type === 'error' ? 'error' : null;
    if (kind !== null) {
      if (kind === 'subscribed' && typeof message.channel === 'string' && this.handlers.has(message.channel)) {
        this.confirmed.add(message.channel);
        for (const onReady of [...(this.ready.get(message.channel)?.values() ?? [])]) callSafely(onReady);
      }
      if (kind === 'error') {
        const error: ChannelError = {
          channel: typeof message.channel === 'string' ? message.channel : undefined,
          code: String(message.code ?? 'error'),
          message: String(message.message ?? ''),
        };
        for (const listener of this.errorListeners) listener(error);
        // The session is gone (the server closes next): do not reconnect with a dead token.
        if (error.code === 'unauthorized' && this.token) this.revoke(this.token);
      }
      return;
    }
    const channel = message.channel;
    if (typeof channel !== 'string') return;
    const set = this.handlers.get(channel);
    if (!set) return;
    for (const handler of [...set]) {
      try {
        handler(message as unknown as LiveMessage);
      } catch (e) {
        console.error('live handler failed', e);
      }
    }
  }

  private scheduleReconnect(atLeastMs = 0): void {
    if (!this.token || this.reconnectTimer) return;
    const delay = Math.max(this.backoffMs, atLeastMs);
    this.backoffMs = Math.min(this.backoffMs * 2, this.opts.maxBackoffMs);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.open();
    }, delay);
  }

  private send(message: object): void {
    if (this.socket && this.socket.readyState === OPEN) this.socket.send(JSON.stringify(message));
  }

  private stopPing(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
  }

  private closeSocket(): void {
    ++this.attempt; // a ticket still on its way is for an abandoned attempt
    this.fetchingTicket = false;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.stopPing();
    this.confirmed.clear();
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onopen = socket.onclose = socket.onerror = null;
      socket.onmessage = null;
      try {
        socket.close(1000, 'bye');
      } catch {
        // already closed
      }
    }
  }

  private setStatus(status: LiveStatus): void {
    if (status === this.currentStatus) return;
    this.currentStatus = status;
    for (const listener of this.statusListeners) listener(status);
  }
}
