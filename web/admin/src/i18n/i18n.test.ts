import { describe, expect, it } from 'vitest';
import en from './en';
import zhCN from './zh-CN';

function keys(obj: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) =>
    v && typeof v === 'object' ? keys(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

function leaves(obj: Record<string, unknown>): string[] {
  return Object.values(obj).flatMap((v) => (v && typeof v === 'object' ? leaves(v as Record<string, unknown>) : [String(v)]));
}

describe('translations', () => {
  it('zh-CN and en have exactly the same keys', () => {
    expect(keys(en).sort()).toEqual(keys(zhCN).sort());
  });

  it('no message is empty or uses characters vue-i18n would parse as syntax', () => {
    for (const text of [...leaves(en), ...leaves(zhCN)]) {
      expect(text.trim()).not.toBe('');
      expect(text).not.toMatch(/[@|]/);
    }
  });
});
