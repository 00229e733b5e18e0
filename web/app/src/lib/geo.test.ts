import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { amapMarkerUrl, distanceM, formatDistance, geoUri, outsideChina, wgs84ToGcj02 } from './geo'

// The reference vectors the server's geo test uses (computed with gcoord, an independent library).
const vectorsPath = fileURLToPath(new URL('../../../../server/tests/data/gcj02-vectors.csv', import.meta.url))
const vectors = readFileSync(vectorsPath, 'utf8')
  .split('\n')
  .filter((l) => l && !l.startsWith('#') && !l.startsWith('name,'))
  .map((l) => {
    const [name, wl, wa, gl, ga] = l.split(',')
    return { name, wgs: { lng: +wl, lat: +wa }, gcj: { lng: +gl, lat: +ga } }
  })

describe('wgs84ToGcj02', () => {
  it('agrees with every reference vector to a microdegree', () => {
    expect(vectors.length).toBeGreaterThan(3)
    for (const v of vectors) {
      const got = wgs84ToGcj02(v.wgs)
      expect(Math.abs(got.lng - v.gcj.lng), v.name).toBeLessThan(1e-6)
      expect(Math.abs(got.lat - v.gcj.lat), v.name).toBeLessThan(1e-6)
    }
  })

  it('shifts Shanghai by a few hundred metres, as Amap tiles expect', () => {
    const wgs = { lng: 121.4737, lat: 31.2304 }
    const d = distanceM(wgs, wgs84ToGcj02(wgs))
    expect(d).toBeGreaterThan(100)
    expect(d).toBeLessThan(1000)
  })

  it('leaves points outside China unchanged', () => {
    const berlin = { lng: 13.404954, lat: 52.520008 }
    expect(outsideChina(berlin)).toBe(true)
    expect(wgs84ToGcj02(berlin)).toEqual(berlin)
  })
})

describe('distance and links', () => {
  it('measures one degree of latitude as R*pi/180', () => {
    expect(distanceM({ lng: 0, lat: 0 }, { lng: 0, lat: 1 })).toBeCloseTo((6371008.8 * Math.PI) / 180, 6)
  })

  it('formats metres and kilometres', () => {
    expect(formatDistance(850.4)).toBe('850 m')
    expect(formatDistance(3240)).toBe('3.2 km')
    expect(formatDistance(250_000)).toBe('250 km')
  })

  it('builds an Amap link with GCJ-02 and a geo: URI with WGS-84', () => {
    const url = new URL(amapMarkerUrl({ lng: 121.478, lat: 31.228 }, '人民广场'))
    expect(url.host).toBe('uri.amap.com')
    expect(url.pathname).toBe('/marker')
    expect(url.searchParams.get('position')).toBe('121.478000,31.228000')
    expect(url.searchParams.get('name')).toBe('人民广场')
    expect(geoUri({ lng: 121.4737, lat: 31.2304 }, 'A B')).toBe('geo:31.230400,121.473700?q=31.230400,121.473700(A%20B)')
  })
})
