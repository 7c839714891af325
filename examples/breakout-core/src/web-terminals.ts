/**
 * The Web Terminal in the core: a `TerminalHub` (the terminals of each
 * number, the `wgtwo.webterminal.v0` protocol) over the core's side of its
 * `TerminalCallControl` port, and the `WebTerminalService` served on the
 * core's gRPC server beside `SipBreakoutService`. A terminal's outgoing call
 * is a {@link TerminalCalls} call routed as the phone's; the hub is told of
 * the calls the number has on its phone (`callOnPhone`, `callEnded`).
 */
import type { Logger } from 'pino';
import type { AdditionalService, ClientNumberPolicy, TokenVerifier } from '@sipbreakout/grpc-api';
import { isMediaRelayError, type NgClient } from '@sipbreakout/media';
import type { Clock, DialogLayer } from '@sipbreakout/sip-core';
import {
  TerminalHub,
  webTerminalService,
  type CallOutcome,
  type SdpOutcome,
  type TerminalCallControl,
  type TerminalCallEvents,
} from '@sipbreakout/web-terminal';
import type { CoreConfig } from './config-schema.js';
import type { CoreMetrics } from './core-metrics.js';
import type { PhoneCallObserver } from './phone-calls.js';
import { TerminalCalls, type TerminalMediaRelay } from './terminal-calls.js';
import type { TerminalRouter } from './terminal-route.js';

/** Why a terminal's answer to an incoming call is refused: the core does not offer incoming calls to terminals. */
export const ANSWER_INCOMING_UNSUPPORTED = 'this core does not offer incoming calls to web terminals';
/** Why a pull is refused: the core does not move calls between devices. */
export const PULL_UNSUPPORTED = 'this core does not move a call from the phone to a web terminal';
/** Why a push to the phone is refused: the core does not move calls between devices. */
export const PUSH_UNSUPPORTED = 'this core does not move a call from a web terminal to the phone';

/** What {@link composeWebTerminals} is built from. */
export interface WebTerminalsOptions {
  /** `webTerminal`: per-number limits and the reattach grace. */
  readonly config: CoreConfig['webTerminal'];
  readonly layer: DialogLayer;
  /** Where terminals' calls go (`breakoutRouter`: as the phone's). */
  readonly router: TerminalRouter;
  /** `sip.domain`: the host of the caller's URI. */
  readonly domain: string;
  /** The media relay; undefined (`mediaRelay.ng` unset): every terminal call is refused with `NO_MEDIA_RELAY_REASON`. */
  readonly mediaRelay: TerminalMediaRelay | undefined;
  /** The API's token verifier and number policy (a client token names its number in `wg2-msisdn`). */
  readonly verifier: TokenVerifier;
  readonly numberPolicy: ClientNumberPolicy;
  readonly metrics: CoreMetrics;
  readonly log: Logger;
  readonly clock: Clock;
}

/** The Web Terminal, composed. */
export interface WebTerminals {
  /** The terminals and their calls. */
  readonly hub: TerminalHub;
  /** What the core tells the hub: the hub itself. */
  readonly events: TerminalCallEvents;
  /** For `CallController`: the calls a number has on its phone (the hub's `callOnPhone` / `callEnded`). */
  readonly phoneCalls: PhoneCallObserver;
  /** The core's side of the port. */
  readonly control: TerminalCallControl;
  /** The terminals' outgoing calls. */
  readonly calls: TerminalCalls;
  /** `WebTerminalService`, for `startSipBreakoutServer`'s `additionalServices`. */
  readonly service: AdditionalService;
}

/**
 * The core's side of `TerminalCallControl`: outgoing calls and hangups go
 * to {@link TerminalCalls}; answering an incoming call, pull, push and a
 * renegotiation's answer are refused with a reason (the terminal gets
 * `Bye`, its call stays where it was) — the core offers terminals no
 * incoming call and no remote re-offer, so the hub never asks them of a
 * call it holds.
 */
export function coreTerminalControl(calls: TerminalCalls, log: Logger): TerminalCallControl {
  const refused = (reason: string): Promise<CallOutcome & SdpOutcome> => Promise.resolve({ ok: false, reason });
  return {
    startOutgoing: async (request) => {
      const outcome = await calls.startOutgoing(request);
      // The terminal only gets Bye: the reason is the operator's to read.
      if (!outcome.ok)
        log.info(
          { number: request.number, terminalCall: request.callId, reason: outcome.reason },
          'terminal call ended',
        );
      return outcome;
    },
    hangup: (request) => calls.hangup(request),
    ringing: (request) => log.debug({ terminalCall: request.callId }, 'Ringing from a terminal for no incoming call'),
    answerIncoming: () => refused(ANSWER_INCOMING_UNSUPPORTED),
    pullToTerminal: () => refused(PULL_UNSUPPORTED),
    pushToPhone: () => refused(PUSH_UNSUPPORTED),
    answerRenegotiation: (request) =>
      log.debug({ terminalCall: request.callId }, 'Answer from a terminal for no renegotiation'),
  };
}

/** Builds the hub, the calls and the service; nothing listens until the service is served. */
export function composeWebTerminals(options: WebTerminalsOptions): WebTerminals {
  const { metrics } = options;
  const log = options.log.child({ part: 'web-terminal' });
  // The calls tell the hub, which is built on the calls: the hub is reached once it exists.
  let hub: TerminalHub | undefined;
  const calls = new TerminalCalls({
    layer: options.layer,
    router: options.router,
    domain: options.domain,
    mediaRelay: options.mediaRelay,
    events: {
      remoteRinging: (request) => hub?.remoteRinging(request),
      callEnded: (request) => hub?.callEnded(request),
    },
    log,
    count: (outcome, routeType) => metrics.terminalCalls.inc({ route_type: routeType, outcome }),
  });
  const control = coreTerminalControl(calls, log);
  const { reattachGraceSeconds, ...limits } = options.config;
  hub = new TerminalHub({
    clock: options.clock,
    control,
    limits,
    reattachGraceMs: reattachGraceSeconds * 1000,
    onRefusal: (refusal) => {
      metrics.webTerminalErrors.inc({ code: refusal.code ?? 'NONE', reason: refusal.reason });
      log.info(
        { number: refusal.number, terminal: refusal.terminal, reason: refusal.reason, code: refusal.code },
        'terminal message refused',
      );
    },
  });
  const service = webTerminalService({ hub, verifier: options.verifier, numberPolicy: options.numberPolicy });
  return { hub, events: hub, phoneCalls: hub, control, calls, service };
}

/** The ng client for terminals' calls, each command counted in `sipbreakout_media_relay_operations_total`. */
export function countedMediaRelay(
  client: Pick<NgClient, 'offer' | 'answer' | 'delete'>,
  metrics: CoreMetrics,
): TerminalMediaRelay {
  const counted = <R>(command: 'offer' | 'answer' | 'delete', run: () => Promise<R>): Promise<R> =>
    run().then(
      (reply) => {
        metrics.mediaRelayOperations.inc({ command, outcome: 'ok' });
        return reply;
      },
      (error: unknown) => {
        metrics.mediaRelayOperations.inc({ command, outcome: isMediaRelayError(error) ? error.code : 'error' });
        throw error;
      },
    );
  return {
    offer: (request) => counted('offer', () => client.offer(request)),
    answer: (request) => counted('answer', () => client.answer(request)),
    delete: (request) => counted('delete', () => client.delete(request)),
  };
}
