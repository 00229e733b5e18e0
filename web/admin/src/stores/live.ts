// The app's one WebSocket (LiveSocket) and its connection status for the header.
import { LiveSocket, type LiveHandler, type LiveStatus } from '@kilowatt/api/ws';
import { defineStore } from 'pinia';
import { onBeforeUnmount, ref, toValue, watch, type MaybeRefOrGetter } from 'vue';

export const live = new LiveSocket();

export const useLiveStore = defineStore('live', () => {
  const status = ref<LiveStatus>(live.status);
  live.onStatus((s) => (status.value = s));
  return { status };
});

/**
 * Subscribes handler to a channel (a ref/getter: the subscription follows it; null = none) for the
 * life of the calling component. onReady runs each time the server confirms the channel (after
 * every reconnect too): a page that loaded its data before that fetches it again there, so a change
 * pushed before the subscription took effect is not missed.
 */
export function useChannel(channel: MaybeRefOrGetter<string | null | undefined>, handler: LiveHandler, onReady?: () => void): void {
  let off: (() => void) | null = null;
  const stop = watch(
    () => toValue(channel),
    (name) => {
      off?.();
      off = name ? live.subscribe(name, handler, onReady) : null;
    },
    { immediate: true },
  );
  onBeforeUnmount(() => {
    stop();
    off?.();
    off = null;
  });
}

/** Like useChannel for a list of channels (e.g. the chargers shown on a page). */
export function useChannels(channels: MaybeRefOrGetter<string[]>, handler: LiveHandler): void {
  const offs = new Map<string, () => void>();
  const stop = watch(
    () => [...new Set(toValue(channels))],
    (names) => {
      for (const [name, off] of offs) {
        if (!names.includes(name)) {
          off();
          offs.delete(name);
        }
      }
      for (const name of names) if (!offs.has(name)) offs.set(name, live.subscribe(name, handler));
    },
    { immediate: true },
  );
  onBeforeUnmount(() => {
    stop();
    for (const off of offs.values()) off();
    offs.clear();
  });
}
