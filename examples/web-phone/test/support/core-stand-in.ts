/**
 * A stand-in for the breakout core's Web Terminal: a real `TerminalHub`
 * served by grpc-api's `startSipBreakoutServer` with `webTerminalService`,
 * over TLS from a development CA, with a data folder laid out as the core's
 * (`tls/dev-ca.pem`, `auth/dev-token.jwt`), so the web phone finds
 * everything there as it does after `pnpm start`. The calls are a scripted
 * test double of the call-control port: the test settles each request.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServerCredentials } from '@grpc/grpc-js';
import {
  allowNumbersByPrefix,
  startSipBreakoutServer,
  TokenVerifier,
  type SipBreakoutServer,
} from '@sipbreakout/grpc-api';
import { MemoryRegistrationStore } from '@sipbreakout/registrar';
import { ensureDevGrpcCertificates, ensureDevPki, ensureDevSigningKey } from '@sipbreakout/service-kit';
import { SystemClock } from '@sipbreakout/sip-core/clock';
import { CALL_CONTROL_ANSWER_AND_INITIATE, TerminalHub, webTerminalService } from '@sipbreakout/web-terminal';
import { ScriptedCallControl } from './scripted-call-control.js';

const ISSUER = 'urn:sipbreakout:dev';
const AUDIENCE = 'sipbreakout';
const CLIENT = 'dev-client';

/** A running stand-in. */
export interface CoreStandIn {
  /** `127.0.0.1:<port>` of its gRPC API (TLS). */
  readonly address: string;
  /** The data folder, as the core's. */
  readonly dataDir: string;
  readonly hub: TerminalHub;
  readonly control: ScriptedCallControl;
  /** Stops the gRPC server (its streams end with UNAVAILABLE; the hub and its held calls stay). */
  stopServer(): Promise<void>;
  /** Serves the same hub again on the same port. */
  restartServer(): Promise<void>;
  close(): Promise<void>;
}

/** Starts a stand-in whose client token may attach to numbers starting with `numberPrefix`. */
export async function startCoreStandIn(numberPrefix: string): Promise<CoreStandIn> {
  const dataDir = await mkdtemp(join(tmpdir(), 'web-phone-core-'));
  const pki = await ensureDevPki(dataDir);
  const certificates = await ensureDevGrpcCertificates(pki, { host: '127.0.0.1', client: false });
  const credentials = ServerCredentials.createSsl(null, [
    { cert_chain: Buffer.from(certificates.server.cert), private_key: Buffer.from(certificates.server.key) },
  ]);
  const key = await ensureDevSigningKey(dataDir);
  const token = await key.sign(
    { sub: CLIENT, client_id: CLIENT, scope: CALL_CONTROL_ANSWER_AND_INITIATE },
    { expiresIn: '1h', issuer: ISSUER, audience: AUDIENCE },
  );
  await writeFile(join(dataDir, 'auth', 'dev-token.jwt'), `${token}\n`, { mode: 0o600 });
  const verifier = await TokenVerifier.create({
    keys: { kind: 'jwks', jwks: key.jwks },
    issuer: ISSUER,
    audience: AUDIENCE,
  });
  const numberPolicy = allowNumbersByPrefix({ [CLIENT]: [numberPrefix] });
  const control = new ScriptedCallControl();
  const hub = new TerminalHub({ clock: new SystemClock(), control, limits: { messagesPerSecond: 1000 } });
  const store = new MemoryRegistrationStore();
  const serve = (port: number): Promise<SipBreakoutServer> =>
    startSipBreakoutServer({
      store,
      verifier,
      numberPolicy,
      address: `127.0.0.1:${port}`,
      credentials,
      additionalServices: [webTerminalService({ hub, verifier, numberPolicy })],
    });
  let server: SipBreakoutServer | undefined = await serve(0);
  const port = server.port;
  return {
    address: `127.0.0.1:${port}`,
    dataDir,
    hub,
    control,
    stopServer: async () => {
      await server?.shutdown({ graceMs: 100 });
      server = undefined;
    },
    restartServer: async () => {
      server = await serve(port);
    },
    close: async () => {
      await server?.shutdown({ graceMs: 100 });
      server = undefined;
    },
  };
}
