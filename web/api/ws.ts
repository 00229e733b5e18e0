// LiveSocket: the one WebSocket to /api/v1/ws of an app. Channels are subscribed once on the wire
// however many handlers listen to them; after a lost connection it reconnects with backoff
// (0.5 s doubling to 10 s) and subscribes every channel again. Server pushes arrive as
// {"channel","event","data"}; protocol answers ({"op":"subscribed"|"error"|"pong"}) are handled here.
import type { LiveMessage } from './types';

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

export interface LiveSocketOptions {
  /** ws URL for a token; default: same host as the page, /api/v1/ws?token=... */
  url?: (token: string) => string;
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

function defaultUrl(token: string): string {
  const loc = globalThis.location;
  const scheme = loc && loc.protocol === 'https:' ? 'wss' : 'ws';
  const host = loc ? loc.host : 'localhost';
  return `${scheme}://${host}/api/v1/ws?token=${encodeURIComponent(token)}`;
}

export class LiveSocket {
  private readonly opts: Required<Omit<LiveSocketOptions, 'WebSocketImpl'>> & {
    WebSocketImpl?: LiveSocketOptions['WebSocketImpl'];
  };
  private socket: SocketLike | null = null;
  private token: string | null = null;
  private readonly handlers = new Map<string, Set<LiveHandler>>();
  private readonly statusListeners = new Set<(status: LiveStatus) => void>();
  private readonly errorListeners = new Set<(error: ChannelError) => void>();
  private currentStatus: LiveStatus = 'idle';
  private backoffMs: number;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;

  constructor(options: LiveSocketOptions = {}) {
    this.opts = {
      url: options.url ?? defaultUrl,
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
    if (this.token === token && this.socket) return;
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

  /** Adds a handler for a channel; returns the function that removes it. */
  subscribe(channel: string, handler: LiveHandler): () => void {
    let set = this.handlers.get(channel);
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
      this.send({ op: 'subscribe', channel });
    }
    set.add(handler);
    return () => this.unsubscribe(channel, handler);
  }

  /** Removes one handler (or all of the channel's); the last one gone unsubscribes on the wire. */
  unsubscribe(channel: string, handler?: LiveHandler): void {
    const set = this.handlers.get(channel);
    if (!set) return;
    if (handler) set.delete(handler);
    else set.clear();
    if (set.size === 0) {
      this.handlers.delete(channel);
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

  private open(): void {
    if (!this.token) return;
    const Impl = this.opts.WebSocketImpl ?? (globalThis.WebSocket as unknown as new (url: string) => SocketLike);
    this.setStatus('connecting');
    const socket = new Impl(this.opts.url(this.token));
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
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.stopPing();
      this.setStatus('closed');
      this.scheduleReconnect();
    };
  }

  private dispatch(text: string): void {
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (typeof message.op === 'string') {
      if (message.op === 'error') {
        const error: ChannelError = {
          channel: typeof message.channel === 'string' ? message.channel : undefined,
          code: String(message.code ?? 'error'),
          message: String(message.message ?? ''),
        };
        for (const listener of this.errorListeners) listener(error);
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

  private scheduleReconnect(): void {
    if (!this.token || this.reconnectTimer) return;
    const delay = this.backoffMs;
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
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.stopPing();
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
