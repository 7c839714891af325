/**
 * The transaction user of both SIP faces until the B2BUA is wired: it
 * answers OPTIONS keep-alive probes with 200, every INVITE with a plain
 * `503 Service Unavailable` + `Retry-After` (call routing is not wired yet),
 * and the rest as a UA without dialogs must (RFC 3261 §8.2, §9.2, §15.1.2).
 */
import type { Logger } from 'pino';
import { createResponse, createTag, type MessageSource, type ServerTransaction, type SipRequest, type TransactionUser } from '@sipbreakout/sip-core';
import type { CoreMetrics, FaceName } from './core-metrics.js';
import { methodLabel, sessionIdOf } from './observed-transport.js';

/** The methods the core answers (RFC 3261 §20.5 Allow). */
export const CORE_ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS';

/** The text of the Warning sent with the 503 while call routing is not wired. */
export const NOT_WIRED_WARNING = 'call routing is not wired yet';

/** Options of {@link ShellTransactionUser}. */
export interface ShellTransactionUserOptions {
  readonly face: FaceName;
  readonly metrics: CoreMetrics;
  readonly log: Logger;
  /** The Retry-After of the 503 answered to INVITE (RFC 3261 §20.33). */
  readonly retryAfterSeconds: number;
  /** The host and port written in the Warning's warn-agent (RFC 3261 §20.43), read when answering (known once the face is bound). */
  readonly warnAgent: () => string;
}

/** Answers what a core without call routing can answer. */
export class ShellTransactionUser implements TransactionUser {
  readonly #options: ShellTransactionUserOptions;

  constructor(options: ShellTransactionUserOptions) {
    this.#options = options;
  }

  onRequest(request: SipRequest, transaction: ServerTransaction): void {
    const { face, metrics, log: parent } = this.#options;
    const log = parent.child({ face, callId: request.callId, sessionId: sessionIdOf(request), method: methodLabel(request.method), cseq: request.cseq.seq });
    transaction.onEvent((event) => {
      if (event.kind !== 'terminated') log.debug({ code: event.error.code }, `sip server transaction ${event.kind}`);
    });
    const toTag = createTag();
    switch (request.method) {
      case 'OPTIONS':
        // RFC 3261 §11.2: a 200 with what we support; keep-alive probes need nothing more.
        transaction.respond(createResponse(request, 200, { toTag, headers: [['Allow', CORE_ALLOW], ['Accept', 'application/sdp']] }));
        log.debug('options answered 200');
        return;
      case 'INVITE': {
        const retryAfter = this.#options.retryAfterSeconds;
        transaction.respond(
          createResponse(request, 503, {
            toTag,
            headers: [
              ['Retry-After', String(retryAfter)],
              ['Warning', `399 ${this.#options.warnAgent()} "${NOT_WIRED_WARNING}"`],
            ],
          }),
        );
        metrics.calls.inc({ route_type: 'UNROUTED', outcome: 'routing_not_wired' });
        log.warn({ status: 503, retryAfter }, `INVITE answered 503: ${NOT_WIRED_WARNING}`);
        return;
      }
      case 'CANCEL':
        // RFC 3261 §9.2: every INVITE got its final answer at once, so a CANCEL has nothing left to stop.
        transaction.respond(createResponse(request, transaction.cancels === undefined ? 481 : 200, { toTag }));
        return;
      case 'BYE':
        // No dialog is ever established yet (RFC 3261 §15.1.2).
        transaction.respond(createResponse(request, 481, { toTag }));
        return;
      default:
        // RFC 3261 §8.2.1: a method we do not support, with what we do.
        transaction.respond(createResponse(request, 405, { toTag, headers: [['Allow', CORE_ALLOW]] }));
        log.debug({ status: 405 }, 'method not allowed');
    }
  }

  onAck(ack: SipRequest, source: MessageSource): void {
    this.#options.log.debug({ face: this.#options.face, callId: ack.callId, sessionId: sessionIdOf(ack), from: `${source.host}:${source.port}` }, 'ack without transaction ignored');
  }
}
