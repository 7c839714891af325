import { describe, expect, it } from 'vitest';
import { DIALOG_ERROR_CODES, DialogError, isDialogError, type DialogErrorCode } from '../../src/dialog/dialog-error.js';
import {
  acceptRemoteCSeq,
  createUacDialog,
  createUasDialog,
  refreshTarget,
  splitList,
} from '../../src/dialog/dialog-state.js';
import { createInDialogRequest, createSuccessAck } from '../../src/dialog/in-dialog-request.js';
import { startSuccessRetransmission, stepSuccessRetransmission } from '../../src/dialog/success-retransmission.js';
import { DEFAULT_TIMER_VALUES } from '../../src/transaction/timers.js';
import { serializeUri } from '../../src/uri.js';
import { parse } from '../transaction/harness.js';
import type { SipRequest, SipResponse } from '../../src/index.js';

const invite = parse(`INVITE sip:bob@example.com SIP/2.0
Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK-1
Max-Forwards: 70
From: "A" <sip:alice@example.com>;tag=a1
To: <sip:bob@example.com>
Call-ID: c1
CSeq: 7 INVITE
Contact: <sip:alice@10.0.0.1>
Record-Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>
Content-Length: 0

`) as SipRequest;

const ok = parse(`SIP/2.0 200 OK
Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK-1
From: "A" <sip:alice@example.com>;tag=a1
To: <sip:bob@example.com>;tag=b1
Call-ID: c1
CSeq: 7 INVITE
Contact: <sip:bob@10.0.0.3:5070>
Record-Route: <sip:p1.example.com;lr>
Record-Route: <sip:p2.example.com;lr>
Content-Length: 0

`) as SipResponse;

describe('DialogError', () => {
  it.each(Object.keys(DIALOG_ERROR_CODES) as DialogErrorCode[])('%s is recognised by its code', (code) => {
    const e = new DialogError(code);
    expect(isDialogError(e)).toBe(true);
    expect(isDialogError(e, code)).toBe(true);
    expect(e.message).toBe(DIALOG_ERROR_CODES[code].message);
    expect(isDialogError({ [Symbol.for('@sipbreakout/error')]: 'DialogError', code })).toBe(true);
  });
  it('refuses other values', () => {
    expect(isDialogError(new Error('x'))).toBe(false);
    expect(isDialogError({ name: 'DialogError', code: 'NOPE' })).toBe(false);
    expect(isDialogError(new DialogError('DIALOG_ERR_TERMINATED'), 'DIALOG_ERR_NO_TARGET')).toBe(false);
    expect(isDialogError(null)).toBe(false);
  });
});

describe('dialog state (RFC 3261 §12.1)', () => {
  it("UAC: route set is the Record-Route reversed, remote target the Contact, local CSeq the INVITE's (§12.1.2)", () => {
    const d = createUacDialog(invite, ok);
    expect(d.name).toBe('Confirmed');
    expect(d.id).toEqual({ callId: 'c1', localTag: 'a1', remoteTag: 'b1' });
    expect(d.routeSet).toEqual(['<sip:p2.example.com;lr>', '<sip:p1.example.com;lr>']);
    expect(serializeUri(d.remoteTarget!)).toBe('sip:bob@10.0.0.3:5070');
    expect(d.localSeq).toBe(7);
    expect(d.remoteSeq).toBeUndefined();
  });

  it("UAS: route set in order, remote CSeq the INVITE's, our tag in the local address (§12.1.1)", () => {
    const d = createUasDialog(invite, 'mine');
    expect(d.name).toBe('Early');
    expect(d.routeSet).toEqual(['<sip:p1.example.com;lr>', '<sip:p2.example.com;lr>']);
    expect(d.localAddress).toBe('<sip:bob@example.com>;tag=mine');
    expect(d.remoteSeq).toBe(7);
    expect(d.localSeq).toBeUndefined();
  });

  it('answers a lower remote CSeq with 500 and takes a higher one (§12.2.2)', () => {
    const d = createUasDialog(invite, 'mine');
    const low = parse(
      `BYE sip:x@y SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK-2\nFrom: <sip:a@b>;tag=a1\nTo: <sip:b@b>;tag=mine\nCall-ID: c1\nCSeq: 6 BYE\nContent-Length: 0\n\n`,
    ) as SipRequest;
    expect(acceptRemoteCSeq(d, low)).toEqual({ ok: false, status: 500 });
    const high = parse(
      `BYE sip:x@y SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK-2\nFrom: <sip:a@b>;tag=a1\nTo: <sip:b@b>;tag=mine\nCall-ID: c1\nCSeq: 9 BYE\nContent-Length: 0\n\n`,
    ) as SipRequest;
    const v = acceptRemoteCSeq(d, high);
    expect(v.ok && v.state.remoteSeq).toBe(9);
  });

  it('replaces the remote target on a target refresh, never the route set (§12.2)', () => {
    const d = refreshTarget(createUacDialog(invite, ok), invite);
    expect(serializeUri(d.remoteTarget!)).toBe('sip:alice@10.0.0.1');
    expect(d.routeSet).toHaveLength(2);
  });

  it('splits Record-Route lists without breaking quoted or bracketed commas', () => {
    expect(splitList('"a,b" <sip:x;lr>, <sip:y?h=1,2>')).toEqual(['"a,b" <sip:x;lr>', '<sip:y?h=1,2>']);
  });
});

