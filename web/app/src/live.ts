// The app's one WebSocket (web/api/ws.ts LiveSocket): connected while a driver is logged in.
// Replaceable for tests (a LiveSocket over a fake WebSocket).
import { LiveSocket } from '@kilowatt/api/ws'

let socket = new LiveSocket()

export function liveSocket(): LiveSocket {
  return socket
}

export function setLiveSocket(s: LiveSocket): void {
  socket = s
}
