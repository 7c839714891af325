import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { isConfigError } from '@sipbreakout/service-kit';
import { keyProblems } from '../src/key-problem.js';
import { checkListenAddresses, listenProblem, type PlannedListener } from '../src/listen-check.js';

const problem = keyProblems({
  sourceOf: (key) =>
    key === 'grpc.port'
      ? { kind: 'env', variable: 'SIPBREAKOUT_GRPC_PORT', text: '1', overridesFile: undefined }
      : { kind: 'default' },
});

const grpc = (host: string, port: number): PlannedListener => ({
  portKey: 'grpc.port',
  hostKey: 'grpc.host',
  host,
  port,
  protocol: 'tcp',
});

describe('listenProblem', () => {
  it.each([
    ['EADDRINUSE', 'grpc.port (env SIPBREAKOUT_GRPC_PORT): 127.0.0.1:5000 is already in use (EADDRINUSE)'],
    [
      'EACCES',
      'grpc.port (env SIPBREAKOUT_GRPC_PORT): 127.0.0.1:5000 cannot be listened on (EACCES: ports below 1024 need privileges)',
    ],
    ['EADDRNOTAVAIL', 'grpc.host (default): "127.0.0.1" is not an address of this machine (EADDRNOTAVAIL)'],
    ['ENOTFOUND', 'grpc.host (default): "127.0.0.1" does not resolve to an address (ENOTFOUND)'],
  ])('names the key a bind failing with %s is about', (code, message) => {
    const error = listenProblem(grpc('127.0.0.1', 5000), { code }, problem);
    expect(isConfigError(error, 'CONFIG_ERR_BAD_VALUE')).toBe(true);
    expect(error?.message).toBe(message);
  });

  it('leaves any other failure alone', () => {
    expect(listenProblem(grpc('127.0.0.1', 5000), { code: 'EMFILE' }, problem)).toBeUndefined();
  });
});

describe('checkListenAddresses', () => {
  it('binds every port at once and releases them: the same ports bind again afterwards', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const planned: PlannedListener[] = [
      { portKey: 'sip.mobile.udpPort', hostKey: 'sip.mobile.host', host: '127.0.0.1', port, protocol: 'udp' },
      { portKey: 'sip.mobile.tcpPort', hostKey: 'sip.mobile.host', host: '127.0.0.1', port, protocol: 'tcp' },
      { ...grpc('127.0.0.1', 0) },
    ];
    await checkListenAddresses(planned, problem);
    await checkListenAddresses(planned, problem);
  });

  it('refuses a host that is not an address of this machine, naming the host key', async () => {
    // 192.0.2.0/24 is TEST-NET-1 (RFC 5737): never a local address.
    await expect(checkListenAddresses([grpc('192.0.2.1', 50051)], problem)).rejects.toMatchObject({
      code: 'CONFIG_ERR_BAD_VALUE',
      key: 'grpc.host',
      message: 'grpc.host (default): "192.0.2.1" is not an address of this machine (EADDRNOTAVAIL)',
    });
  });

  it('refuses two keys that take one socket, a wildcard host included', async () => {
    await expect(
      checkListenAddresses(
        [
          { portKey: 'http.port', hostKey: 'http.host', host: '0.0.0.0', port: 9999, protocol: 'tcp' },
          grpc('127.0.0.1', 9999),
        ],
        problem,
      ),
    ).rejects.toMatchObject({
      key: 'grpc.port',
      message: 'grpc.port (env SIPBREAKOUT_GRPC_PORT): 127.0.0.1:9999 is already taken by http.port (TCP 0.0.0.0:9999)',
    });
  });
});