describe('requests within a dialog (RFC 3261 §12.2.1.1)', () => {
  it('loose routing: Request-URI is the remote target, Route the route set, next hop the first route', () => {
    const d = createUacDialog(invite, ok);
    const { request, nextHop } = createInDialogRequest(d, 'BYE', 8);
    expect(serializeUri(request.uri)).toBe('sip:bob@10.0.0.3:5070');
    expect(request.headers.getAll('Route')).toEqual(['<sip:p2.example.com;lr>', '<sip:p1.example.com;lr>']);
    expect(serializeUri(nextHop)).toBe('sip:p2.example.com;lr');
    expect(request.cseq).toMatchObject({ seq: 8, method: 'BYE' });
    expect(request.from.tag).toBe('a1');
    expect(request.to.tag).toBe('b1');
    expect(request.callId).toBe('c1');
  });

  it('strict routing: the first route becomes the Request-URI and the remote target goes last', () => {
    const d = { ...createUacDialog(invite, ok), routeSet: ['<sip:strict.example.com>', '<sip:p1.example.com;lr>'] };
    const { request, nextHop } = createInDialogRequest(d, 'INFO', 8);
    expect(serializeUri(request.uri)).toBe('sip:strict.example.com');
    expect(request.headers.getAll('Route')).toEqual(['<sip:p1.example.com;lr>', '<sip:bob@10.0.0.3:5070>']);
    expect(serializeUri(nextHop)).toBe('sip:strict.example.com');
  });

  it('with no route set sends to the remote target', () => {
    const d = { ...createUacDialog(invite, ok), routeSet: [] };
    const { request } = createInDialogRequest(d, 'UPDATE', 9, { contact: '<sip:me@10.0.0.1>' });
    expect(request.headers.has('Route')).toBe(false);
    expect(request.headers.get('Contact')).toBe('<sip:me@10.0.0.1>');
  });

  it('Max-Forwards: 70 by default (§8.1.1.6), the value asked for otherwise, on an ACK of a 2xx too', () => {
    const d = createUacDialog(invite, ok);
    expect(createInDialogRequest(d, 'BYE', 8).request.maxForwards).toBe(70);
    expect(createInDialogRequest(d, 'BYE', 8, { maxForwards: 39 }).request.maxForwards).toBe(39);
    expect(createSuccessAck(d, 1).request.maxForwards).toBe(70);
    const ack = createSuccessAck(d, 1, { maxForwards: 39 }).request;
    expect(ack.method).toBe('ACK');
    expect(ack.headers.getAll('Max-Forwards')).toEqual(['39']);
  });

  it('refuses without a remote target (DIALOG_ERR_NO_TARGET)', () => {
    const d = { ...createUacDialog(invite, ok), remoteTarget: undefined };
    expect(() => createInDialogRequest(d, 'BYE', 1)).toThrow(expect.objectContaining({ code: 'DIALOG_ERR_NO_TARGET' }));
  });
});

describe('2xx retransmission by the UAS core (RFC 3261 §13.3.1.4)', () => {
  it('retransmits at T1, 2·T1, 4·T1 … capped at T2, and gives up at 64·T1', () => {
    let step = startSuccessRetransmission(0, DEFAULT_TIMER_VALUES, false);
    const sends: number[] = [];
    let now = 0;
    for (let i = 0; i < 20 && step.state.name === 'Waiting'; i++) {
      const at = step.actions.find((a) => a.kind === 'startTimer');
      if (at?.kind !== 'startTimer') break;
      now = at.at;
      step = stepSuccessRetransmission(step.state, { kind: 'timer' }, now);
      if (step.actions.some((a) => a.kind === 'retransmit')) sends.push(now);
    }
    expect(sends).toEqual([500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
    expect(step.state.name).toBe('GaveUp');
    expect(now).toBe(32000);
  });

  it('stops on the ACK', () => {
    const s = startSuccessRetransmission(0, DEFAULT_TIMER_VALUES, false);
    const acked = stepSuccessRetransmission(s.state, { kind: 'ack' }, 100);
    expect(acked.state.name).toBe('Acknowledged');
    expect(stepSuccessRetransmission(acked.state, { kind: 'timer' }, 500).actions).toEqual([]);
  });

  it('does not retransmit over a reliable transport but still gives up at 64·T1', () => {
    const s = startSuccessRetransmission(0, DEFAULT_TIMER_VALUES, true);
    expect(s.actions).toEqual([{ kind: 'startTimer', at: 32000 }]);
    expect(stepSuccessRetransmission(s.state, { kind: 'timer' }, 32000).actions).toEqual([{ kind: 'giveUp' }]);
  });
});
