/**
 * The operations HTTP listener: `GET /metrics` (Prometheus text format) and
 * `GET /healthz` (200 when SIP, gRPC and the store are up, else 503, with
 * the state of each as JSON).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** The state of each part the health check looks at. */
export interface HealthReport {
  readonly sip: boolean;
  readonly grpc: boolean;
  readonly store: boolean;
}

/** A running operations listener. */
export interface OperationsHttpServer {
  readonly port: number;
  close(): Promise<void>;
}

/** Starts the listener on `host:port` (0: a free port). */
export async function startOperationsHttpServer(options: {
  readonly host: string;
  readonly port: number;
  readonly registry: Registry;
  readonly health: () => Promise<HealthReport>;
}): Promise<OperationsHttpServer> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/metrics') {
      options.registry
        .metrics()
        .then((text) => response.writeHead(200, { 'content-type': options.registry.contentType }).end(text))
        .catch((error: unknown) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${String(error)}\n`));
      return;
    }
    if (path === '/healthz') {
      options
        .health()
        .then((report) => {
          const up = report.sip && report.grpc && report.store;
          const body = JSON.stringify({
            status: up ? 'up' : 'down',
            sip: report.sip ? 'up' : 'down',
            grpc: report.grpc ? 'up' : 'down',
            store: report.store ? 'up' : 'down',
          });
          response.writeHead(up ? 200 : 503, { 'content-type': 'application/json' }).end(body + '\n');
        })
        .catch(() => response.writeHead(503, { 'content-type': 'application/json' }).end('{"status":"down"}\n'));
      return;
    }
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics or /healthz\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
