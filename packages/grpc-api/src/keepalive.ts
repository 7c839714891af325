import type { ChannelOptions } from '@grpc/grpc-js';

/**
 * Server side: ping an idle connection every 60 s and drop it when the ping
 * is not answered within 20 s, so half-open connections (a NAT that forgot
 * the flow, a crashed PBX) do not hold resources; close connections after a
 * long age (with a grace for calls in flight) so clients rebalance.
 */
export const SERVER_KEEPALIVE_OPTIONS: ChannelOptions = {
  'grpc.keepalive_time_ms': 60_000,
  'grpc.keepalive_timeout_ms': 20_000,
  'grpc.keepalive_permit_without_calls': 1,
  'grpc.max_connection_idle_ms': 30 * 60_000,
  'grpc.max_connection_age_ms': 6 * 60 * 60_000,
  'grpc.max_connection_age_grace_ms': 30_000,
};

/**
 * Client side: ping every 30 s even without calls (a registration refresher
 * is idle most of the time) and give up after 10 s without an answer, so a
 * dead connection is noticed before the next refresh, not during it.
 */
export const CLIENT_KEEPALIVE_OPTIONS: ChannelOptions = {
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 10_000,
  'grpc.keepalive_permit_without_calls': 1,
};
