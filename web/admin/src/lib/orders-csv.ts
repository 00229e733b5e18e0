// The CSV export of an order list: local times, kWh and yuan as plain numbers.
import { fenToYuanText, formatKwhNumber } from '@kilowatt/api/money';
import type { Order } from '@kilowatt/api/types';
import { toCsv } from './csv';
import { formatTime } from './time';

type T = (key: string) => string;

export function ordersCsv(orders: Order[], t: T, te: (key: string) => boolean): string {
  const header = [
    t('order.id'),
    t('order.state'),
    t('order.station'),
    t('order.charger'),
    t('order.connector'),
    t('order.driverId'),
    t('order.createdAt'),
    t('order.startedAt'),
    t('order.stoppedAt'),
    t('order.settledAt'),
    `${t('order.energy')} (kWh)`,
    `${t('order.electricity')} (${t('common.yuan')})`,
    `${t('order.service')} (${t('common.yuan')})`,
    `${t('order.total')} (${t('common.yuan')})`,
    `${t('order.paid')} (${t('common.yuan')})`,
    `${t('order.refunded')} (${t('common.yuan')})`,
    t('order.stopReason'),
  ];
  const rows = orders.map((o) => [
    o.id,
    te(`order.states.${o.state}`) ? t(`order.states.${o.state}`) : o.state,
    o.station.name,
    o.charger_code,
    o.connector,
    o.driver_id,
    formatTime(o.created_at),
    o.started_at ? formatTime(o.started_at) : '',
    o.stopped_at ? formatTime(o.stopped_at) : '',
    o.settled_at ? formatTime(o.settled_at) : '',
    formatKwhNumber(o.energy_wh, 3),
    fenToYuanText(o.electricity_fen),
    fenToYuanText(o.service_fen),
    fenToYuanText(o.total_fen),
    fenToYuanText(o.paid_fen),
    fenToYuanText(o.refunded_fen),
    o.stop_reason ? (te(`order.stopReasons.${o.stop_reason}`) ? t(`order.stopReasons.${o.stop_reason}`) : o.stop_reason) : '',
  ]);
  return toCsv(header, rows);
}
