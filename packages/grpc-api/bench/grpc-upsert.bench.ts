/**
 * `pnpm bench:grpc`: sustained UpsertRegistration calls/s through the gRPC
 * server with auth on (ES256 bearer tokens, verified by jose), the journal
 * store (group-committed fsyncs), from a concurrent grpc-js client on
 * loopback; then where the time goes, measured piece by piece in the same
 * process. Bounded by a count and a time; `--quick` for CI.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { MemoryRegistrationStore } from '@sipbreakout/registrar';
import {
  allowNumbersByPrefix,
  authenticate,
  loadSipBreakoutPackage,
  METHOD_PATHS,
  readRegistration,
  SipBreakoutClient,
  startSipBreakoutServer,
  TokenVerifier,
  type UpsertRegistrationRequest,
} from '../src/index.js';

const quick = process.argv.includes('--quick');
const SECONDS = quick ? 1.5 : 5;
const MAX_CALLS = quick ? 20_000 : 200_000;
const IN_FLIGHT = 128;

function request(i: number): UpsertRegistrationRequest {
  return {
    registration: {
      sipUri: `sips:tas${i % 100}.example.com`,
      routeType: 'ROUTE_TYPE_LOOP',
      phoneNumber: { e164: `+4799${String(i).padStart(7, '0')}` },
    },
  };
}

async function rate(
  label: string,
  count: number,
  seconds: number,
  op: (i: number) => Promise<unknown> | unknown,
): Promise<number> {
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  let done = 0;
  for (; done < count && performance.now() < deadline; done++) await op(done);
  const perSecond = done / ((performance.now() - started) / 1000);
  console.log(
    `  ${label.padEnd(44)} ${Math.round(perSecond).toLocaleString('en').padStart(10)} /s  (${(1e6 / perSecond).toFixed(1)} µs each)`,
  );
  return perSecond;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'sipbreakout-grpc-bench-'));
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwksPath = join(dir, 'jwks.json');
  await writeFile(jwksPath, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k', alg: 'ES256' }] }));
  const verifier = await TokenVerifier.create({ keys: { kind: 'jwks-file', path: jwksPath } });
  const { store } = await MemoryRegistrationStore.open({ journalPath: join(dir, 'registrations') });
  const server = await startSipBreakoutServer({
    store,
    verifier,
    numberPolicy: allowNumbersByPrefix({ bench: ['+4799'] }),
    address: '127.0.0.1:0',
  });
  const token = await new SignJWT({ sub: 'bench', scope: 'call.routing:write' })
    .setProtectedHeader({ alg: 'ES256', kid: 'k' })
    .setExpirationTime('1h')
    .sign(privateKey);
  const client = new SipBreakoutClient({ address: `127.0.0.1:${server.port}`, token });
  await client.waitForReady(Date.now() + 5000);

  console.log(
    `gRPC UpsertRegistration, auth on (ES256), journal store, ${IN_FLIGHT} in flight, loopback, ≤ ${SECONDS} s / ${MAX_CALLS} calls`,
  );
  let next = 0;
  let ok = 0;
  const deadline = performance.now() + SECONDS * 1000;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < MAX_CALLS && performance.now() < deadline) {
      const response = await client.upsertRegistration(request(next++));
      if (response.statusCode !== 'STATUS_CODE_OK') throw new Error(response.errorMessage);
      ok++;
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const elapsed = (performance.now() - started) / 1000;
  const sustained = ok / elapsed;
  console.log(
    `  sustained: ${Math.round(sustained).toLocaleString('en')} upserts/s (${ok} in ${elapsed.toFixed(2)} s)`,
  );

  console.log('where the time goes (the same work, piece by piece, in this process):');
  const md = [`Bearer ${token}`];
  const uncached = await TokenVerifier.create({ keys: { kind: 'jwks-file', path: jwksPath }, cacheSize: 0 });
  await rate('auth: ES256 verify (jose), uncached', 5000, 1, () =>
    authenticate(md, METHOD_PATHS.UpsertRegistration, uncached),
  );
  await rate('auth: verified-token cache hit', 200_000, 0.5, () =>
    authenticate(md, METHOD_PATHS.UpsertRegistration, verifier),
  );
  const method = loadSipBreakoutPackage().service['UpsertRegistration'];
  if (method === undefined) throw new Error('no UpsertRegistration');
  const bytes = method.requestSerialize(request(1));
  await rate('protobuf decode request (proto-loader)', 200_000, 0.5, () => method.requestDeserialize(bytes));
  await rate('validate + map (readRegistration)', 200_000, 0.5, (i) =>
    readRegistration(request(i).registration ?? {}, `+4798${String(i).padStart(7, '0')}`),
  );
  const { store: memory } = { store: new MemoryRegistrationStore() };
  await rate('store upsert, memory (no journal), sequential', 100_000, 0.5, (i) =>
    memory.upsert({
      phoneNumber: `+4797${String(i).padStart(7, '0')}`,
      routeType: 'LOOP',
      sipUri: 'sips:tas.example.com',
      owner: 'bench',
    }),
  );
  let inflight: Promise<unknown>[] = [];
  await rate(`store upsert, journal, ${IN_FLIGHT} in flight`, 100_000, 1, async (i) => {
    inflight.push(
      store.upsert({
        phoneNumber: `+4796${String(i).padStart(7, '0')}`,
        routeType: 'LOOP',
        sipUri: 'sips:tas.example.com',
        owner: 'bench',
      }),
    );
    if (inflight.length >= IN_FLIGHT) {
      await Promise.all(inflight);
      inflight = [];
    }
  });
  await Promise.all(inflight);
  console.log(
    '  the rest is grpc-js: HTTP/2 framing, per-call streams and metadata, on both sides of one process pair',
  );

  client.close();
  await server.shutdown({ graceMs: 1000 });
  await store.close();
  await memory.close();
  await rm(dir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
