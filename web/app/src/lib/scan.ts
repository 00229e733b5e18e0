// Reading a QR code from a camera frame or a picked image: the browser's BarcodeDetector where it
// has one that knows QR codes (Android, macOS, ChromeOS), jsQR on the pixels otherwise.
import jsQR from 'jsqr'

let detector: BarcodeDetector | null | undefined

async function nativeDetector(): Promise<BarcodeDetector | null> {
  if (detector !== undefined) return detector
  detector = null
  try {
    if (typeof BarcodeDetector !== 'undefined') {
      const formats = await BarcodeDetector.getSupportedFormats()
      if (formats.includes('qr_code')) detector = new BarcodeDetector({ formats: ['qr_code'] })
    }
  } catch {
    detector = null
  }
  return detector
}

// Largest side the pixels are scaled to for jsQR: big photos are slow and gain nothing.
const MAX_SIDE = 1024

function pixels(source: CanvasImageSource, width: number, height: number, canvas?: HTMLCanvasElement): ImageData | null {
  const scale = Math.min(1, MAX_SIDE / Math.max(width, height))
  const w = Math.max(1, Math.round(width * scale))
  const h = Math.max(1, Math.round(height * scale))
  const c = canvas ?? document.createElement('canvas')
  c.width = w
  c.height = h
  const ctx = c.getContext('2d', { willReadFrequently: true })
  if (!ctx) return null
  ctx.drawImage(source, 0, 0, w, h)
  return ctx.getImageData(0, 0, w, h)
}

// The text of the first QR code in the image, or null.
export async function decodeSource(
  source: CanvasImageSource,
  width: number,
  height: number,
  canvas?: HTMLCanvasElement,
): Promise<string | null> {
  if (!width || !height) return null
  const native = await nativeDetector()
  if (native) {
    try {
      const found = await native.detect(source as HTMLCanvasElement)
      if (found.length) return found[0].rawValue
    } catch {
      // fall through to jsQR
    }
  }
  const data = pixels(source, width, height, canvas)
  if (!data) return null
  const code = jsQR(data.data, data.width, data.height, { inversionAttempts: 'attemptBoth' })
  return code?.data ?? null
}

// Decodes a picked image file (photo of a label, screenshot).
export async function decodeFile(file: Blob): Promise<string | null> {
  if (typeof createImageBitmap === 'function') {
    try {
      const bitmap = await createImageBitmap(file)
      try {
        return await decodeSource(bitmap, bitmap.width, bitmap.height)
      } finally {
        bitmap.close()
      }
    } catch {
      // some formats only an <img> can read
    }
  }
  const url = URL.createObjectURL(file)
  try {
    const img = new Image()
    img.src = url
    await img.decode()
    return await decodeSource(img, img.naturalWidth, img.naturalHeight)
  } finally {
    URL.revokeObjectURL(url)
  }
}
