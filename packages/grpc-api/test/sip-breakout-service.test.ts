import { describe, expect, it } from 'vitest';
import { MemoryRegistrationStore } from '@sipbreakout/registrar';
import { ManualClock } from '@sipbreakout/sip-core/clock';
import { SipBreakoutService, allowAnyNumber, type Principal, type RegistrationRefused } from '../src/index.js';

const CLIENT: Principal = { kind: 'client', client: 'pbx-provider-1', scopes: new Set(['call.routing:write']) };
const LOOP = {
  sipUri: 'sips:tas-a.example.com',
  routeType: 'ROUTE_TYPE_LOOP',
  phoneNumber: { e164: '+4799990000' },
} as const;

function service(onRefusal?: (event: RegistrationRefused) => void) {
  const store = new MemoryRegistrationStore({ clock: new ManualClock() });
  return { store, api: new SipBreakoutService({ store, numberPolicy: allowAnyNumber, onRefusal }) };
}

describe('SipBreakoutService', () => {
  it('replaces on upsert: another SIP URI for the same number and route type is stored, STATUS_CODE_OK', async () => {
    const { store, api } = service();
    await api.upsertRegistration(CLIENT, { registration: LOOP });
    const replaced = await api.upsertRegistration(CLIENT, {
      registration: { ...LOOP, sipUri: 'sips:tas-b.example.com', mobileTerminatingPrefix: '9' },
    });
    expect(replaced).toEqual({
      ok: true,
      response: { statusCode: 'STATUS_CODE_OK', errorMessage: '', timeToLive: { seconds: 3600, nanos: 0 } },
    });
    expect(await store.get('+4799990000', 'LOOP')).toMatchObject({
      sipUri: 'sips:tas-b.example.com',
      mobileTerminatingPrefix: '9',
    });
  });

  it('answers exactly the documented text, and tells the listener the code and the detail', async () => {
    const heard: RegistrationRefused[] = [];
    const { api } = service((event) => heard.push(event));
    const answer = await api.upsertRegistration(CLIENT, { registration: { ...LOOP, sipUri: 'sip:tas-a.example.com' } });
    expect(answer).toEqual({
      ok: true,
      response: {
        statusCode: 'STATUS_CODE_NOT_ACCEPTABLE',
        errorMessage: 'Secure SIP domain name required',
        timeToLive: null,
      },
    });
    expect(heard).toEqual([
      {
        method: 'UpsertRegistration',
        client: 'pbx-provider-1',
        refusal: {
          code: 'ROUTE_ERR_NOT_SIPS',
          message: 'Secure SIP domain name required',
          detail: '"sip:tas-a.example.com" is not a sips: URI',
        },
      },
    ]);
  });

  it('gives the same answer when the listener throws', async () => {
    const { api } = service(() => {
      throw new Error('a broken listener');
    });
    const answer = await api.deleteRegistration(CLIENT, { registration: LOOP });
    expect(answer).toEqual({
      ok: true,
      response: { statusCode: 'STATUS_CODE_NOT_ACCEPTABLE', errorMessage: 'No such registration' },
    });
  });
});
