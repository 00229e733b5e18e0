// Choices shared by several forms.

/** "00:00", "00:15", ... "23:45" (and "24:00" when withEnd). */
export function timeOptions(stepMinutes = 30, withEnd = false): string[] {
  const out: string[] = [];
  for (let m = 0; m < 1440; m += stepMinutes) {
    out.push(`${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`);
  }
  if (withEnd) out.push('24:00');
  return out;
}

const FALLBACK_ZONES = [
  'Asia/Shanghai',
  'Asia/Hong_Kong',
  'Asia/Taipei',
  'Asia/Urumqi',
  'Asia/Tokyo',
  'Asia/Seoul',
  'Asia/Singapore',
  'Asia/Bangkok',
  'Asia/Kolkata',
  'Asia/Dubai',
  'Europe/London',
  'Europe/Berlin',
  'Europe/Paris',
  'Europe/Moscow',
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Los_Angeles',
  'Australia/Sydney',
  'UTC',
];

/** IANA time zones the browser knows, Chinese ones first. */
export function timeZones(): string[] {
  let all: string[] = [];
  try {
    const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
    all = intl.supportedValuesOf ? intl.supportedValuesOf('timeZone') : [];
  } catch {
    all = [];
  }
  if (all.length === 0) all = FALLBACK_ZONES;
  const first = ['Asia/Shanghai', 'Asia/Hong_Kong', 'Asia/Taipei', 'Asia/Urumqi', 'UTC'];
  return [...first, ...all.filter((z) => !first.includes(z))];
}

export const PAGE_SIZES = [10, 20, 50, 100];
