// Sending one of the operator's commands from a component and following it to its outcome: the
// command is posted (a refusal is shown by the shared client), then read every 500 ms until the
// charger answered or 20 s passed; the outcome is shown as a toast and kept in `last` for the card
// to show inline. Waiting ends with the component.
import { getChargerCommand, sendChargerCommand } from '@kilowatt/api/chargers';
import { presentError } from '@kilowatt/api/present';
import type { ChargerCommand, ChargerCommandInput } from '@kilowatt/api/types';
import { ElMessage } from 'element-plus';
import { onBeforeUnmount, ref } from 'vue';
import { i18n } from '../i18n';
import { kindText, outcomeOf, paramsText, reasonText, waitForCommand } from './charger-commands';

/** "Reset (hard): accepted by the charger" / "…: rejected (unlock failed)" in the user's language. */
export function outcomeMessage(c: ChargerCommand): string {
  const { t, te } = i18n.global;
  const params = paramsText(c, t);
  const kind = kindText(c.kind, t, te);
  const what = params ? t('ocpp.withParams', { kind, params }) : kind;
  const { outcome } = outcomeOf(c);
  const key = outcome === 'rejected' && (!c.reason || c.reason === 'rejected') ? 'rejectedPlain' : outcome;
  return t(`ocpp.outcome.${key}`, { what, reason: reasonText(c.reason, t, te) });
}

/**
 * chargerId: whose commands; onChange(command) runs when a command was sent and when its outcome
 * is known (the history reloads).
 */
export function useCommandRunner(chargerId: () => number, onChange?: (c: ChargerCommand) => void) {
  /** The command waiting for its answer (one at a time per runner), null when none. */
  const pending = ref<ChargerCommand | null>(null);
  /** What was sent last and how it ended (or `sent` while it still may). */
  const last = ref<ChargerCommand | null>(null);
  const stop = new AbortController();
  onBeforeUnmount(() => stop.abort());

  /**
   * The command as it ended (or still `sent` after 20 s); null when it was not sent. toast: the
   * outcome as a toast always, or only when the charger did not simply accept (the caller shows it).
   */
  async function run(input: ChargerCommandInput, { toast = 'always' as 'always' | 'unlessAccepted' } = {}): Promise<ChargerCommand | null> {
    const id = chargerId();
    pending.value = { kind: input.kind, status: 'sent' } as ChargerCommand; // busy from the click on
    let sent: ChargerCommand;
    try {
      sent = await sendChargerCommand(id, input);
    } catch (e) {
      presentError(e); // 409 kw-mqtt/1, 503 offline, 400: the client's text, once
      pending.value = null;
      return null;
    }
    pending.value = sent;
    last.value = sent;
    onChange?.(sent);
    const done = await waitForCommand(sent, (cid) => getChargerCommand(id, cid, { quiet: true }), { signal: stop.signal });
    if (stop.signal.aborted) return done;
    pending.value = null;
    last.value = done;
    onChange?.(done);
    const { type } = outcomeOf(done);
    if (toast === 'always' || type !== 'success') {
      ElMessage({ type, message: outcomeMessage(done), showClose: type !== 'success', duration: type === 'success' ? 3000 : 6000 });
    }
    return done;
  }

  return { pending, last, run };
}
