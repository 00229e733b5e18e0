import { describe, expect, it } from 'vitest'
import { parseQrContent } from './qr'

describe('parseQrContent', () => {
  it('reads the printed label URL', () => {
    expect(parseQrContent('https://charge.example.com/app/c/KW-SH-0001/1')).toEqual({ code: 'KW-SH-0001', connector: 1 })
    expect(parseQrContent('http://127.0.0.1:8080/app/c/SH-DC-01/2')).toEqual({ code: 'SH-DC-01', connector: 2 })
  })

  it('reads the short form and tolerates spaces, a trailing slash, a query or fragment', () => {
    expect(parseQrContent(' SH-AC-01/1 \n')).toEqual({ code: 'SH-AC-01', connector: 1 })
    expect(parseQrContent('https://x.cn/app/c/A_1/12/')).toEqual({ code: 'A_1', connector: 12 })
    expect(parseQrContent('https://x.cn/app/c/A/3?utm=x#y')).toEqual({ code: 'A', connector: 3 })
  })

  it('refuses anything that is not a charger label', () => {
    for (const bad of [
      '',
      'hello',
      'https://example.com/',
      'https://x.cn/app/x/A/1',
      'A/0',
      'A/100',
      'A/1x',
      'A B/1',
      `${'A'.repeat(33)}/1`,
      'https://x.cn/app/c/A/',
    ])
      expect(parseQrContent(bad), bad).toBeNull()
  })
})
