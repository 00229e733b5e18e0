import type { ChargerCommand } from '@kilowatt/api/types';
import { describe, expect, it } from 'vitest';
import {
  configurationOf,
  isOcpp,
  maxKeyLength,
  ocppUrl,
  outcomeOf,
  paramsText,
  parseKeys,
  reasonText,
  VARIABLE_EXAMPLES,
  waitForCommand,
} from './charger-commands';

function command(over: Partial<ChargerCommand> = {}): ChargerCommand {
  return {
    id: 7,
    charger_id: 3,
    kind: 'reset',
    params: { type: 'soft' },
    status: 'sent',
    reason: '',
    result: null,
    employee_id: 1,
    created_at: '2026-11-30T08:00:00Z',
    answered_at: null,
    ...over,
  };
}

/** A fake clock: sleep() moves it forward instead of waiting. */
function clock() {
  let now = 0;
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    sleeps,
  };
}

describe('waitForCommand', () => {
  it('reads the command every interval until the charger answered', async () => {
    const c = clock();
    const answers = [command(), command(), command({ status: 'accepted', answered_at: '2026-11-30T08:00:01Z' })];
    const asked: number[] = [];
    const done = await waitForCommand(
      command(),
      async (id) => {
        asked.push(id);
        return answers.shift() as ChargerCommand;
      },
      { ...c, intervalMs: 500, timeoutMs: 20000 },
    );
    expect(done.status).toBe('accepted');
    expect(asked).toEqual([7, 7, 7]);
    expect(c.sleeps).toEqual([500, 500, 500]);
  });

  it('does not ask when the answer to the POST is final already', async () => {
    let asked = 0;
    const done = await waitForCommand(command({ status: 'failed', reason: 'not_supported' }), async () => {
      asked += 1;
      return command();
    });
    expect(done.status).toBe('failed');
    expect(asked).toBe(0);
  });

  it('gives up after the timeout with the command still sent', async () => {
    const c = clock();
    let asked = 0;
    const done = await waitForCommand(
      command(),
      async () => {
        asked += 1;
        return command();
      },
      { ...c, intervalMs: 500, timeoutMs: 20000 },
    );
    expect(done.status).toBe('sent');
    expect(asked).toBe(40);
  });

  it('tries again after a failed read', async () => {
    const c = clock();
    let calls = 0;
    const done = await waitForCommand(
      command(),
      async () => {
        calls += 1;
        if (calls === 1) throw new Error('network');
        return command({ status: 'rejected', reason: 'unlock_failed' });
      },
      c,
    );
    expect(calls).toBe(2);
    expect(done).toMatchObject({ status: 'rejected', reason: 'unlock_failed' });
  });

  it('stops when the page is left', async () => {
    const c = clock();
    const stop = new AbortController();
    let calls = 0;
    const done = await waitForCommand(
      command(),
      async () => {
        calls += 1;
        if (calls === 2) stop.abort();
        return command();
      },
      { ...c, signal: stop.signal },
    );
    expect(calls).toBe(2);
    expect(done.status).toBe('sent');
  });
});

describe('outcomeOf', () => {
  it('says accepted, accepted with a condition, rejected, failed, timeout and waiting', () => {
    expect(outcomeOf({ status: 'accepted', reason: '' })).toEqual({ outcome: 'accepted', type: 'success' });
    expect(outcomeOf({ status: 'accepted', reason: 'reboot_required' })).toEqual({ outcome: 'acceptedWith', type: 'warning' });
    expect(outcomeOf({ status: 'rejected', reason: 'rejected' })).toEqual({ outcome: 'rejected', type: 'error' });
    expect(outcomeOf({ status: 'failed', reason: 'not_supported' })).toEqual({ outcome: 'failed', type: 'error' });
    expect(outcomeOf({ status: 'timeout', reason: '' })).toEqual({ outcome: 'timeout', type: 'warning' });
    expect(outcomeOf({ status: 'sent', reason: '' })).toEqual({ outcome: 'waiting', type: 'info' });
  });
});

// A translator that shows the key and its arguments.
const t = (key: string, named?: Record<string, unknown>) => (named ? `${key}${JSON.stringify(named)}` : key);
const te = (key: string) => key === 'ocpp.reason.unlock_failed';

