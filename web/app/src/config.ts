// Runtime settings. An operator edits dist/config.js (window.KW_APP_CONFIG) without rebuilding;
// VITE_* variables set them at build time; otherwise the defaults below.
export interface AppConfig {
  // Leaflet tile URL template and its {s} subdomains. Default: Amap raster tiles (GCJ-02).
  tileUrl: string
  tileSubdomains: string[]
  tileAttribution: string
  // Where the map opens when the browser gives no location (WGS-84).
  fallbackCenter: { lng: number; lat: number }
  // The server's orders.min_balance_fen: below it the confirm screen points to top-up.
  minStartBalanceFen: number
}

declare global {
  interface Window {
    KW_APP_CONFIG?: Partial<AppConfig>
  }
}

const env = import.meta.env

export const DEFAULT_TILE_URL = 'https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}'

function fromEnvList(v: string | undefined): string[] | undefined {
  return v
    ? v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined
}

export function loadConfig(win: Partial<AppConfig> | undefined = globalThis.window?.KW_APP_CONFIG): AppConfig {
  const w = win ?? {}
  return {
    tileUrl: w.tileUrl ?? env?.VITE_TILE_URL ?? DEFAULT_TILE_URL,
    tileSubdomains: w.tileSubdomains ?? fromEnvList(env?.VITE_TILE_SUBDOMAINS) ?? ['1', '2', '3', '4'],
    tileAttribution: w.tileAttribution ?? env?.VITE_TILE_ATTRIBUTION ?? '© 高德地图 AutoNavi',
    fallbackCenter: w.fallbackCenter ?? { lng: 121.4737, lat: 31.2304 }, // 上海人民广场
    minStartBalanceFen: w.minStartBalanceFen ?? Number(env?.VITE_MIN_START_BALANCE_FEN ?? 500),
  }
}

export const config = loadConfig()
