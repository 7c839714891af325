import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The `buf` CLI of the `@bufbuild/buf` devDependency (a binary shipped in the npm package). */
export const BUF = fileURLToPath(new URL('../../node_modules/.bin/buf', import.meta.url));

/** Fails (not skips) when buf is missing: the interop tier must run in CI. */
export function requireBuf(): void {
  if (!existsSync(BUF)) throw new Error(`buf is missing at ${BUF}: run pnpm install (devDependency @bufbuild/buf)`);
}

/** What one `buf curl` printed. */
export interface BufCurlResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * `buf curl` over plain HTTP/2 (gRPC protocol) to a method of the server,
 * with the schema from server reflection and `body` as proto3 JSON.
 */
export function bufCurl(
  address: string,
  method: string,
  body: unknown,
  headers: readonly string[] = [],
): Promise<BufCurlResult> {
  const args = [
    'curl',
    '--protocol',
    'grpc',
    '--http2-prior-knowledge',
    '--timeout',
    '10s',
    ...headers.flatMap((header) => ['-H', header]),
    '-d',
    JSON.stringify(body),
    `http://${address}/${method}`,
  ];
  return new Promise((resolve) => {
    execFile(BUF, args, { timeout: 20_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ exitCode: code, stdout, stderr });
    });
  });
}
