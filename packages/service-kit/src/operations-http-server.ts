/**
 * The operations HTTP listener: `GET /metrics` (Prometheus text format) and
 * `GET /healthz` (200 when every part the program reports is up, else 503,
 * with the state of each as JSON).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** The state of each part the health check looks at, by name (`sip`, `grpc`, `store`): true when up. */
export type HealthReport = Readonly<Record<string, boolean>>;

/** A running operations listener. */
export interface OperationsHttpServer {
  readonly port: number;
  close(): Promise<void>;
}

/** Options of {@link startOperationsHttpServer}. */
export interface OperationsHttpServerOptions {
  readonly host: string;
  /** 0: a free port. */
  readonly port: number;
  /** The registry `/metrics` serves. */
  readonly registry: Registry;
  /** Asked on every `/healthz`; a rejection reads as down. */
  readonly health: () => Promise<HealthReport>;
}

/** Starts the listener on `host:port`. */
export async function startOperationsHttpServer(options: OperationsHttpServerOptions): Promise<OperationsHttpServer> {
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
        .catch((error: unknown) =>
          response.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${String(error)}\n`),
        );
      return;
    }
    if (path === '/healthz') {
      options
        .health()
        .then((report) => {
          const parts = Object.entries(report);
          const up = parts.every(([, isUp]) => isUp);
          const body = JSON.stringify({
            status: up ? 'up' : 'down',
            ...Object.fromEntries(parts.map(([name, isUp]) => [name, isUp ? 'up' : 'down'])),
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
