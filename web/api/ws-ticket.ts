// One-time tickets for the live socket: the token never goes in a WebSocket URL (URLs end up in
// proxy logs and browser history). The ticket works once, for expires_in_s.
import { http } from './http';
import type { WsTicket } from './types';

/**
 * POST /ws-ticket with the given token (default: the current one) -> {ticket, expires_in_s}.
 * Quiet: the socket retries with backoff and reports its state itself; a toast per retry would
 * flood the screen while the server is away.
 */
export const createWsTicket = (token?: string) =>
  http.post<WsTicket>('/ws-ticket', undefined, token === undefined ? { quiet: true } : { token, quiet: true });
