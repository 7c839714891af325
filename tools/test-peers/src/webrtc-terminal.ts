/**
 * A WebRTC terminal for tests: `werift` (WebRTC in TypeScript) with one
 * audio transceiver, as a browser soft-phone would be, kept on loopback. It
 * makes an offer or answers one, completes ICE and DTLS-SRTP with its peer
 * (rtpengine in the tests), sends a bounded stream of 20 ms audio frames and
 * counts the RTP packets it receives.
 *
 * Loopback only: werift asks a public STUN server by default (even with
 * `iceServers: []`) and leaves loopback out of its host candidates. Here it
 * runs as an ICE-lite agent (RFC 8445 §2.5: host candidates only, no STUN
 * gathering, no checks of its own), gathers only 127.0.0.1 and binds its
 * sockets there, pairs only with loopback candidates of the peer, and the SDP
 * it hands out carries only 127.0.0.1 candidates.
 */
import {
  RTCPeerConnection,
  RTCRtpCodecParameters,
  RtpHeader,
  RtpPacket,
  type CandidatePair,
  type PeerConfig,
  type RTCRtpTransceiver,
} from 'werift';
import { waitFor } from './wait-for.js';

/** The audio codecs a terminal may offer, in order of preference. */
export type WebRtcTerminalCodec = 'PCMU' | 'PCMA' | 'opus';

/** How a terminal is made. */
export interface WebRtcTerminalOptions {
  /** The codecs of its audio transceiver, preferred first (default `['PCMU']`). */
  readonly codecs?: readonly WebRtcTerminalCodec[];
  /** How long gathering its (loopback) candidates may take, in ms (default 5000). */
  readonly gatherTimeoutMs?: number;
}

/** What `sendAudio` sends: a bounded run of frames. */
export interface WebRtcTerminalSendOptions {
  /** How many packets (at most 10,000). */
  readonly packets: number;
  /** The time between two packets in ms (default 20, the frame length). */
  readonly intervalMs?: number;
}

/** The codec parameters werift is given for each codec (PCMU and PCMA have the static payload types 0 and 8, RFC 3551 §6). */
const CODECS: Record<WebRtcTerminalCodec, () => RTCRtpCodecParameters> = {
  PCMU: () => new RTCRtpCodecParameters({ mimeType: 'audio/PCMU', clockRate: 8000, channels: 1, payloadType: 0 }),
  PCMA: () => new RTCRtpCodecParameters({ mimeType: 'audio/PCMA', clockRate: 8000, channels: 1, payloadType: 8 }),
  opus: () => new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2, payloadType: 111 }),
};

/** Samples per 20 ms frame at each codec's RTP clock rate. */
const SAMPLES_PER_FRAME: Record<WebRtcTerminalCodec, number> = { PCMU: 160, PCMA: 160, opus: 960 };

/** One 20 ms frame of silence: 160 bytes of G.711 µ-law 0xFF or A-law 0xD5, or Opus's 3-byte silence frame (RFC 6716 §3). */
const SILENCE: Record<WebRtcTerminalCodec, () => Buffer> = {
  PCMU: () => Buffer.alloc(160, 0xff),
  PCMA: () => Buffer.alloc(160, 0xd5),
  opus: () => Buffer.from([0xf8, 0xff, 0xfe]),
};

/** Whether `host` is an IPv4 loopback address (127.0.0.0/8) or ::1. */
export function isLoopbackAddress(host: string): boolean {
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || host === '::1';
}

/**
 * `sdp` with every `a=candidate` line whose address is not loopback removed,
 * and `a=end-of-candidates` kept. Throws when no loopback candidate is left
 * in an m= section that had candidates: such a session could only reach a
 * real network.
 */
export function keepLoopbackCandidates(sdp: string): string {
  const sections = sdp.split(/\r\n(?=m=)/);
  const kept = sections.map((section, index) => {
    const lines = section.split('\r\n');
    const candidates = lines.filter((line) => line.startsWith('a=candidate:'));
    const loopback = candidates.filter((line) => isLoopbackAddress(line.split(' ')[4] ?? ''));
    if (index > 0 && candidates.length > 0 && loopback.length === 0) {
      throw new Error(`no loopback ICE candidate in m= section ${index}:\n${section}`);
    }
    return lines.filter((line) => !line.startsWith('a=candidate:') || loopback.includes(line)).join('\r\n');
  });
  return kept.join('\r\n');
}