describe('paramsText', () => {
  it('reads each kind of command', () => {
    expect(paramsText(command({ kind: 'reset', params: { type: 'hard' } }), t)).toBe('ocpp.resetHard');
    expect(paramsText(command({ kind: 'reset', params: { type: 'soft', connector: 2 } }), t)).toBe(
      'ocpp.connectorN{"n":2} · ocpp.resetSoft',
    );
    expect(paramsText(command({ kind: 'unlock', params: { connector: 2 } }), t)).toBe('ocpp.connectorN{"n":2}');
    expect(paramsText(command({ kind: 'change_availability', params: { connector: 0, operative: false } }), t)).toBe(
      'ocpp.wholeCharger · ocpp.inoperative',
    );
    expect(paramsText(command({ kind: 'change_availability', params: { connector: 1, operative: true } }), t)).toBe(
      'ocpp.connectorN{"n":1} · ocpp.operative',
    );
    expect(paramsText(command({ kind: 'get_configuration', params: { keys: [] } }), t)).toBe('ocpp.allKeys');
    expect(paramsText(command({ kind: 'get_configuration', params: { keys: ['A', 'B'] } }), t)).toBe('A, B');
    expect(paramsText(command({ kind: 'set_configuration', params: { key: 'HeartbeatInterval', value: '60' } }), t)).toBe(
      'HeartbeatInterval = 60',
    );
    expect(paramsText(command({ kind: 'trigger_message', params: { message: 'status', connector: 0 } }), t)).toBe('ocpp.message.status');
    expect(paramsText(command({ kind: 'trigger_message', params: { message: 'meter', connector: 2 } }), t)).toBe(
      'ocpp.message.meter · ocpp.connectorN{"n":2}',
    );
    expect(paramsText(command({ kind: 'clear_cache', params: {} }), t)).toBe('');
    expect(paramsText(command({ kind: 'send_local_list', params: { update_type: 'full', list_version: 12, entries: 3 } }), t)).toBe(
      'ocpp.localListFull · ocpp.listVersionN{"n":12} · ocpp.listEntries{"n":3}',
    );
    expect(
      paramsText(
        command({
          kind: 'send_local_list',
          params: { update_type: 'differential', since: 9, list_version: 12, entries: 1, trigger: 'card_blocked' },
        }),
        t,
      ),
    ).toBe(
      'ocpp.localListDifferential · ocpp.listVersionSince{"n":12,"since":9} · ocpp.listEntries{"n":1} · ocpp.listTrigger.card_blocked',
    );
    expect(paramsText(command({ kind: 'send_local_list', params: {} }), t)).toBe('ocpp.localListFull');
    expect(paramsText(command({ kind: 'get_local_list_version', params: {}, result: { list_version: 12 } }), t)).toBe(
      'ocpp.listVersionN{"n":12}',
    );
    expect(paramsText(command({ kind: 'get_local_list_version', params: {} }), t)).toBe('');
    expect(paramsText(command({ kind: 'something_new', params: { x: 1 } }), t)).toBe('{"x":1}');
    expect(paramsText(command({ kind: 'reset', params: null }), t)).toBe('ocpp.resetSoft');
  });
});

describe('reasonText', () => {
  it('translates a known reason and keeps an unknown one', () => {
    expect(reasonText('unlock_failed', t, te)).toBe('ocpp.reason.unlock_failed');
    expect(reasonText('vendor_specific', t, te)).toBe('vendor_specific');
    expect(reasonText('', t, te)).toBe('');
  });
});

describe('configurationOf', () => {
  it('reads the keys of an accepted get_configuration', () => {
    const c = command({
      kind: 'get_configuration',
      status: 'accepted',
      result: {
        configuration: [
          { key: 'HeartbeatInterval', value: '30', readonly: false },
          { key: 'NumberOfConnectors', value: '2', readonly: true },
          { key: 'AuthorizationKey', value: null, readonly: false },
          { value: 'no key' },
        ],
        unknown_keys: ['Foo'],
      },
    });
    expect(configurationOf(c)).toEqual({
      configuration: [
        { key: 'HeartbeatInterval', value: '30', readonly: false },
        { key: 'NumberOfConnectors', value: '2', readonly: true },
        { key: 'AuthorizationKey', value: null, readonly: false },
      ],
      unknown_keys: ['Foo'],
    });
  });

  it('is null for other commands and for answers without a configuration', () => {
    expect(configurationOf(command({ kind: 'reset', status: 'accepted' }))).toBeNull();
    expect(configurationOf(command({ kind: 'get_configuration', status: 'timeout' }))).toBeNull();
    expect(configurationOf(command({ kind: 'get_configuration', status: 'accepted', result: null }))).toBeNull();
    expect(configurationOf(command({ kind: 'get_configuration', status: 'accepted', result: {} }))).toEqual({
      configuration: [],
      unknown_keys: [],
    });
  });
});

