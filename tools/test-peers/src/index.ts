/**
 * Real peers for the test suites of every package: SIPp (Debian's
 * sip-tester), socat terminating TLS in front of it, a small DNS server on
 * loopback, redis-server for what several nodes share, and rtpengine, the
 * media relay, and Python's grpcio as a gRPC client; a WebRTC terminal
 * (werift) and a plain RTP peer, both on loopback. One copy, so the
 * sip-core interop tier and the breakout core's end-to-end tier drive the
 * peers the same way. And the helpers those tests share, each once: free
 * ports, waiting for a condition, a program of ours started as users run
 * it, its `/metrics` read, and a reader of a built entry point's static
 * import graph, for the tests of what an entry point loads. Loaded by vitest
 * from source.
 * @packageDocumentation
 */
export * from './free-port.js';
export * from './wait-for.js';
export * from './service-process.js';
export * from './prometheus-text.js';
export * from './sipp.js';
export * from './socat.js';
export * from './dns-server.js';
export * from './redis-server.js';
export * from './rtpengine.js';
export * from './python-grpc.js';
export * from './module-graph.js';
export * from './webrtc-terminal.js';
export * from './rtp-peer.js';
