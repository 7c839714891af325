import {
  credentials,
  makeGenericClientConstructor,
  Metadata,
  type Client,
  type ClientDuplexStream,
  type ServiceError,
} from '@grpc/grpc-js';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import {
  allowNumbersByPrefix,
  startSipBreakoutServer,
  TokenVerifier,
  type SipBreakoutServer,
} from '@sipbreakout/grpc-api';
import { MemoryRegistrationStore } from '@sipbreakout/registrar';
import { ManualClock } from '@sipbreakout/sip-core/clock';
import {
  CALL_CONTROL_ANSWER_AND_INITIATE,
  loadWebTerminalPackage,
  TerminalHub,
  webTerminalService,
  type TerminalHubOptions,
  type WebTerminalMessage,
} from '../../src/index.js';
import { FakeCallControl } from './fake-call-control.js';

export const ISSUER = 'https://auth.test.invalid/';
export const AUDIENCE = 'sipbreakout';
/** The client of the tests' tokens, and the numbers its client tokens may attach to. */
export const CLIENT = 'softphone-app';
export const CLIENT_NUMBERS = '+4799';

/** The Web Terminal served beside the breakout API on 127.0.0.1, with a fake call control and a token mint. */
export interface TerminalServer {
  readonly address: string;
  readonly server: SipBreakoutServer;
  readonly hub: TerminalHub;
  readonly control: FakeCallControl;
  readonly clock: ManualClock;
  /** A token with the default claims (iss, aud, exp in 1 h) and `claims` over them. */
  sign(claims: JWTPayload): Promise<string>;
  /** A user token for `number` with the Web Terminal scope. */
  user(number: string, scope?: string): Promise<string>;
  /** A client token of {@link CLIENT} with the Web Terminal scope. */
  client(): Promise<string>;
  close(): Promise<void>;
}

/** Starts a {@link TerminalServer}. */
export async function startTerminalServer(
  hubOptions: Partial<TerminalHubOptions> = {},
  serviceOptions: { readonly maxQueuedMessages?: number } = {},
): Promise<TerminalServer> {
  const keys = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  const verifier = await TokenVerifier.create({
    keys: { kind: 'jwks', jwks: { keys: [jwk] } },
    issuer: ISSUER,
    audience: AUDIENCE,
  });
  const numberPolicy = allowNumbersByPrefix({ [CLIENT]: [CLIENT_NUMBERS] });
  const clock = new ManualClock();
  const control = new FakeCallControl();
  const hub = new TerminalHub({ clock, control, ...hubOptions });
  const store = new MemoryRegistrationStore();
  const server = await startSipBreakoutServer({
    store,
    verifier,
    numberPolicy,
    address: '127.0.0.1:0',
    additionalServices: [webTerminalService({ hub, verifier, numberPolicy, ...serviceOptions })],
  });
  const sign = (claims: JWTPayload): Promise<string> =>
    new SignJWT({ iss: ISSUER, aud: AUDIENCE, ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'at+jwt' })
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(keys.privateKey);
  return {
    address: `127.0.0.1:${server.port}`,
    server,
    hub,
    control,
    clock,
    sign,
    user: (number, scope = CALL_CONTROL_ANSWER_AND_INITIATE) => sign({ sub: number, client_id: CLIENT, scope }),
    client: () => sign({ sub: CLIENT, scope: CALL_CONTROL_ANSWER_AND_INITIATE }),
    close: () => server.shutdown({ graceMs: 100 }),
  };
}

/** A terminal over grpc-js: what it received, in order, and how the stream ended. */
export class TestTerminal {
  readonly received: WebTerminalMessage[] = [];
  readonly stream: ClientDuplexStream<WebTerminalMessage, WebTerminalMessage>;
  /** The final status: `0` (OK) or the error's code. */
  readonly ended: Promise<{ code: number; details: string }>;
  #waiters: (() => void)[] = [];

  constructor(stream: ClientDuplexStream<WebTerminalMessage, WebTerminalMessage>) {
    this.stream = stream;
    stream.on('data', (message: WebTerminalMessage) => {
      this.received.push(message);
      for (const wake of this.#waiters.splice(0)) wake();
    });
    this.ended = new Promise((resolve) => {
      stream.on('error', (error: ServiceError) => resolve({ code: error.code, details: error.details }));
      stream.on('status', (status: { code: number; details: string }) => {
        if (status.code === 0) resolve({ code: 0, details: status.details });
      });
    });
  }

  send(message: WebTerminalMessage): void {
    this.stream.write(message);
  }

  /** Waits for the `count`-th message (1-based) since the start, and returns it. */
  async nth(count: number, timeoutMs = 5000): Promise<WebTerminalMessage> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      if (Date.now() > deadline) throw new Error(`only ${this.received.length} of ${count} messages came`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    const found = this.received[count - 1];
    if (found === undefined) throw new Error('unreachable');
    return found;
  }

  /** Waits for the next message after those already read with {@link TestTerminal.next}. */
  #read = 0;
  async next(timeoutMs?: number): Promise<WebTerminalMessage> {
    this.#read++;
    return this.nth(this.#read, timeoutMs);
  }

  /** Asserts (by waiting a little) that nothing more came than what was read. */
  async nothingMore(ms = 200): Promise<WebTerminalMessage[]> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return this.received.slice(this.#read);
  }
}

type PipeClient = Client & {
  Pipe(metadata: Metadata): ClientDuplexStream<WebTerminalMessage, WebTerminalMessage>;
  MultiPipe(metadata: Metadata): ClientDuplexStream<WebTerminalMessage, WebTerminalMessage>;
};

/** A grpc-js client of the service. */
export function terminalClient(address: string): PipeClient {
  const Constructor = makeGenericClientConstructor(loadWebTerminalPackage().service, 'WebTerminalService');
  return new Constructor(address, credentials.createInsecure()) as unknown as PipeClient;
}

/** Metadata with a bearer token and the given extra keys. */
export function metadataOf(token: string | undefined, extra: Record<string, string> = {}): Metadata {
  const metadata = new Metadata();
  if (token !== undefined) metadata.set('authorization', `Bearer ${token}`);
  for (const [key, value] of Object.entries(extra)) metadata.set(key, value);
  return metadata;
}
