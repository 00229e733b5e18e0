// Form rules the server also enforces (domain/validate.cpp); checked here first so the driver sees
// the problem next to the field, in their language. Each returns an i18n key or '' when valid.

export function phoneError(phone: string): string {
  if (!phone) return 'validation.phoneRequired'
  if (!/^1[3-9]\d{9}$/.test(phone)) return 'validation.phoneInvalid'
  return ''
}

export function passwordError(password: string): string {
  if (!password) return 'validation.passwordRequired'
  if (password.length < 8) return 'validation.passwordShort'
  if (new TextEncoder().encode(password).length > 64) return 'validation.passwordLong'
  if (!/[A-Za-z]/.test(password) || !/\d/.test(password)) return 'validation.passwordWeak'
  return ''
}

// The verification code texted for registration (the server says whether it is right).
export function smsCodeError(code: string): string {
  const c = code.trim()
  if (!c) return 'validation.smsCodeRequired'
  if (!/^\d{4,8}$/.test(c)) return 'validation.smsCodeInvalid'
  return ''
}

export function nicknameError(nickname: string): string {
  if ([...nickname.trim()].length > 50) return 'validation.nicknameLong'
  return ''
}

export function maskPhone(phone: string): string {
  if (phone.includes('*')) return phone
  if (phone.length < 8) return '****'
  return `${phone.slice(0, 3)}****${phone.slice(-4)}`
}
