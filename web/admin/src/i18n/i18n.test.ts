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

describe('templates', () => {
  it('hold no Chinese text of their own (every string goes through vue-i18n)', async () => {
    const { readdirSync, readFileSync, statSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { fileURLToPath } = await import('node:url');
    const root = fileURLToPath(new URL('..', import.meta.url));
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const full = join(dir, name);
        if (statSync(full).isDirectory()) walk(full);
        else if (name.endsWith('.vue')) files.push(full);
      }
    };
    walk(root);
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const template = text.slice(text.indexOf('<template>'), text.lastIndexOf('</template>'));
      expect(template, file).not.toMatch(/[\u4e00-\u9fff]/);
    }
  });
});