/**
 * `sdp` with every `a=rtcp:<port>` that gives no address completed with the
 * c= address of its m= section (else of the session). RFC 3605 §2.1 lets
 * the address out (it is then the c= one, as rtpengine writes it), but
 * werift refuses such a line.
 */
export function completeRtcpAddresses(sdp: string): string {
  const sections = sdp.split(/\r\n(?=m=)/);
  const sessionConnection = /^c=(IN IP[46] \S+)$/m.exec((sections[0] ?? '').replaceAll('\r', ''))?.[1];
  return sections
    .map((section, index) => {
      if (index === 0) return section;
      const connection = /^c=(IN IP[46] \S+)$/m.exec(section.replaceAll('\r', ''))?.[1] ?? sessionConnection;
      if (connection === undefined) return section;
      return section.replace(/^a=rtcp:(\d+)(?=\r?$)/gm, `a=rtcp:$1 ${connection}`);
    })
    .join('\r\n');
}

/**
 * werift's configuration for a terminal that stays on 127.0.0.1 (the option
 * names are werift's `PeerConfig`).
 */
export function loopbackPeerConfig(codecs: readonly WebRtcTerminalCodec[]): Partial<PeerConfig> {
  return {
    codecs: { audio: codecs.map((codec) => CODECS[codec]()), video: [] },
    // No STUN or TURN server; and, since werift falls back to a public STUN server when none is given, no
    // gathering of server-reflexive candidates at all: an ICE-lite agent gathers host candidates only.
    iceServers: [],
    iceLite: true,
    // Host candidates: no interface's address, only 127.0.0.1, with the sockets bound to it.
    iceUseIpv4: false,
    iceUseIpv6: false,
    iceUseTcp: false,
    iceAdditionalHostAddresses: ['127.0.0.1'],
    iceInterfaceAddresses: { udp4: '127.0.0.1' },
    // A peer's candidate that is not loopback is never paired, so never sent to.
    iceFilterCandidatePair: (pair: CandidatePair) => isLoopbackAddress(pair.remoteCandidate.host),
    bundlePolicy: 'max-bundle',
  };
}

/**
 * A WebRTC soft-phone on loopback: one audio transceiver, sendrecv. Make it
 * with {@link WebRtcTerminal.open}; `close()` it at the end of the test.
 */
export class WebRtcTerminal {
  readonly #pc: RTCPeerConnection;
  readonly #transceiver: RTCRtpTransceiver;
  readonly #codecs: readonly WebRtcTerminalCodec[];
  readonly #gatherTimeoutMs: number;
  #received = 0;
  #receivedPayloadTypes = new Set<number>();
  #sent = 0;
  readonly #counted = new WeakSet<object>();

