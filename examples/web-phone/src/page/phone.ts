/**
 * The web phone page: a dial pad, the number's calls and their buttons, and
 * the WebSocket to the web phone server, which relays the Web Terminal
 * messages (see `page-protocol.ts`) to and from the core. Each call has its
 * own {@link MediaSession}. The page keeps its terminal identity in
 * `sessionStorage`, so a reload or a lost WebSocket comes back as the same
 * terminal, and asks for its held call again when the core offers it back.
 */
import type { BridgeEvent, BridgeToPage, CandidatePolicy, CoreToPage, PageToBridge } from '../page-protocol.js';
import { MediaSession } from './media-session.js';

type CallState =
  | 'calling'
  | 'ringing'
  | 'incoming'
  | 'answering'
  | 'connected'
  | 'pushing'
  | 'elsewhere'
  | 'pulling'
  | 'held'
  | 'resuming'
  | 'ended';

interface Call {
  id: string;
  remote: string;
  readonly direction: 'outgoing' | 'incoming' | 'elsewhere';
  state: CallState;
  note: string;
  offerSdp: string;
  media: MediaSession | undefined;
  readonly element: HTMLLIElement;
}

const $ = <T extends HTMLElement>(selector: string): T => {
  const found = document.querySelector<T>(selector);
  if (found === null) throw new Error(`the page has no ${selector}`);
  return found;
};

const calls = new Map<string, Call>();
let socket: WebSocket | undefined;
let refused = false;
let attached: { readonly method: 'Pipe' | 'MultiPipe'; readonly candidates: CandidatePolicy } | undefined;
let microphone: Promise<MediaStream> | undefined;

function randomId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** This tab's terminal identity, kept across reloads of the tab. */
const terminalId = sessionStorage.getItem('web-phone-terminal') ?? randomId();
sessionStorage.setItem('web-phone-terminal', terminalId);

function logEvent(text: string): void {
  const item = document.createElement('li');
  item.textContent = `${new Date().toLocaleTimeString()} ${text}`;
  const list = $<HTMLOListElement>('#events');
  list.prepend(item);
  while (list.children.length > 50) list.lastElementChild?.remove();
}

function setStream(state: string, text: string): void {
  const stream = $('#stream');
  stream.dataset['state'] = state;
  stream.textContent = text;
}

/** What the core last said of the number on other devices (InCall/Idle). */
let reported: { state: 'idle' | 'in-call' | 'unknown'; text: string } = { state: 'unknown', text: '—' };

/** The number's state: in a call on this page, else what the core reported of the other devices. */
function showNumberState(): void {
  const here = [...calls.values()].find((c) => c.state === 'connected');
  const element = $('#number-state');
  element.dataset['state'] = here === undefined ? reported.state : 'in-call';
  element.textContent = here === undefined ? reported.text : `In call here with ${here.remote}`;
}

function setNumberState(state: 'idle' | 'in-call' | 'unknown', text: string): void {
  reported = { state, text };
  showNumberState();
}

function send(message: PageToBridge): void {
  if (socket?.readyState !== WebSocket.OPEN) {
    logEvent('not sent: no connection to the web phone server');
    return;
  }
  socket.send(JSON.stringify(message));
  const kind = Object.keys(message).find((key) => key !== 'callId') ?? '?';
  logEvent(`→ ${kind} ${message.callId?.slice(0, 8) ?? ''}`);
}

const STATE_TEXT: Record<CallState, string> = {
  calling: 'calling',
  ringing: 'ringing',
  incoming: 'incoming call',
  answering: 'answering',
  connected: 'in call',
  pushing: 'moving to the phone',
  elsewhere: 'on another device',
  pulling: 'pulling here',
  held: 'held (stream dropped)',
  resuming: 'resuming',
  ended: 'ended',
};

function render(call: Call): void {
  const element = call.element;
  element.dataset['state'] = call.state;
  element.dataset['callId'] = call.id;
  const text = (selector: string, value: string): void => {
    const found = element.querySelector(selector);
    if (found !== null) found.textContent = value;
  };
  text('.direction', call.direction === 'outgoing' ? 'to' : call.direction === 'incoming' ? 'from' : 'elsewhere, with');
  text('.remote', call.remote);
  text('.state', STATE_TEXT[call.state]);
  text('.note', call.note);
  const show: Record<string, boolean> = {
    '.answer': call.state === 'incoming',
    '.decline': call.state === 'incoming',
    '.hangup': ['calling', 'ringing', 'answering', 'connected', 'held', 'resuming'].includes(call.state),
    '.pull': call.state === 'elsewhere',
    '.push': call.state === 'connected',
  };
  for (const [selector, visible] of Object.entries(show)) {
    const button = element.querySelector<HTMLButtonElement>(selector);
    if (button !== null) button.hidden = !visible;
  }
}

