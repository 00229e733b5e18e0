// RFID cards (充电卡): staff issue, block, unblock and expire a driver's cards; a driver sees theirs
// and blocks a lost one (only staff unblock). uidProblem() mirrors the server's rule for a uid so a
// form can say what is wrong before sending.
import { http } from './http';
import type { Card, CardIssue, CardList, CardUpdate } from './types';

// ---- drivers
export const listMyCards = () => http.get<CardList>('/cards');
/** Idempotent: a blocked card stays blocked. */
export const blockMyCard = (id: number) => http.post<Card>(`/cards/${id}/block`);

// ---- staff
export const listDriverCards = (driverId: number) => http.get<CardList>(`/admin/drivers/${driverId}/cards`);
/** 409 already_exists when the uid is issued already (to anyone). */
export const issueCard = (driverId: number, input: CardIssue) => http.post<Card>(`/admin/drivers/${driverId}/cards`, input);
export const updateCard = (id: number, change: CardUpdate) => http.put<Card>(`/admin/cards/${id}`, change);

// ---- pure helpers

/** What a card is at a charger: blocked outranks expired (a blocked card is refused either way). */
export type CardState = 'active' | 'blocked' | 'expired';

export function cardState(card: Pick<Card, 'status' | 'expired'>): CardState {
  if (card.status === 'blocked') return 'blocked';
  return card.expired ? 'expired' : 'active';
}

export const CARD_UID_MAX = 20;
/** Kilowatt's own per-order id tags start so; never a card. */
export const RESERVED_UID_PREFIX = 'KW-O';

/** The uid as the server keeps it: trimmed, upper case. */
export function normalizeCardUid(uid: string): string {
  return uid.trim().toUpperCase();
}

export type CardUidProblem = 'empty' | 'too_long' | 'characters' | 'reserved';

/** Why the server would refuse this uid (after normalizeCardUid), or null when it is fine. */
export function uidProblem(uid: string): CardUidProblem | null {
  const u = normalizeCardUid(uid);
  if (!u) return 'empty';
  if (!/^[\x21-\x7e]+$/.test(u)) return 'characters';
  if (u.length > CARD_UID_MAX) return 'too_long';
  if (u.startsWith(RESERVED_UID_PREFIX)) return 'reserved';
  return null;
}
