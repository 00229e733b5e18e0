import { describe, expect, it } from 'vitest';
import { fenToYuanText, formatFen, formatKwhNumber, formatPower, formatPrice, formatWh, yuanTextToFen, yuanTextToPrice } from './money';

describe('money', () => {
  it('formats fen as yuan with two decimals', () => {
    expect(formatFen(1234)).toBe('¥12.34');
    expect(formatFen(5)).toBe('¥0.05');
    expect(formatFen(0)).toBe('¥0.00');
    expect(formatFen(-250)).toBe('-¥2.50');
    expect(formatFen(123456789)).toBe('¥1,234,567.89');
    expect(formatFen(null)).toBe('-');
    expect(fenToYuanText(123456789)).toBe('1234567.89');
  });

  it('parses yuan text to fen without floating-point error', () => {
    expect(yuanTextToFen('12.34')).toBe(1234);
    expect(yuanTextToFen('0.1')).toBe(10);
    expect(yuanTextToFen('19.99')).toBe(1999);
    expect(yuanTextToFen('-0.5')).toBe(-50);
    expect(yuanTextToFen('3')).toBe(300);
    expect(yuanTextToFen('1.234')).toBeNull();
    expect(yuanTextToFen('abc')).toBeNull();
    expect(yuanTextToFen('')).toBeNull();
  });

  it('formats Wh as kWh with two decimals', () => {
    expect(formatWh(12345)).toBe('12.35 kWh');
    expect(formatWh(0)).toBe('0.00 kWh');
    expect(formatWh(5)).toBe('0.01 kWh');
    expect(formatWh(4)).toBe('0.00 kWh');
    expect(formatKwhNumber(1500, 1)).toBe('1.5');
    expect(formatWh(undefined)).toBe('-');
    expect(formatPower(7040)).toBe('7.04 kW');
  });

  it('converts prices between 1/10000 yuan and yuan text', () => {
    expect(formatPrice(12851)).toBe('1.2851');
    expect(formatPrice(8000)).toBe('0.8000');
    expect(formatPrice(0)).toBe('0.0000');
    expect(yuanTextToPrice('1.2851')).toBe(12851);
    expect(yuanTextToPrice('0.8')).toBe(8000);
    expect(yuanTextToPrice('2')).toBe(20000);
    expect(yuanTextToPrice('1.23456')).toBeNull();
    expect(yuanTextToPrice('-1')).toBeNull();
  });
});
