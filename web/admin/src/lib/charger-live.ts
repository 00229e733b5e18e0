// Applies a live charger event (dashboard / charger / station channels) to a charger shown on a
// page. Returns true when something changed.
import type { Charger, LiveMessage } from '@kilowatt/api/types';

export function applyChargerEvent(charger: Charger, message: LiveMessage): boolean {
  const data = message.data as Record<string, unknown>;
  if (data.charger_code !== charger.code) return false;
  switch (message.event) {
    case 'online':
    case 'boot':
      charger.online = true;
      // both follow a message from the charger just now (the staff view shows "last heartbeat")
      if ('last_seen' in charger) (charger as { last_seen: string | null }).last_seen = new Date().toISOString();
      if (message.event === 'boot') {
        if (typeof data.firmware === 'string') charger.firmware = data.firmware;
        if (typeof data.model === 'string') charger.model = data.model;
        if (typeof data.vendor === 'string') charger.vendor = data.vendor;
      }
      return true;
    case 'offline':
      charger.online = false;
      for (const c of charger.connectors) c.status = 'offline';
      return true;
    case 'status': {
      const c = charger.connectors.find((x) => x.number === data.connector);
      if (!c || typeof data.status !== 'string') return false;
      c.status = data.status;
      charger.online = true;
      return true;
    }
    case 'meter': {
      const c = charger.connectors.find((x) => x.number === data.connector);
      if (!c) return false;
      if (typeof data.power_w === 'number') c.power_w = data.power_w;
      if (typeof data.soc === 'number' || data.soc === null) c.soc = data.soc as number | null;
      return true;
    }
    default:
      return false;
  }
}

/**
 * Keeps what a page fetched consistent with the pushes it receives. A fetch may read the server
 * before a change whose push arrives while the answer is still on its way: applied as it comes, the
 * answer would undo the change until the next push. So the page notes every push, and the pushes
 * that arrived during a fetch are applied again to its answer before it is shown.
 */
export class PushesDuringFetch {
  private fetches = 0;
  private pushes: LiveMessage[] = [];

  /** Call for every push the page applies. */
  note(message: LiveMessage): void {
    if (this.fetches > 0) this.pushes.push(message);
  }

  /** Runs fetch; apply(answer, push) is called for each push noted while it ran, in order. */
  async fetch<T>(fetch: () => Promise<T>, apply: (answer: T, message: LiveMessage) => void): Promise<T> {
    ++this.fetches;
    try {
      const answer = await fetch();
      for (const message of this.pushes) apply(answer, message);
      return answer;
    } finally {
      if (--this.fetches === 0) this.pushes = [];
    }
  }
}
