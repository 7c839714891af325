/**
 * A plain RTP endpoint for tests, as a mobile phone's media would be: one
 * UDP socket on 127.0.0.1 (an even port, RFC 3550 §11), a plain `RTP/AVP`
 * SDP describing it, a bounded stream of 20 ms PCMU frames sent to where
 * the peer's SDP says, and a count of the RTP packets it receives.
 */
import dgram from 'node:dgram';
import { isLoopbackAddress } from './webrtc-terminal.js';

/** The RTP peer's socket and counts. */
export interface RtpPeer {
  /** Its RTP port on 127.0.0.1 (even). */
  readonly port: number;
  /** RTP packets received (version 2, at least a 12-byte header). */
  readonly received: number;
  /** The payload types of the RTP packets received. */
  readonly receivedPayloadTypes: ReadonlySet<number>;
  /** The source (`host:port`) of every RTP packet received, once each. */
  readonly receivedFrom: ReadonlySet<string>;
  /** A plain offer or answer (`RTP/AVP`, PCMU and telephone-event) with this socket as its media address. */
  sdp(): string;
  /**
   * Sends `packets` PCMU frames of silence (at most 10,000) to `host:port`,
   * one every `intervalMs` (default 20), and resolves with how many were sent.
   * A host that is not loopback is refused.
   */
  send(options: {
    readonly host: string;
    readonly port: number;
    readonly packets: number;
    readonly intervalMs?: number;
  }): Promise<number>;
  /** Closes the socket. Idempotent. */
  close(): Promise<void>;
}

/** Binds an RTP peer to an even free port on 127.0.0.1 (at most 20 tries). */
export async function startRtpPeer(): Promise<RtpPeer> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const socket = dgram.createSocket('udp4');
    const port = await new Promise<number>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, '127.0.0.1', () => resolve(socket.address().port));
    });
    if (port % 2 === 0) return rtpPeer(socket, port);
    await new Promise<void>((resolve) => socket.close(() => resolve()));
  }
  throw new Error('no even UDP port on 127.0.0.1 after 20 tries');
}

function rtpPeer(socket: dgram.Socket, port: number): RtpPeer {
  let received = 0;
  const receivedPayloadTypes = new Set<number>();
  const receivedFrom = new Set<string>();
  let closed = false;
  socket.on('message', (data: Buffer, from) => {
    // RTP version 2 (RFC 3550 §5.1); RTCP (payload types 72-76 with the marker bit) goes to port + 1.
    if (data.length < 12 || data[0] === undefined || data[0] >> 6 !== 2) return;
    received += 1;
    receivedPayloadTypes.add((data[1] ?? 0) & 0x7f);
    receivedFrom.add(`${from.address}:${from.port}`);
  });
  const session = (Date.now() % 1_000_000_000).toString();
  return {
    port,
    get received() {
      return received;
    },
    receivedPayloadTypes,
    receivedFrom,
    sdp: () =>
      [
        'v=0',
        `o=phone ${session} 1 IN IP4 127.0.0.1`,
        's=-',
        'c=IN IP4 127.0.0.1',
        't=0 0',
        `m=audio ${port} RTP/AVP 0 101`,
        'a=rtpmap:0 PCMU/8000',
        'a=rtpmap:101 telephone-event/8000',
        'a=fmtp:101 0-15',
        'a=ptime:20',
        'a=sendrecv',
        '',
      ].join('\r\n'),
    async send(options) {
      if (!isLoopbackAddress(options.host))
        throw new Error(`an RTP peer sends only to loopback, not to ${options.host}`);
      const count = Math.min(Math.max(0, Math.floor(options.packets)), 10_000);
      const intervalMs = options.intervalMs ?? 20;
      const ssrc = (Math.random() * 0xffff_ffff) >>> 0;
      let sequence = Math.floor(Math.random() * 0xffff);
      let timestamp = (Math.random() * 0xffff_ffff) >>> 0;
      const start = Date.now();
      let sent = 0;
      for (let i = 0; i < count && !closed; i++) {
        const packet = Buffer.alloc(12 + 160, 0xff);
        packet[0] = 0x80;
        packet[1] = i === 0 ? 0x80 : 0x00; // marker on the first, payload type 0 (PCMU)
        packet.writeUInt16BE(sequence, 2);
        packet.writeUInt32BE(timestamp, 4);
        packet.writeUInt32BE(ssrc, 8);
        await new Promise<void>((resolve, reject) =>
          socket.send(packet, options.port, options.host, (error) => (error ? reject(error) : resolve())),
        );
        sent += 1;
        sequence = (sequence + 1) & 0xffff;
        timestamp = (timestamp + 160) >>> 0;
        const wait = start + (i + 1) * intervalMs - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
      return sent;
    },
    close: () =>
      closed
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            closed = true;
            socket.close(() => resolve());
          }),
  };
}