function newCall(id: string, remote: string, direction: Call['direction'], state: CallState): Call {
  const template = $<HTMLTemplateElement>('#call-template');
  const element = (template.content.firstElementChild as HTMLLIElement).cloneNode(true) as HTMLLIElement;
  const call: Call = { id, remote, direction, state, note: '', offerSdp: '', media: undefined, element };
  element.querySelector('.answer')?.addEventListener('click', () => void answer(call));
  element.querySelector('.decline')?.addEventListener('click', () => hangUp(call));
  element.querySelector('.hangup')?.addEventListener('click', () => hangUp(call));
  element.querySelector('.pull')?.addEventListener('click', () => void pull(call, 'pulling'));
  element.querySelector('.push')?.addEventListener('click', () => push(call));
  calls.set(id, call);
  $('#calls').prepend(element);
  render(call);
  return call;
}

function update(call: Call, state: CallState, note = ''): void {
  call.state = state;
  call.note = note;
  render(call);
  showNumberState();
}

/** The call is over here: media stopped, kept on the page as ended (the last few). */
function end(call: Call, note = ''): void {
  call.media?.close();
  call.media = undefined;
  calls.delete(call.id);
  update(call, 'ended', note);
  const ended = [...document.querySelectorAll('#calls .call[data-state="ended"]')];
  for (const old of ended.slice(5)) old.remove();
}

function mic(): Promise<MediaStream> {
  microphone ??= navigator.mediaDevices.getUserMedia({ audio: true, video: false });
  microphone.catch(() => (microphone = undefined));
  return microphone;
}

async function newMedia(call: Call): Promise<MediaSession> {
  call.media?.close();
  const media = new MediaSession(await mic(), $<HTMLAudioElement>('#remote-audio'), attached?.candidates ?? 'loopback');
  media.onIceState((state) => {
    call.element.dataset['ice'] = state;
    logEvent(`ICE ${state} ${call.id.slice(0, 8)}`);
  });
  call.media = media;
  return media;
}

async function placeCall(): Promise<void> {
  const input = $<HTMLInputElement>('#dial-number');
  const number = input.value.replace(/[\s().-]/g, '');
  if (!/^\+[1-9]\d{1,14}$/.test(number)) {
    logEvent(`not an E.164 number (+ and digits): ${number}`);
    return;
  }
  const call = newCall(randomId(), number, 'outgoing', 'calling');
  try {
    const sdp = await (await newMedia(call)).offer();
    if (call.state !== 'calling') return;
    send({ offer: { sdp, msisdn: { e164: number } }, callId: call.id });
  } catch (error) {
    end(call, `no media: ${(error as Error).message}`);
  }
}

async function answer(call: Call): Promise<void> {
  update(call, 'answering');
  try {
    const sdp = await (await newMedia(call)).answer(call.offerSdp);
    if (call.state !== 'answering') return;
    send({ answer: { sdp }, callId: call.id });
    update(call, 'connected');
  } catch (error) {
    send({ bye: {}, callId: call.id });
    end(call, `no media: ${(error as Error).message}`);
  }
}

function hangUp(call: Call): void {
  send({ bye: {}, callId: call.id });
  end(call);
}

/** Takes the call onto this page: a pull after InCall, or asking back for a held call after a reattach. */
async function pull(call: Call, state: 'pulling' | 'resuming'): Promise<void> {
  update(call, state);
  try {
    const sdp = await (await newMedia(call)).offer();
    if (call.state !== state) return;
    send({ offer: { sdp }, callId: call.id });
  } catch (error) {
    update(call, 'elsewhere', `no media: ${(error as Error).message}`);
  }
}

function push(call: Call): void {
  update(call, 'pushing');
  send({ action: { toPhone: {} }, callId: call.id });
}

/** On a Pipe the core names a terminal's outgoing call itself: the first reply names it. */
function callFor(callId: string, kind: string): Call | undefined {
  const known = calls.get(callId);
  if (known !== undefined || attached?.method !== 'Pipe' || !['answer', 'ringing', 'bye'].includes(kind)) return known;
  const outgoing = [...calls.values()].find((c) => c.direction === 'outgoing' && c.state === 'calling');
  if (outgoing === undefined) return undefined;
  calls.delete(outgoing.id);
  outgoing.id = callId;
  calls.set(callId, outgoing);
  return outgoing;
}

function remoteOf(msisdn: { readonly e164: string } | undefined): string {
  return msisdn?.e164 ?? 'unknown';
}

