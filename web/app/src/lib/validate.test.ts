import { describe, expect, it } from 'vitest'
import { maskPhone, nicknameError, passwordError, phoneError, smsCodeError } from './validate'

describe('login form rules', () => {
  it('accepts mainland mobile numbers only', () => {
    expect(phoneError('13800138000')).toBe('')
    expect(phoneError('')).toBe('validation.phoneRequired')
    expect(phoneError('12800138000')).toBe('validation.phoneInvalid')
    expect(phoneError('1380013800')).toBe('validation.phoneInvalid')
    expect(phoneError('1380013800a')).toBe('validation.phoneInvalid')
  })

  it('wants the SMS code as 4 to 8 digits', () => {
    expect(smsCodeError('123456')).toBe('')
    expect(smsCodeError(' 123456 ')).toBe('')
    expect(smsCodeError('')).toBe('validation.smsCodeRequired')
    expect(smsCodeError('12a456')).toBe('validation.smsCodeInvalid')
    expect(smsCodeError('123')).toBe('validation.smsCodeInvalid')
  })

  it('wants 8+ characters with a letter and a digit', () => {
    expect(passwordError('Demo1234')).toBe('')
    expect(passwordError('')).toBe('validation.passwordRequired')
    expect(passwordError('Demo123')).toBe('validation.passwordShort')
    expect(passwordError('abcdefgh')).toBe('validation.passwordWeak')
    expect(passwordError('12345678')).toBe('validation.passwordWeak')
    expect(passwordError('a1'.repeat(33))).toBe('validation.passwordLong')
  })

  it('limits nicknames and masks phones', () => {
    expect(nicknameError('小明')).toBe('')
    expect(nicknameError('字'.repeat(51))).toBe('validation.nicknameLong')
    expect(maskPhone('13800138000')).toBe('138****8000')
    expect(maskPhone('138****8000')).toBe('138****8000')
  })
})
