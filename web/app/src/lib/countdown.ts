// A seconds countdown for "resend the code in N s": remaining is 0 when idle. Driven by the clock
// (not by counting ticks), so a tab that was in the background shows the right value at once.
import { ref, type Ref } from 'vue'

export interface Countdown {
  remaining: Ref<number>
  start(seconds: number): void
  stop(): void
}

export function createCountdown(now: () => number = () => Date.now(), tickMs = 250): Countdown {
  const remaining = ref(0)
  let until = 0
  let timer: ReturnType<typeof setInterval> | null = null

  function stop(): void {
    if (timer) clearInterval(timer)
    timer = null
    remaining.value = 0
  }

  function tick(): void {
    remaining.value = Math.max(0, Math.ceil((until - now()) / 1000))
    if (remaining.value === 0) stop()
  }

  function start(seconds: number): void {
    if (!(seconds > 0)) return stop()
    until = now() + seconds * 1000
    tick()
    if (!timer && remaining.value > 0) timer = setInterval(tick, tickMs)
  }

  return { remaining, start, stop }
}
