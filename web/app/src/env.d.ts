/// <reference types="vite/client" />

interface ImportMetaEnv {
  readonly VITE_TILE_URL?: string
  readonly VITE_TILE_SUBDOMAINS?: string
  readonly VITE_TILE_ATTRIBUTION?: string
  readonly VITE_MIN_START_BALANCE_FEN?: string
}

interface ImportMeta {
  readonly env: ImportMetaEnv
}

declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<object, object, unknown>
  export default component
}

// Chromium's shape-detection API (not in TypeScript's DOM lib yet).
interface DetectedBarcode {
  rawValue: string
  format: string
}
interface BarcodeDetectorOptions {
  formats?: string[]
}
declare class BarcodeDetector {
  constructor(options?: BarcodeDetectorOptions)
  static getSupportedFormats(): Promise<string[]>
  detect(source: ImageBitmapSource | HTMLVideoElement | HTMLCanvasElement): Promise<DetectedBarcode[]>
}
