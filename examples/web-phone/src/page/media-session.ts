/**
 * One call's WebRTC media on the page: an `RTCPeerConnection` without ICE
 * servers (host candidates only), the microphone's audio track, and the
 * remote audio played. Every SDP it hands out is complete (gathering
 * finished: the Web Terminal carries candidates only inside the SDP) and,
 * with the `loopback` policy, cut to 127.0.0.1 UDP host candidates.
 */
import type { CandidatePolicy } from '../page-protocol.js';
import { keepLoopbackCandidates } from './loopback-sdp.js';

/** How long to wait for ICE gathering before sending what was gathered. */
const GATHERING_TIMEOUT_MS = 5000;

/** The media of one call. */
export class MediaSession {
  readonly #pc: RTCPeerConnection;
  readonly #policy: CandidatePolicy;
  readonly #audio: HTMLAudioElement;

  /** `microphone`: the local audio stream; `audio`: where the remote audio plays. */
  constructor(microphone: MediaStream, audio: HTMLAudioElement, policy: CandidatePolicy) {
    this.#pc = new RTCPeerConnection({ iceServers: [] });
    this.#policy = policy;
    this.#audio = audio;
    for (const track of microphone.getAudioTracks()) this.#pc.addTrack(track, microphone);
    this.#pc.addEventListener('track', (event) => {
      const [stream] = event.streams;
      this.#audio.srcObject = stream ?? new MediaStream([event.track]);
    });
  }

  /** The connection's ICE state, for the page to show. */
  get iceState(): RTCIceConnectionState {
    return this.#pc.iceConnectionState;
  }

  /** Calls `listener` on every change of the ICE connection state. */
  onIceState(listener: (state: RTCIceConnectionState) => void): void {
    this.#pc.addEventListener('iceconnectionstatechange', () => listener(this.#pc.iceConnectionState));
  }

  /** A complete offer. */
  async offer(): Promise<string> {
    await this.#pc.setLocalDescription(await this.#pc.createOffer());
    return this.#complete();
  }

  /** Takes the remote party's answer to {@link MediaSession.offer}. */
  async accept(sdp: string): Promise<void> {
    await this.#pc.setRemoteDescription({ type: 'answer', sdp });
  }

  /** A complete answer to the remote party's offer (a new call, or a renegotiation of this one). */
  async answer(sdp: string): Promise<string> {
    await this.#pc.setRemoteDescription({ type: 'offer', sdp });
    await this.#pc.setLocalDescription(await this.#pc.createAnswer());
    return this.#complete();
  }

  /** Stops the media (the microphone is the page's and stays open). */
  close(): void {
    this.#pc.close();
    if (this.#audio.srcObject !== null) this.#audio.srcObject = null;
  }

  /** The local description once gathering is complete (or timed out), cut to the policy. */
  async #complete(): Promise<string> {
    const pc = this.#pc;
    if (pc.iceGatheringState !== 'complete') {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, GATHERING_TIMEOUT_MS);
        function done(): void {
          clearTimeout(timer);
          pc.removeEventListener('icegatheringstatechange', check);
          resolve();
        }
        function check(): void {
          if (pc.iceGatheringState === 'complete') done();
        }
        pc.addEventListener('icegatheringstatechange', check);
      });
    }
    const sdp = pc.localDescription?.sdp ?? '';
    return this.#policy === 'loopback' ? keepLoopbackCandidates(sdp) : sdp;
  }
}
