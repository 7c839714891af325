/**
 * The web phone's HTTP server: the page (`/`), its style and script, and the
 * WebSocket (`/ws`) that each open page bridges to one `WebTerminalService`
 * stream of the core. The browser never sees the token: the server holds it.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import type { CoreClient } from './core-client.js';
import type { CandidatePolicy } from './page-protocol.js';
import { TerminalBridge, type BridgeLogger } from './terminal-bridge.js';

/** Options of {@link startWebPhoneServer}. */
export interface WebPhoneServerOptions {
  readonly host: string;
  /** 0: any free port. */
  readonly port: number;
  readonly core: CoreClient;
  readonly token: () => Promise<string>;
  readonly number: string | undefined;
  readonly method: 'Pipe' | 'MultiPipe';
  readonly candidates: CandidatePolicy;
  readonly logger: BridgeLogger;
}

/** A running web phone server. */
export interface WebPhoneServer {
  /** `http://host:port/`. */
  readonly url: string;
  readonly port: number;
  /** The bridges of the pages open now. */
  readonly bridges: ReadonlySet<TerminalBridge>;
  /** Closes every page's bridge and the server. */
  close(): Promise<void>;
}

/** Where the built page script is (`dist/browser/page/`) and the static files (`public/`). */
const PUBLIC_DIR = fileURLToPath(new URL('../public/', import.meta.url));
const SCRIPT_DIR = fileURLToPath(new URL('./browser/page/', import.meta.url));

/** The files served, by path: nothing else of the disk is reachable. */
const FILES: Readonly<Record<string, { readonly file: string; readonly type: string }>> = {
  '/': { file: `${PUBLIC_DIR}index.html`, type: 'text/html; charset=utf-8' },
  '/phone.css': { file: `${PUBLIC_DIR}phone.css`, type: 'text/css; charset=utf-8' },
  '/js/phone.js': { file: `${SCRIPT_DIR}phone.js`, type: 'text/javascript; charset=utf-8' },
  '/js/loopback-sdp.js': { file: `${SCRIPT_DIR}loopback-sdp.js`, type: 'text/javascript; charset=utf-8' },
  '/js/media-session.js': { file: `${SCRIPT_DIR}media-session.js`, type: 'text/javascript; charset=utf-8' },
};

/** What `wg2-terminal-id` allows, less room for the bridge's prefix. */
const PAGE_TERMINAL_ID = /^[A-Za-z0-9._~-]{1,100}$/;

/**
 * The terminal identity of a page: its `?terminal=` (kept by the page in
 * `sessionStorage`, so a reload of the tab is the same terminal), else a new one.
 */
export function terminalIdOf(requestUrl: string | undefined): string {
  const asked = new URL(requestUrl ?? '/', 'http://page.invalid').searchParams.get('terminal');
  return `web-phone.${asked !== null && PAGE_TERMINAL_ID.test(asked) ? asked : randomUUID()}`;
}

async function serveFile(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://page.invalid').pathname;
  const entry = FILES[path === '/index.html' ? '/' : path];
  if (entry === undefined || (request.method !== 'GET' && request.method !== 'HEAD')) {
    response.writeHead(entry === undefined ? 404 : 405, { 'content-type': 'text/plain; charset=utf-8' });
    response.end(entry === undefined ? 'not found\n' : 'method not allowed\n');
    return;
  }
  try {
    const body = await readFile(entry.file);
    response.writeHead(200, {
      'content-type': entry.type,
      'cache-control': 'no-store',
      // The page loads only its own script and talks only to its own WebSocket.
      'content-security-policy': "default-src 'self'; connect-src 'self'; style-src 'self'; script-src 'self'",
    });
    response.end(request.method === 'HEAD' ? undefined : body);
  } catch {
    response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
    response.end(`${path} is missing: build the package (pnpm build)\n`);
  }
}

/** Starts the server and resolves once it listens. */
export async function startWebPhoneServer(options: WebPhoneServerOptions): Promise<WebPhoneServer> {
  const bridges = new Set<TerminalBridge>();
  const http = createServer((request, response) => void serveFile(request, response));
  // A payload over this closes the socket (1009); the bridge refuses smaller over-long messages itself.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  http.on('upgrade', (request, socket, head) => {
    const path = new URL(request.url ?? '/', 'http://page.invalid').pathname;
    if (path !== '/ws') {
      socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      const bridge = new TerminalBridge({
        socket: ws,
        core: options.core,
        token: options.token,
        number: options.number,
        method: options.method,
        terminalId: terminalIdOf(request.url),
        candidates: options.candidates,
        logger: options.logger,
      });
      bridges.add(bridge);
      ws.on('close', () => bridges.delete(bridge));
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port, options.host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  const port = (http.address() as AddressInfo).port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}/`,
    port,
    bridges,
    close: async () => {
      for (const bridge of bridges) bridge.close();
      wss.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
