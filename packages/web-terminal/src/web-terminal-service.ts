import {
  status,
  type MethodDefinition,
  type ServerDuplexStream,
  type ServiceDefinition,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import type { AdditionalService, ClientNumberPolicy, TokenVerifier } from '@sipbreakout/grpc-api';
import type { WebTerminalMessage } from './messages.js';
import { WEB_TERMINAL_SERVICE_NAME, type WebTerminalMethodName } from './proto-files.js';
import { authorizeTerminal } from './terminal-auth.js';
import type { PipeKind } from './terminal-attachment.js';
import type { TerminalHub } from './terminal-hub.js';
import { loadWebTerminalPackage } from './web-terminal-package.js';

/** How to serve `WebTerminalService`. */
export interface WebTerminalServiceOptions {
  /** The terminals and their calls. */
  readonly hub: TerminalHub;
  /** Verifies bearer tokens (the breakout API's verifier). */
  readonly verifier: TokenVerifier;
  /** Which numbers a client token may attach terminals to. */
  readonly numberPolicy: ClientNumberPolicy;
  /**
   * Messages queued toward a terminal that does not read its stream before
   * the server gives up on it and ends the stream with `RESOURCE_EXHAUSTED`
   * (default 256): a slow reader costs bounded memory, never the process.
   */
  readonly maxQueuedMessages?: number | undefined;
}

type TerminalCall = ServerDuplexStream<WebTerminalMessage, WebTerminalMessage>;

/**
 * `wgtwo.webterminal.v0.WebTerminalService` over a {@link TerminalHub}, as a
 * service for `startSipBreakoutServer`'s `additionalServices`: each Pipe or
 * MultiPipe call is authorised from its metadata, then attached to the hub
 * for as long as the stream lives. A message that does not decode reaches
 * the hub as an empty one (answered `Error{UNKNOWN}`), so bad input never
 * ends the stream.
 */
export function webTerminalService(options: WebTerminalServiceOptions): AdditionalService {
  const pkg = loadWebTerminalPackage();
  const maxQueued = options.maxQueuedMessages ?? 256;
  /** How to end each open stream (for the drain). */
  const open = new Map<TerminalCall, () => void>();
  let draining = false;

  const handler =
    (method: WebTerminalMethodName, kind: PipeKind) =>
    (call: TerminalCall): void => {
      let finished = false;
      let detach: () => void = () => {};
      // The stream is gone (cancelled, reset, closed): the terminal leaves the hub.
      const leave = (): boolean => {
        if (finished) return false;
        finished = true;
        open.delete(call);
        detach();
        return true;
      };
      // The server ends the stream: OK, or a status (grpc-js turns an 'error' event into the trailers).
      const finish = (code: status, details: string): void => {
        if (!leave()) return;
        if (code === status.OK) call.end();
        else call.emit('error', { code, details });
      };
      call.on('cancelled', leave);
      call.on('close', leave);
      if (draining) return finish(status.UNAVAILABLE, 'the server is shutting down');
      open.set(call, () => finish(status.UNAVAILABLE, 'the server is shutting down'));
      // Until the token is checked, messages wait in the stream (paused: no 'data' listener yet).
      void authorizeTerminal(call.metadata, method, options)
        .then((verdict) => {
          if (finished) return;
          if (!verdict.ok) return finish(verdict.status, verdict.details);
          const attached = options.hub.attach({
            number: verdict.number,
            kind,
            identity: verdict.identity,
            stream: {
              send: (message) => {
                if (finished || call.writableEnded) return;
                if (call.writableLength >= maxQueued) {
                  finish(status.RESOURCE_EXHAUSTED, 'the terminal does not read its stream');
                  return;
                }
                call.write(message);
              },
              close: (reason) => finish(status.ABORTED, reason),
            },
          });
          if (!attached.ok)
            return finish(status.RESOURCE_EXHAUSTED, `too many terminals attached to ${verdict.number}`);
          const terminal = attached.terminal;
          detach = () => terminal.detach();
          call.on('data', (message: WebTerminalMessage) => terminal.receive(message));
          // The terminal half-closed: it leaves, and the server ends its side too.
          call.on('end', () => finish(status.OK, ''));
        })
        .catch(() => finish(status.INTERNAL, 'internal error'));
    };

  const implementation: UntypedServiceImplementation = {
    Pipe: handler('Pipe', 'pipe'),
    MultiPipe: handler('MultiPipe', 'multi-pipe'),
  };
  return {
    name: WEB_TERMINAL_SERVICE_NAME,
    definition: tolerantDefinition(pkg.service),
    implementation,
    reflectionPackage: pkg.reflectionPackage,
    drain: () => {
      draining = true;
      for (const end of [...open.values()]) end();
    },
  };
}

/** The service with request decoding that never throws: undecodable bytes become an empty message. */
function tolerantDefinition(service: ServiceDefinition): ServiceDefinition {
  const patched: Record<string, MethodDefinition<unknown, unknown>> = {};
  for (const [name, method] of Object.entries(service)) {
    const decode = method.requestDeserialize;
    patched[name] = {
      ...method,
      requestDeserialize: (bytes: Buffer) => {
        try {
          return decode(bytes);
        } catch {
          return {};
        }
      },
    };
  }
  return patched;
}
