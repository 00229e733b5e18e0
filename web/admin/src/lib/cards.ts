// RFID card expiry in the console: the operator picks a day; the card works through the end of that
// day in the operator's time zone (23:59:59 local), which the API gets as UTC.
import { toApiTime } from './time';

/** A picked day -> the expires_at to send: the end of that local day, or null (never expires). */
export function expiryOfDay(day: Date | null | undefined): string | null {
  if (!day || Number.isNaN(day.getTime())) return null;
  const end = new Date(day.getFullYear(), day.getMonth(), day.getDate(), 23, 59, 59);
  return toApiTime(end) ?? null;
}

/** A card's expires_at -> the local day to show in the picker (null: never expires). */
export function dayOfExpiry(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return null;
  return new Date(d.getFullYear(), d.getMonth(), d.getDate());
}