  private constructor(options: WebRtcTerminalOptions) {
    this.#codecs = options.codecs ?? ['PCMU'];
    if (this.#codecs.length === 0) throw new Error('a WebRTC terminal needs at least one codec');
    this.#gatherTimeoutMs = options.gatherTimeoutMs ?? 5000;
    this.#pc = new RTCPeerConnection(loopbackPeerConfig(this.#codecs));
    this.#transceiver = this.#pc.addTransceiver('audio', { direction: 'sendrecv' });
  }

  /**
   * Counts the RTP packets its DTLS transport decrypts, once per transport.
   * Counted there rather than on a track: werift hands RTP to a track only
   * by an SSRC the SDP announced (`a=ssrc`), and the SDP of a plain phone
   * through rtpengine announces none, as a browser would not need.
   */
  #countReceived(): void {
    const transport = this.#transceiver.dtlsTransport;
    if (transport === undefined || this.#counted.has(transport)) return;
    this.#counted.add(transport);
    transport.onRtp.subscribe((rtp) => {
      this.#received += 1;
      this.#receivedPayloadTypes.add(rtp.header.payloadType);
    });
  }

  /** A terminal with its audio transceiver, not yet negotiated. */
  static open(options: WebRtcTerminalOptions = {}): WebRtcTerminal {
    return new WebRtcTerminal(options);
  }

  /** RTP packets received so far: SRTP that authenticated and decrypted on its DTLS transport. */
  get received(): number {
    return this.#received;
  }

  /** The payload types of the RTP packets received so far. */
  get receivedPayloadTypes(): ReadonlySet<number> {
    return this.#receivedPayloadTypes;
  }

  /** RTP packets handed to werift to send so far. */
  get sent(): number {
    return this.#sent;
  }

  /** werift's ICE connection state. */
  get iceConnectionState(): string {
    return this.#pc.iceConnectionState;
  }

  /** werift's connection state (ICE and DTLS together): `connected` once DTLS-SRTP is up. */
  get connectionState(): string {
    return this.#pc.connectionState;
  }

  /** The offer (JSEP): the local description once its loopback candidates are gathered. */
  async createOffer(): Promise<string> {
    await this.#pc.setLocalDescription(await this.#pc.createOffer());
    return this.#localSdp();
  }

  /** Takes the peer's answer to {@link createOffer} (its non-loopback candidates dropped). */
  async acceptAnswer(sdp: string): Promise<void> {
    await this.#pc.setRemoteDescription({ type: 'answer', sdp: completeRtcpAddresses(keepLoopbackCandidates(sdp)) });
    this.#countReceived();
  }

  /** Takes the peer's offer (its non-loopback candidates dropped) and returns the answer, its loopback candidates gathered. */
  async answerOffer(sdp: string): Promise<string> {
    await this.#pc.setRemoteDescription({ type: 'offer', sdp: completeRtcpAddresses(keepLoopbackCandidates(sdp)) });
    await this.#pc.setLocalDescription(await this.#pc.createAnswer());
    this.#countReceived();
    return this.#localSdp();
  }

  /** Resolves true once ICE and DTLS-SRTP are up (`connectionState` `connected`), false after `ms`. */
  waitConnected(ms = 10_000): Promise<boolean> {
    return waitFor(() => this.#pc.connectionState === 'connected', ms, 20);
  }

  /**
   * Sends `packets` frames of silence in the first codec, one every
   * `intervalMs`, with a marker bit on the first (RFC 3551 §4.1), and
   * resolves with how many werift took once the last is sent. Bounded: at
   * most 10,000 packets.
   */
  async sendAudio(options: WebRtcTerminalSendOptions): Promise<number> {
    const count = Math.min(Math.max(0, Math.floor(options.packets)), 10_000);
    const intervalMs = options.intervalMs ?? 20;
    const codec = this.#codecs[0] as WebRtcTerminalCodec;
    const payloadType = CODECS[codec]().payloadType;
    const ssrc = (Math.random() * 0xffff_ffff) >>> 0;
    let sequenceNumber = Math.floor(Math.random() * 0xffff);
    let timestamp = (Math.random() * 0xffff_ffff) >>> 0;
    const start = Date.now();
    let sent = 0;
    for (let i = 0; i < count; i++) {
      const header = new RtpHeader({ payloadType, sequenceNumber, timestamp, ssrc, marker: i === 0 });
      await this.#transceiver.sender.sendRtp(new RtpPacket(header, SILENCE[codec]()));
      sent += 1;
      this.#sent += 1;
      sequenceNumber = (sequenceNumber + 1) & 0xffff;
      timestamp = (timestamp + SAMPLES_PER_FRAME[codec]) >>> 0;
      // Paced against the start, not the previous packet, so a slow send does not stretch the stream.
      const wait = start + (i + 1) * intervalMs - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    return sent;
  }

  /** Closes the peer connection and its sockets. Idempotent. */
  async close(): Promise<void> {
    await this.#pc.close();
  }

  /** The local description once gathering completed (within the gather timeout), loopback candidates only. */
  async #localSdp(): Promise<string> {
    const gathered = await waitFor(() => this.#pc.iceGatheringState === 'complete', this.#gatherTimeoutMs, 10);
    if (!gathered) throw new Error(`werift did not finish gathering within ${this.#gatherTimeoutMs} ms`);
    const sdp = this.#pc.localDescription?.sdp;
    if (sdp === undefined) throw new Error('werift has no local description');
    return keepLoopbackCandidates(sdp);
  }
}
