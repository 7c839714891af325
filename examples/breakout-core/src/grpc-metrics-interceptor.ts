/**
 * A grpc-js server interceptor that counts every gRPC call by method, gRPC
 * status and the API's own status code, and logs API calls (not health
 * checks) with their duration.
 */
import { ServerInterceptingCall, status as grpcStatus, type ServerInterceptor } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { METHOD_PATHS, type RegistrationRefused } from '@sipbreakout/grpc-api';
import type { Clock } from '@sipbreakout/sip-core';
import type { CoreMetrics } from './core-metrics.js';

const STATUS_NAMES = new Map<number, string>(
  Object.entries(grpcStatus)
    .filter((entry): entry is [string, number] => typeof entry[1] === 'number')
    .map(([name, code]) => [code, name]),
);

/** The name of a gRPC status code (`OK`, `UNAUTHENTICATED`, …). */
export function grpcStatusName(code: number): string {
  return STATUS_NAMES.get(code) ?? String(code);
}

const API_STATUS_NAMES: ReadonlyMap<unknown, string> = new Map<unknown, string>([
  ['STATUS_CODE_OK', 'STATUS_CODE_OK'],
  ['STATUS_CODE_NOT_ACCEPTABLE', 'STATUS_CODE_NOT_ACCEPTABLE'],
  ['STATUS_CODE_UNSPECIFIED', 'STATUS_CODE_UNSPECIFIED'],
  [1, 'STATUS_CODE_OK'],
  [2, 'STATUS_CODE_NOT_ACCEPTABLE'],
  [0, 'STATUS_CODE_UNSPECIFIED'],
]);

/**
 * The `status_code` of a SipBreakoutService response (as its name), or ''
 * for a message that has none (reflection, health, another service).
 */
export function apiStatusName(message: unknown): string {
  if (typeof message !== 'object' || message === null || !('statusCode' in message)) return '';
  return API_STATUS_NAMES.get(message.statusCode) ?? '';
}

/**
 * Counts `sipbreakout_grpc_calls_total{method, status, api_status}` and logs
 * calls to the API service, timed on `clock`.
 */
export function grpcMetricsInterceptor(metrics: CoreMetrics, log: Logger, clock: Clock): ServerInterceptor {
  return (methodDescriptor, call) => {
    const started = clock.now();
    const method = methodDescriptor.path;
    let apiStatus = '';
    return new ServerInterceptingCall(call, {
      sendMessage: (message, next) => {
        apiStatus = apiStatusName(message);
        next(message);
      },
      sendStatus: (status, next) => {
        const name = grpcStatusName(status.code);
        metrics.grpcCalls.inc({ method, status: name, api_status: apiStatus });
        if (!method.startsWith('/grpc.')) {
          log.info(
            {
              grpcMethod: method,
              grpcStatus: name,
              ...(apiStatus === '' ? {} : { apiStatus }),
              ms: Math.round((clock.now() - started) * 10) / 10,
            },
            'grpc call',
          );
        }
        next(status);
      },
    });
  };
}

/**
 * The API's `onRefusal` listener: counts `sipbreakout_grpc_refusals_total{method, code}`
 * and logs the refusal with the detail its client was not sent.
 */
export function registrationRefusalListener(metrics: CoreMetrics, log: Logger): (event: RegistrationRefused) => void {
  return ({ method, client, refusal }) => {
    const grpcMethod = METHOD_PATHS[method];
    metrics.grpcRefusals.inc({ method: grpcMethod, code: refusal.code });
    log.info(
      { grpcMethod, client, code: refusal.code, errorMessage: refusal.message, detail: refusal.detail },
      'registration refused',
    );
  };
}