describe('parseKeys', () => {
  it('splits on commas, spaces and new lines without repeats', () => {
    expect(parseKeys(' HeartbeatInterval, MeterValueSampleInterval\nHeartbeatInterval ， X ')).toEqual({
      keys: ['HeartbeatInterval', 'MeterValueSampleInterval', 'X'],
      error: null,
    });
    expect(parseKeys('')).toEqual({ keys: [], error: null });
  });

  it('refuses what the server would', () => {
    expect(parseKeys(Array.from({ length: 101 }, (_, i) => `K${i}`).join(',')).error).toBe('tooMany');
    expect(parseKeys('x'.repeat(51)).error).toBe('tooLong');
  });

  it('takes OCPP 2.0.1 variable keys up to 220 characters, and 1.6 keys up to 50', () => {
    const variable = `OCPPCommCtrlr[${'a'.repeat(50)}]@1.1/HeartbeatInterval[${'b'.repeat(50)}]`;
    expect(variable.length).toBeGreaterThan(50);
    expect(parseKeys(`${variable}, EVSE@1/Power`, maxKeyLength('ocpp2.0.1'))).toEqual({
      keys: [variable, 'EVSE@1/Power'],
      error: null,
    });
    expect(parseKeys(variable, maxKeyLength('ocpp1.6')).error).toBe('tooLong');
    expect(parseKeys('x'.repeat(220), maxKeyLength('ocpp2.0.1')).error).toBeNull();
    expect(parseKeys('x'.repeat(221), maxKeyLength('ocpp2.0.1')).error).toBe('tooLong');
    expect(parseKeys(VARIABLE_EXAMPLES.join(','), maxKeyLength('ocpp2.0.1')).keys).toEqual(VARIABLE_EXAMPLES);
  });
});

describe('maxKeyLength', () => {
  it('is 220 for OCPP 2.0.1 and 50 (CiString50) for 1.6 and anything else', () => {
    expect(maxKeyLength('ocpp2.0.1')).toBe(220);
    expect(maxKeyLength('ocpp1.6')).toBe(50);
    expect(maxKeyLength('kw-mqtt/1')).toBe(50);
    expect(maxKeyLength(undefined)).toBe(50);
  });
});

describe('isOcpp', () => {
  it('holds for both OCPP versions only', () => {
    expect(isOcpp('ocpp1.6')).toBe(true);
    expect(isOcpp('ocpp2.0.1')).toBe(true);
    expect(isOcpp('kw-mqtt/1')).toBe(false);
    expect(isOcpp('ocpp2.1')).toBe(false);
    expect(isOcpp(undefined)).toBe(false);
  });
});

describe('ocppUrl', () => {
  const path = '/ocpp/KW-SH-0001';
  it('puts the path after the edge address', () => {
    expect(ocppUrl('ws://10.0.0.5:8180', path)).toBe('ws://10.0.0.5:8180/ocpp/KW-SH-0001');
    expect(ocppUrl('wss://ocpp.example.com/', path)).toBe('wss://ocpp.example.com/ocpp/KW-SH-0001');
    expect(ocppUrl('  ocpp.example.com:8180 ', path)).toBe('ws://ocpp.example.com:8180/ocpp/KW-SH-0001');
  });

  it('takes http(s) for ws(s) and an address that ends in /ocpp already', () => {
    expect(ocppUrl('https://ocpp.example.com', path)).toBe('wss://ocpp.example.com/ocpp/KW-SH-0001');
    expect(ocppUrl('http://edge:8180', path)).toBe('ws://edge:8180/ocpp/KW-SH-0001');
    expect(ocppUrl('ws://edge:8180/ocpp', path)).toBe('ws://edge:8180/ocpp/KW-SH-0001');
    expect(ocppUrl('ws://edge:8180/ocpp/', path)).toBe('ws://edge:8180/ocpp/KW-SH-0001');
    expect(ocppUrl('wss://gw.example.com/cs', path)).toBe('wss://gw.example.com/cs/ocpp/KW-SH-0001');
  });

  it('is null for an empty or unusable address', () => {
    expect(ocppUrl('', path)).toBeNull();
    expect(ocppUrl('   ', path)).toBeNull();
    expect(ocppUrl('not a host', path)).toBeNull();
    expect(ocppUrl('ws://edge:8180/?x=1', path)).toBeNull();
    expect(ocppUrl('ws://user:pw@edge:8180', path)).toBeNull();
  });
});