async function fromCore(message: CoreToPage): Promise<void> {
  const kind = Object.keys(message).find((key) => key !== 'callId') ?? '?';
  logEvent(`← ${kind} ${message.callId.slice(0, 8)}${'error' in message ? ` ${message.error.err}` : ''}`);
  const call = callFor(message.callId, kind);
  if ('offer' in message) {
    if (call !== undefined && call.media !== undefined && call.state === 'connected') {
      // The remote party renegotiates: answer on the same connection.
      const sdp = await call.media.answer(message.offer.sdp);
      send({ answer: { sdp }, callId: call.id });
      return;
    }
    const incoming = call ?? newCall(message.callId, remoteOf(message.offer.msisdn), 'incoming', 'incoming');
    incoming.offerSdp = message.offer.sdp;
    update(incoming, 'incoming');
    send({ ringing: {}, callId: incoming.id });
  } else if ('answer' in message) {
    if (call?.media === undefined) return;
    await call.media.accept(message.answer.sdp);
    update(call, 'connected');
  } else if ('ringing' in message) {
    if (call?.state === 'calling') update(call, 'ringing');
  } else if ('bye' in message) {
    if (call !== undefined) end(call, 'the call ended');
  } else if ('idle' in message) {
    if (call !== undefined && (call.state === 'elsewhere' || call.state === 'pushing')) end(call);
    if (![...calls.values()].some((c) => c.state === 'elsewhere')) setNumberState('idle', 'Idle');
  } else if ('inCall' in message) {
    const remote = remoteOf(message.inCall.msisdn);
    setNumberState('in-call', `In call with ${remote}`);
    if (call === undefined) newCall(message.callId, remote, 'elsewhere', 'elsewhere');
    else if (call.state === 'held') await pull(call, 'resuming');
    else if (call.state === 'pushing') {
      call.media?.close();
      call.media = undefined;
      update(call, 'elsewhere', 'on the phone');
    }
  } else if ('error' in message) {
    if (call === undefined) return;
    const note = `error ${message.error.err}`;
    if (call.state === 'calling' || call.state === 'resuming') end(call, note);
    else if (call.state === 'pulling') update(call, 'elsewhere', note);
    else if (call.state === 'pushing') update(call, 'connected', note);
    else update(call, call.state, note);
  }
}

function fromBridge(event: BridgeEvent): void {
  switch (event.event) {
    case 'attached':
      attached = { method: event.method, candidates: event.candidates };
      $('#own-number').textContent = event.number;
      $<HTMLButtonElement>('#call').disabled = false;
      setStream('attached', `attached over ${event.method}${event.reattached ? ' (again)' : ''}`);
      if (event.method === 'MultiPipe') setNumberState('unknown', '—');
      logEvent(`attached ${event.terminalId}`);
      break;
    case 'detached':
      attached = undefined;
      $<HTMLButtonElement>('#call').disabled = true;
      setStream('detached', `stream to the core dropped (${event.reason}); reattaching in ${event.retryInMs} ms`);
      for (const call of [...calls.values()]) {
        // Established calls are held by the core for its grace period; the rest end with the stream.
        if (call.state === 'connected') update(call, 'held', 'waiting for the stream');
        else if (call.state !== 'held' && call.state !== 'elsewhere') end(call, 'the stream dropped');
      }
      break;
    case 'refused':
      refused = true;
      attached = undefined;
      $<HTMLButtonElement>('#call').disabled = true;
      setStream('refused', `the core refused this terminal: ${event.reason}`);
      break;
    case 'rejected':
      logEvent(`the server did not relay a message: ${event.reason}`);
      break;
  }
}

function connect(): void {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = new WebSocket(`${scheme}//${location.host}/ws?terminal=${encodeURIComponent(terminalId)}`);
  socket = ws;
  ws.addEventListener('message', (event: MessageEvent<string>) => {
    let message: BridgeToPage;
    try {
      message = JSON.parse(event.data) as BridgeToPage;
    } catch {
      logEvent('the server sent something that is not JSON');
      return;
    }
    if ('bridge' in message) fromBridge(message.bridge);
    else fromCore(message).catch((error: unknown) => logEvent(`media error: ${(error as Error).message}`));
  });
  ws.addEventListener('close', () => {
    if (socket !== ws) return;
    attached = undefined;
    $<HTMLButtonElement>('#call').disabled = true;
    if (refused) return;
    setStream('closed', 'no connection to the web phone server; trying again');
    setTimeout(connect, 1000);
  });
}

function setUpDialer(): void {
  const input = $<HTMLInputElement>('#dial-number');
  for (const key of document.querySelectorAll<HTMLButtonElement>('.key')) {
    key.addEventListener('click', () => {
      const value = key.dataset['key'] ?? '';
      input.value = value === 'back' ? input.value.slice(0, -1) : input.value + value;
    });
  }
  $('#call').addEventListener('click', () => void placeCall());
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && attached !== undefined) void placeCall();
  });
}

setUpDialer();
connect();
