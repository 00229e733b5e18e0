// The wallet balance shown on the confirm screen and in the personal center, and the sandbox
// top-up (create, then pay with the sandbox provider). Main thread only.
import * as walletApi from '@kilowatt/api/wallet'
import { defineStore } from 'pinia'
import { ref } from 'vue'

export const useWalletStore = defineStore('wallet', () => {
  const balanceFen = ref<number | null>(null)

  async function refresh(): Promise<number> {
    const w = await walletApi.getWallet()
    balanceFen.value = w.balance_fen
    return w.balance_fen
  }

  // Creates a top-up and pays it through the sandbox provider; the new balance comes back.
  async function topUp(amountFen: number): Promise<number> {
    const created = await walletApi.createTopup(amountFen)
    const paid = await walletApi.paySandboxTopup(created.id, String(created.client_params.sign ?? ''))
    balanceFen.value = paid.balance_fen
    return paid.balance_fen
  }

  function reset(): void {
    balanceFen.value = null
  }

  return { balanceFen, refresh, topUp, reset }
})
