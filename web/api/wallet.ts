// The driver's wallet: balance, ledger, top-ups through the sandbox payment provider.
import { http } from './http';
import type { CreatedTopup, LedgerRow, Page, PageQuery, PaidTopup, Wallet } from './types';

export const getWallet = () => http.get<Wallet>('/wallet');
export const listLedger = (query: PageQuery = {}) => http.get<Page<LedgerRow>>('/wallet/ledger', { ...query });
export const createTopup = (amountFen: number) => http.post<CreatedTopup>('/wallet/topups', { amount_fen: amountFen });
/** Pays a sandbox top-up with the sign it was created with (client_params.sign; 403 for another). */
export const paySandboxTopup = (id: number, sign: string) => http.post<PaidTopup>(`/wallet/topups/${id}/sandbox-pay`, { sign });
