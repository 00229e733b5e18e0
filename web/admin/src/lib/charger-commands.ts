// The operator's commands to OCPP chargers (POST/GET /admin/chargers/{id}/commands), without
// components: waiting for a command's answer, what its outcome is, how its arguments read, the
// configuration a get_configuration answered, and the URL an OCPP charge point is given.
import type { ChargerCommand, ChargerProtocol, ConfigurationKey, ConfigurationResult } from '@kilowatt/api/types';

/** How often the console asks for a command's outcome, and for how long (the server gives up at 60 s). */
export const COMMAND_POLL_MS = 500;
export const COMMAND_WAIT_MS = 20000;

export const isAnswered = (c: ChargerCommand) => c.status !== 'sent';

export interface WaitOptions {
  intervalMs?: number;
  timeoutMs?: number;
  /** stops waiting (the page was left); the last command read is returned */
  signal?: AbortSignal;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Polls `get(id)` every intervalMs until the command is answered (status other than `sent`) and
 * returns it. When timeoutMs passes first, or the signal aborts, the last command read is returned,
 * still `sent`. A failed read is tried again at the next interval (the caller keeps it quiet).
 */
export async function waitForCommand(
  sent: ChargerCommand,
  get: (id: number) => Promise<ChargerCommand>,
  { intervalMs = COMMAND_POLL_MS, timeoutMs = COMMAND_WAIT_MS, signal, sleep = realSleep, now = Date.now }: WaitOptions = {},
): Promise<ChargerCommand> {
  let last = sent;
  const deadline = now() + timeoutMs;
  while (!isAnswered(last) && !signal?.aborted && now() < deadline) {
    await sleep(intervalMs);
    if (signal?.aborted) break;
    try {
      last = await get(sent.id);
    } catch {
      // a lost request: ask again at the next interval
    }
  }
  return last;
}

/**
 * What the operator is told: `waiting` (no answer yet), `accepted`, `acceptedWith` (accepted with
 * a condition: scheduled, reboot_required), `rejected` (also failed), `timeout`; and the toast type.
 */
export type Outcome = 'waiting' | 'accepted' | 'acceptedWith' | 'rejected' | 'failed' | 'timeout';

export function outcomeOf(c: Pick<ChargerCommand, 'status' | 'reason'>): {
  outcome: Outcome;
  type: 'success' | 'warning' | 'error' | 'info';
} {
  switch (c.status) {
    case 'sent':
      return { outcome: 'waiting', type: 'info' };
    case 'accepted':
      return c.reason ? { outcome: 'acceptedWith', type: 'warning' } : { outcome: 'accepted', type: 'success' };
    case 'rejected':
      return { outcome: 'rejected', type: 'error' };
    case 'timeout':
      return { outcome: 'timeout', type: 'warning' };
    default:
      return { outcome: 'failed', type: 'error' };
  }
}

type Translate = (key: string, named?: Record<string, unknown>) => string;
type Has = (key: string) => boolean;

/** The charger's reason (`unlock_failed`) in the operator's language, or as it came. */
export function reasonText(reason: string, t: Translate, te: Has): string {
  if (!reason) return '';
  return te(`ocpp.reason.${reason}`) ? t(`ocpp.reason.${reason}`) : reason;
}

/** The command's kind in the operator's language. */
export function kindText(kind: string, t: Translate, te: Has): string {
  return te(`ocpp.kind.${kind}`) ? t(`ocpp.kind.${kind}`) : kind;
}

const num = (v: unknown) => (typeof v === 'number' ? v : Number(v));

/**
 * The command's arguments as one short line ("hard", "connector 2 · inoperative", "key = value",
 * "changes only · version 12 (held 9) · 2 cards · card blocked"); for get_local_list_version the
 * version the charger answered.
 */
export function paramsText(c: Pick<ChargerCommand, 'kind' | 'params'> & { result?: ChargerCommand['result'] }, t: Translate): string {
  const p = c.params ?? {};
  const connector = (n: unknown, whole: string) => (num(n) > 0 ? t('ocpp.connectorN', { n: num(n) }) : whole);
  switch (c.kind) {
    case 'reset': {
      const type = p.type === 'hard' ? t('ocpp.resetHard') : t('ocpp.resetSoft');
      return num(p.connector) > 0 ? `${t('ocpp.connectorN', { n: num(p.connector) })} · ${type}` : type;
    }
    case 'unlock':
      return t('ocpp.connectorN', { n: num(p.connector) });
    case 'change_availability':
      return `${connector(p.connector, t('ocpp.wholeCharger'))} · ${p.operative ? t('ocpp.operative') : t('ocpp.inoperative')}`;
    case 'get_configuration': {
      const keys = Array.isArray(p.keys) ? p.keys.map(String) : [];
      return keys.length ? keys.join(', ') : t('ocpp.allKeys');
    }
    case 'set_configuration':
      return `${String(p.key ?? '')} = ${String(p.value ?? '')}`;
    case 'trigger_message': {
      const message = String(p.message ?? '');
      const name = ['boot', 'heartbeat', 'status', 'meter'].includes(message) ? t(`ocpp.message.${message}`) : message;
      return num(p.connector) > 0 ? `${name} · ${t('ocpp.connectorN', { n: num(p.connector) })}` : name;
    }
    case 'clear_cache':
      return '';
    case 'send_local_list': {
      const parts = [p.update_type === 'differential' ? t('ocpp.localListDifferential') : t('ocpp.localListFull')];
      if (p.list_version !== undefined) {
        const n = num(p.list_version);
        parts.push(p.since !== undefined ? t('ocpp.listVersionSince', { n, since: num(p.since) }) : t('ocpp.listVersionN', { n }));
      }
      if (p.entries !== undefined) parts.push(t('ocpp.listEntries', { n: num(p.entries) }));
      if (typeof p.trigger === 'string') parts.push(t(`ocpp.listTrigger.${p.trigger}`));
      return parts.join(' · ');
    }
    case 'get_local_list_version': {
      const v = c.result?.list_version;
      return typeof v === 'number' ? t('ocpp.listVersionN', { n: v }) : '';
    }
    default:
      return Object.keys(p).length ? JSON.stringify(p) : '';
  }
}

/** The configuration an accepted get_configuration answered, or null (other commands, no answer). */
export function configurationOf(c: ChargerCommand): ConfigurationResult | null {
  if (c.kind !== 'get_configuration' || c.status !== 'accepted' || !c.result) return null;
  const list = Array.isArray(c.result.configuration) ? c.result.configuration : [];
  const configuration: ConfigurationKey[] = [];
  for (const item of list) {
    if (!item || typeof item !== 'object') continue;
    const o = item as Record<string, unknown>;
    if (typeof o.key !== 'string') continue;
    configuration.push({
      key: o.key,
      value: o.value === null || o.value === undefined ? null : String(o.value),
      readonly: o.readonly === true,
    });
  }
  const unknown = Array.isArray(c.result.unknown_keys) ? c.result.unknown_keys.map(String) : [];
  return { configuration, unknown_keys: unknown };
}

/** The protocols whose chargers take the operator's commands (through the OCPP edge). */
export const OCPP_PROTOCOLS: readonly string[] = ['ocpp1.6', 'ocpp2.0.1'] satisfies ChargerProtocol[];

export const isOcpp = (protocol: string | undefined) => protocol !== undefined && OCPP_PROTOCOLS.includes(protocol);

export const MAX_KEYS = 100;
/** OCPP 1.6's keys are CiString50. */
export const MAX_KEY_LENGTH = 50;
/**
 * An OCPP 2.0.1 key names a device-model variable, "Component[instance]@evse.connector/Variable[instance]"
 * (name and instance up to 50 each), which the server takes up to 220 characters long.
 */
export const MAX_KEY_LENGTH_201 = 220;
/**
 * How a 2.0.1 key is written (only the names are required), and some keys as examples: kept out of
 * the translations, where `@` is vue-i18n syntax.
 */
export const VARIABLE_FORM = 'Component[instance]@evse.connector/Variable[instance]';
export const VARIABLE_EXAMPLES = ['OCPPCommCtrlr/HeartbeatInterval', 'SampledDataCtrlr/TxUpdatedInterval', 'EVSE@1/Power'];
export const MAX_VALUE_LENGTH = 500;

/** The longest configuration key the server takes for a charger of this protocol. */
export const maxKeyLength = (protocol: string | undefined) => (protocol === 'ocpp2.0.1' ? MAX_KEY_LENGTH_201 : MAX_KEY_LENGTH);

/**
 * The keys typed in the "only these keys" field (separated by commas, spaces or new lines),
 * without repeats. error: 'tooMany' | 'tooLong' (longer than maxLength, maxKeyLength of the
 * charger's protocol) when the server would refuse them.
 */
export function parseKeys(text: string, maxLength = MAX_KEY_LENGTH): { keys: string[]; error: 'tooMany' | 'tooLong' | null } {
  const keys = [...new Set(text.split(/[\s,，;；]+/).filter((k) => k !== ''))];
  if (keys.length > MAX_KEYS) return { keys, error: 'tooMany' };
  if (keys.some((k) => k.length > maxLength)) return { keys, error: 'tooLong' };
  return { keys, error: null };
}

/**
 * The URL an OCPP charge point connects to: the edge's address as the operator knows it
 * (`ws://host:8180`, `wss://ocpp.example.com`, `host:8180`, `https://…`; a trailing `/ocpp` is
 * fine) followed by the path the server gave (`/ocpp/<code>`). null when the address is empty or
 * not a host.
 */
export function ocppUrl(edge: string, path: string): string | null {
  let base = edge.trim();
  if (!base) return null;
  if (/^https:\/\//i.test(base)) base = `wss://${base.slice(8)}`;
  else if (/^http:\/\//i.test(base)) base = `ws://${base.slice(7)}`;
  else if (!/^wss?:\/\//i.test(base)) base = `ws://${base}`;
  let parsed: URL;
  try {
    parsed = new URL(base);
  } catch {
    return null;
  }
  if (!parsed.hostname || parsed.search || parsed.hash || parsed.username || parsed.password) return null;
  base = base.replace(/\/+$/, '');
  const tail = path.startsWith('/') ? path : `/${path}`;
  // an address given as the charger's "central system URL" (…/ocpp) gets only the code
  if (/\/ocpp$/i.test(base) && tail.startsWith('/ocpp/')) return base + tail.slice('/ocpp'.length);
  return base + tail;
}
