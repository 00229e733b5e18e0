// Coordinates for display. The API stores WGS-84 and answers both WGS-84 and GCJ-02; Amap's tiles
// are drawn in GCJ-02, so anything the browser reports (WGS-84) is shifted before it is put on the
// map. Same published algorithm as the server's domain/geo.cpp.
export interface LngLat {
  lng: number
  lat: number
}

const A = 6378245.0 // Krasovsky semi-major axis
const EE = 0.006693421622965943 // eccentricity squared (0.00669342162296594323, to double precision)
const EARTH_RADIUS_M = 6371008.8

function transformLat(x: number, y: number): number {
  let r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x))
  r += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0
  r += ((20.0 * Math.sin(y * Math.PI) + 40.0 * Math.sin((y / 3.0) * Math.PI)) * 2.0) / 3.0
  r += ((160.0 * Math.sin((y / 12.0) * Math.PI) + 320.0 * Math.sin((y * Math.PI) / 30.0)) * 2.0) / 3.0
  return r
}

function transformLng(x: number, y: number): number {
  let r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x))
  r += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0
  r += ((20.0 * Math.sin(x * Math.PI) + 40.0 * Math.sin((x / 3.0) * Math.PI)) * 2.0) / 3.0
  r += ((150.0 * Math.sin((x / 12.0) * Math.PI) + 300.0 * Math.sin((x / 30.0) * Math.PI)) * 2.0) / 3.0
  return r
}

export function outsideChina(p: LngLat): boolean {
  return p.lng < 72.004 || p.lng > 137.8347 || p.lat < 0.8293 || p.lat > 55.8271
}

export function wgs84ToGcj02(p: LngLat): LngLat {
  if (outsideChina(p)) return { lng: p.lng, lat: p.lat }
  let dLat = transformLat(p.lng - 105.0, p.lat - 35.0)
  let dLng = transformLng(p.lng - 105.0, p.lat - 35.0)
  const radLat = (p.lat * Math.PI) / 180.0
  let magic = Math.sin(radLat)
  magic = 1 - EE * magic * magic
  const sqrtMagic = Math.sqrt(magic)
  dLat = (dLat * 180.0) / (((A * (1 - EE)) / (magic * sqrtMagic)) * Math.PI)
  dLng = (dLng * 180.0) / ((A / sqrtMagic) * Math.cos(radLat) * Math.PI)
  return { lng: p.lng + dLng, lat: p.lat + dLat }
}

// Great-circle distance in metres (haversine), as the server computes distance_m.
export function distanceM(a: LngLat, b: LngLat): number {
  const rad = (d: number) => (d * Math.PI) / 180
  const lat1 = rad(a.lat)
  const lat2 = rad(b.lat)
  const dLat = lat2 - lat1
  const dLng = rad(b.lng - a.lng)
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1) * Math.cos(lat2) * Math.sin(dLng / 2) ** 2
  return 2 * EARTH_RADIUS_M * Math.asin(Math.sqrt(Math.min(1, h)))
}

// "850 m" / "3.2 km" (units are the same in both languages).
export function formatDistance(m: number): string {
  if (!Number.isFinite(m) || m < 0) return ''
  if (m < 1000) return `${Math.round(m)} m`
  if (m < 100_000) return `${(m / 1000).toFixed(1)} km`
  return `${Math.round(m / 1000)} km`
}

// Amap's web "marker" page, which opens the Amap app on phones; position in GCJ-02.
export function amapMarkerUrl(gcj: LngLat, name: string): string {
  const q = new URLSearchParams({
    position: `${gcj.lng.toFixed(6)},${gcj.lat.toFixed(6)}`,
    name,
    coordinate: 'gaode',
    callnative: '1',
  })
  return `https://uri.amap.com/marker?${q.toString()}`
}

// RFC 5870 geo: URI for the phone's default maps app; geo: is WGS-84 by definition.
export function geoUri(wgs: LngLat, name: string): string {
  const lat = wgs.lat.toFixed(6)
  const lng = wgs.lng.toFixed(6)
  return `geo:${lat},${lng}?q=${lat},${lng}(${encodeURIComponent(name)})`
}
