/**
 * Real peers for the test suites of every package: SIPp (Debian's
 * sip-tester), socat terminating TLS in front of it, and a small DNS server
 * on loopback. One copy, so the sip-core interop tier and the breakout core's
 * end-to-end tier drive the peers the same way. Loaded by vitest from source.
 * @packageDocumentation
 */
export * from './sipp.js';
export * from './socat.js';
export * from './dns-server.js';
