/**
 * Python's grpcio as a gRPC client we did not write (gRPC's C core, its own
 * TLS): finding an interpreter that has it, and running a script.
 */
import { execFileSync, spawn } from 'node:child_process';

// Debian's python3-grpcio is for Debian's interpreter; a python3 earlier on
// PATH (pyenv) may not see it. PYTHON_GRPC overrides.
const CANDIDATES = [process.env['PYTHON_GRPC'], '/usr/bin/python3', 'python3'].filter(
  (candidate): candidate is string => candidate !== undefined && candidate !== '',
);

/** A python3 that imports grpc and google.protobuf; throws (the test fails, never skips) when there is none. */
export function requirePythonGrpc(): string {
  for (const candidate of CANDIDATES) {
    try {
      execFileSync(candidate, ['-c', 'import grpc, google.protobuf'], { stdio: 'ignore', timeout: 20_000 });
      return candidate;
    } catch {
      // try the next one
    }
  }
  throw new Error(
    `no python3 with grpc and google.protobuf among ${CANDIDATES.join(', ')}: install Debian's python3-grpcio and python3-protobuf (.ci/setup.d/30-python-grpc.sh)`,
  );
}

/** Runs a Python script with `input` on stdin; resolves with stdout, rejects with stderr on a non-zero exit. */
export function runPython(python: string, args: readonly string[], input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`python exited ${String(code)}: ${stderr}`));
    });
    child.stdin.end(input);
  });
}
