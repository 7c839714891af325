/**
 * What the core does with a routed call's events: counts legs and calls by
 * outcome, logs the call's end, and forgets what the call held (its media
 * session, its leg 2 records) once it failed, was cancelled or ended.
 */
import type { Logger } from 'pino';
import type { B2buaCall, B2buaCallEvent, Leg } from '@sipbreakout/b2bua';
import type { CoreMetrics } from './core-metrics.js';

/** What {@link watchCallEvents} counts with and forgets. */
export interface CallEventsOptions {
  readonly metrics: CoreMetrics;
  readonly log: Logger;
  /** The call's `route_type` label. */
  readonly routeType: string;
  /** Emptied and called when the call is over. */
  readonly forgets: Array<() => void>;
  /** Given every event as well (the call has one listener: this one). */
  readonly alsoTell?: ((event: B2buaCallEvent) => void) | undefined;
}

/** Listens to `call`'s events for its whole life. */
export function watchCallEvents(call: B2buaCall, options: CallEventsOptions): void {
  const { metrics, log, routeType, forgets } = options;
  call.onEvent((event) => {
    options.alsoTell?.(event);
    switch (event.kind) {
      case 'legStarted':
        metrics.callLegs.inc({ leg: legNumber(event.leg), outcome: 'started' });
        return;
      case 'legFailed':
        metrics.callLegs.inc({
          leg: legNumber(event.leg),
          outcome: event.response.status === 487 ? 'cancelled' : 'failed',
        });
        return;
      case 'answered':
        metrics.callLegs.inc({ leg: legNumber(event.leg), outcome: 'answered' });
        metrics.calls.inc({ route_type: routeType, outcome: 'answered' });
        log.info({ leg: event.leg.name }, 'call answered');
        return;
      case 'failed':
        metrics.calls.inc({ route_type: routeType, outcome: 'failed' });
        log.info({ status: event.status }, 'call failed');
        for (const forget of forgets.splice(0)) forget();
        return;
      case 'cancelled':
        metrics.calls.inc({ route_type: routeType, outcome: 'cancelled' });
        log.info('call cancelled by the caller');
        for (const forget of forgets.splice(0)) forget();
        return;
      case 'ended':
        log.info('call ended');
        for (const forget of forgets.splice(0)) forget();
        return;
    }
  });
}

/** The leg number label of an outgoing leg: 2 toward a TAS, 4 toward the callee. */
function legNumber(leg: Leg): string {
  return leg.name === 'tas' ? '2' : leg.name === 'phone' ? '4' : '1';
}
