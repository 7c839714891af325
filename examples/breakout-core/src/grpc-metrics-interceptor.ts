/**
 * A grpc-js server interceptor that counts every gRPC call by method and
 * status, and logs API calls (not health checks) with their duration.
 */
import { ServerInterceptingCall, status as grpcStatus, type ServerInterceptor } from '@grpc/grpc-js';
import type { Logger } from 'pino';
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

/** Counts `sipbreakout_grpc_calls_total{method, status}` and logs calls to the API service, timed on `clock`. */
export function grpcMetricsInterceptor(metrics: CoreMetrics, log: Logger, clock: Clock): ServerInterceptor {
  return (methodDescriptor, call) => {
    const started = clock.now();
    const method = methodDescriptor.path;
    return new ServerInterceptingCall(call, {
      sendStatus: (status, next) => {
        const name = grpcStatusName(status.code);
        metrics.grpcCalls.inc({ method, status: name });
        if (!method.startsWith('/grpc.')) {
          log.info(
            { grpcMethod: method, grpcStatus: name, ms: Math.round((clock.now() - started) * 10) / 10 },
            'grpc call',
          );
        }
        next(status);
      },
    });
  };
}
