// RFID cards (充电卡, cards.ts): a card's uid is the id tag it presents at a charger; a session
// started with it is billed to the card holder's wallet (docs/ocpp.md "RFID cards").
// Times ISO-8601 UTC.

export type CardStatus = 'active' | 'blocked';

export interface Card {
  id: number;
  /** the id tag the card presents, upper case */
  uid: string;
  driver_id: number;
  label: string;
  status: CardStatus;
  /** null: never expires */
  expires_at: string | null;
  /** expires_at has passed: a charger is told Expired */
  expired: boolean;
  created_at: string;
  updated_at: string;
}

/** GET /cards, GET /admin/drivers/{id}/cards (oldest first). */
export interface CardList {
  items: Card[];
}

/** POST /admin/drivers/{id}/cards */
export interface CardIssue {
  /** 1..20 printable ASCII characters without spaces; kept upper case; KW-O… is reserved */
  uid: string;
  label?: string;
  expires_at?: string | null;
}

/** PUT /admin/cards/{id}: only the fields given change; expires_at null = never expires. */
export interface CardUpdate {
  status?: CardStatus;
  label?: string;
  expires_at?: string | null;
}
