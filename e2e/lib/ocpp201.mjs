// OCPP 2.0.1 charging stations for the journeys that drive kilowatt-ocpp (startStack({ ocpp: true })),
// played by ocpp-rpc in strict mode with the subprotocol ocpp2.0.1 (its vendored 2.0.1 schemas check
// every CALL and answer both ways). Built on ocpp.mjs's ChargePoint (frames, transcripts, nextCall,
// replies); what differs in 2.0.1 is here:
//
//   const charger = await createOcppCharger(stack, adminToken, { code: 'OCPP201-1', stationId, protocol: 'ocpp2.0.1' })
//   const st = new Station(stack, charger);   await st.connect();   await st.boot();
//   await st.status(1, 'Available')                       StatusNotification of EVSE 1 (connector 1)
//   await st.txEvent('Started', { transactionId, triggerReason: 'RemoteStart', remoteStartId, wh: 1000 })
//                                                         seqNo counted per transaction unless given
//   meterValue201(wh, { powerW, context })                one MeterValue, the register in kWh
import { ChargePoint, now } from './ocpp.mjs';

/** One 2.0.1 MeterValue: the energy register (in kWh, or Wh with a multiplier), power in W. */
export function meterValue201(wh, { powerW, context = 'Sample.Periodic', unit = 'kWh', multiplier, timestamp = now() } = {}) {
  const energy =
    multiplier !== undefined
      ? { value: wh / 10 ** multiplier, unitOfMeasure: { unit: 'Wh', multiplier } }
      : unit === 'kWh'
        ? { value: Number((wh / 1000).toFixed(3)), unitOfMeasure: { unit: 'kWh' } }
        : { value: wh, unitOfMeasure: { unit: 'Wh' } };
  const sampledValue = [{ ...energy, measurand: 'Energy.Active.Import.Register', context }];
  if (powerW !== undefined) sampledValue.push({ value: powerW, measurand: 'Power.Active.Import', unitOfMeasure: { unit: 'W' }, context });
  return { timestamp, sampledValue };
}

/** SetVariables answered Accepted for every variable asked (the station's default). */
export const acceptAllVariables = ({ setVariableData }) => ({
  setVariableResult: setVariableData.map((d) => ({ attributeStatus: 'Accepted', component: d.component, variable: d.variable })),
});

export class Station extends ChargePoint {
  /** As ChargePoint; protocols ['ocpp2.0.1'] unless given. */
  constructor(stack, charger, options = {}) {
    super(stack, charger, { protocols: ['ocpp2.0.1'], ...options });
    this.replies = {
      RequestStartTransaction: { status: 'Accepted' },
      RequestStopTransaction: { status: 'Accepted' },
      SetVariables: acceptAllVariables,
    };
    this.seqNos = new Map(); // transactionId -> the next seqNo
  }

  /** BootNotification (reason PowerUp); when Accepted, a Heartbeat every `interval` seconds. */
  async boot({ reason = 'PowerUp', ...station } = {}) {
    const conf = await this.call('BootNotification', {
      reason,
      chargingStation: {
        vendorName: 'E2E Vendor',
        model: 'OCPP201-DC',
        firmwareVersion: '2.0.1-e2e',
        serialNumber: `SN-${this.code}`,
        ...station,
      },
    });
    if (conf.status === 'Accepted') this.startHeartbeat(conf.interval);
    return conf;
  }

  /** StatusNotification of EVSE `evseId` (its one connector, 1). */
  status(evseId, connectorStatus) {
    return this.call('StatusNotification', { timestamp: now(), connectorStatus, evseId, connectorId: 1 });
  }

  /**
   * TransactionEvent. fields: transactionId, triggerReason, seqNo (default: the transaction's next,
   * from 0), chargingState, stoppedReason, remoteStartId, idToken ({ idToken, type }), evseId (1),
   * wh (a meter value with the register; or meterValue: [...]), context, powerW, offline, timestamp.
   */
  txEvent(
    eventType,
    {
      transactionId,
      triggerReason,
      seqNo,
      chargingState,
      stoppedReason,
      remoteStartId,
      idToken,
      evseId = 1,
      wh,
      meterValue,
      context,
      powerW,
      offline,
      timestamp = now(),
    },
  ) {
    if (seqNo === undefined) seqNo = this.seqNos.get(transactionId) ?? 0;
    this.seqNos.set(transactionId, Math.max(seqNo + 1, this.seqNos.get(transactionId) ?? 0));
    const transactionInfo = { transactionId };
    if (chargingState) transactionInfo.chargingState = chargingState;
    if (stoppedReason) transactionInfo.stoppedReason = stoppedReason;
    if (remoteStartId !== undefined) transactionInfo.remoteStartId = remoteStartId;
    const payload = { eventType, timestamp, triggerReason, seqNo, transactionInfo, evse: { id: evseId, connectorId: 1 } };
    if (offline !== undefined) payload.offline = offline;
    if (idToken) payload.idToken = idToken;
    if (meterValue) payload.meterValue = meterValue;
    else if (wh !== undefined) {
      const ctx =
        context ?? (eventType === 'Started' ? 'Transaction.Begin' : eventType === 'Ended' ? 'Transaction.End' : 'Sample.Periodic');
      payload.meterValue = [meterValue201(wh, { powerW, context: ctx, timestamp })];
    }
    return this.call('TransactionEvent', payload);
  }
}
