import type { Order } from '@kilowatt/api/types';
import { describe, expect, it } from 'vitest';
import { newerOrder } from './order-merge';

const o = (state: Order['state'], refunded = 0) => ({ id: 7, state, refunded_fen: refunded }) as Order;

describe('newerOrder', () => {
  it('keeps a settled order when a stale stopping answer arrives after the push', () => {
    expect(newerOrder(o('settled'), o('stopping')).state).toBe('settled');
  });
  it('takes a later state and a changed settled order', () => {
    expect(newerOrder(o('charging'), o('stopping')).state).toBe('stopping');
    expect(newerOrder(o('settled'), o('settled', 10)).refunded_fen).toBe(10);
    expect(newerOrder(null, o('starting')).state).toBe('starting');
  });
});
