import { Counter, Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import {
  startOperationsHttpServer,
  type HealthReport,
  type OperationsHttpServer,
} from '../src/operations-http-server.js';

let server: OperationsHttpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(health: () => Promise<HealthReport>): Promise<string> {
  const registry = new Registry();
  new Counter({ name: 'test_things_total', help: 'Things', registers: [registry] }).inc(3);
  server = await startOperationsHttpServer({ host: '127.0.0.1', port: 0, registry, health });
  return `http://127.0.0.1:${server.port}`;
}

describe('startOperationsHttpServer', () => {
  it('serves the registry on /metrics in Prometheus text format', async () => {
    const base = await start(async () => ({ sip: true }));
    const response = await fetch(`${base}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    expect(await response.text()).toContain('test_things_total 3');
  });

  it('answers /healthz 200 with every part up, in the order reported', async () => {
    const base = await start(async () => ({ sip: true, grpc: true, store: true }));
    const response = await fetch(`${base}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('{"status":"up","sip":"up","grpc":"up","store":"up"}\n');
  });

  it('answers /healthz 503 when one part is down, or when the report fails', async () => {
    let failing = false;
    const base = await start(async () => {
      if (failing) throw new Error('probe failed');
      return { sip: true, store: false };
    });
    const down = await fetch(`${base}/healthz`);
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ status: 'down', sip: 'up', store: 'down' });
    failing = true;
    const failed = await fetch(`${base}/healthz`);
    expect(failed.status).toBe(503);
    expect(await failed.json()).toEqual({ status: 'down' });
  });

  it('refuses other paths (404) and other methods (405)', async () => {
    const base = await start(async () => ({}));
    expect((await fetch(`${base}/other`)).status).toBe(404);
    const post = await fetch(`${base}/metrics`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });
});
