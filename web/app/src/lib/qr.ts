// What a charger's QR label says: `<public_url>/app/c/<code>/<connector>`, or the short form
// `<code>/<connector>`. Same rules as the server's domain/qr.cpp, so the app can route straight to
// the confirm screen; the server stays the authority (GET /chargers/by-qr) for anything else.
export interface QrTarget {
  code: string
  connector: number
}

const CODE_RE = /^[A-Za-z0-9_-]{1,32}$/
const MAX_CONTENT = 512
export const MAX_CONNECTOR = 99

export function isValidChargerCode(code: string): boolean {
  return CODE_RE.test(code)
}

// null when the text is not a charger QR code.
export function parseQrContent(content: string): QrTarget | null {
  let s = content.trim()
  if (!s || s.length > MAX_CONTENT) return null
  const cut = s.search(/[?#]/)
  if (cut >= 0) s = s.slice(0, cut)
  if (s.endsWith('/')) s = s.slice(0, -1)
  const parts = s.split('/')
  if (parts.length < 2) return null
  if (parts.length > 2 && parts[parts.length - 3] !== 'c') return null
  const code = parts[parts.length - 2]
  const number = parts[parts.length - 1]
  if (!isValidChargerCode(code)) return null
  if (!/^\d{1,2}$/.test(number)) return null
  const n = Number(number)
  if (n < 1 || n > MAX_CONNECTOR) return null
  return { code, connector: n }
}
