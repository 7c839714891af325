/**
 * The descriptors the server reflects, held to the ones buf (a second
 * implementation, run as a process) builds from the same .proto files.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import {
  CALL_CONTROL_ANSWER_AND_INITIATE,
  loadWebTerminalPackage,
  PHONE_NUMBER_V0_PROTO,
  WEB_TERMINAL_PROTO,
  WEB_TERMINAL_PROTO_DIR,
} from '../../src/index.js';

const BUF = fileURLToPath(new URL('../../node_modules/.bin/buf', import.meta.url));

type FileObject = Record<string, unknown> & {
  name: string;
  dependency?: string[];
  service?: { name: string; method: Record<string, unknown>[] }[];
};

function decodeSet(bytes: Uint8Array): FileObject[] {
  const json: unknown = createRequire(import.meta.url)('protobufjs/google/protobuf/descriptor.json');
  const set = protobuf.Root.fromJSON(json as protobuf.INamespace).lookupType('google.protobuf.FileDescriptorSet');
  const decoded = set.toObject(set.decode(bytes)) as { file: FileObject[] };
  // Source positions, comments and language options are not schema.
  return decoded.file.map(({ sourceCodeInfo: _source, options: _options, ...file }) => file as FileObject);
}

describe('the Web Terminal descriptors', () => {
  it('are, but for the scope option, the descriptors buf builds from the same files', () => {
    // Fails, never skips, when buf is missing: the interop tier must run in CI.
    if (!existsSync(BUF)) throw new Error(`buf is missing at ${BUF}: run pnpm install (devDependency @bufbuild/buf)`);
    const dir = mkdtempSync(join(tmpdir(), 'sipbreakout-buf-'));
    try {
      const out = join(dir, 'set.binpb');
      execFileSync(BUF, ['build', WEB_TERMINAL_PROTO_DIR, '-o', out], { timeout: 60_000 });
      const theirs = decodeSet(readFileSync(out));
      const ours = decodeSet(loadWebTerminalPackage().descriptors.encodedSet);
      expect(ours.map((file) => file.name)).toEqual([PHONE_NUMBER_V0_PROTO, WEB_TERMINAL_PROTO]);
      const byName = (files: FileObject[], name: string): FileObject => {
        const found = files.find((file) => file.name === name);
        if (found === undefined) throw new Error(`${name} missing`);
        return found;
      };
      expect(byName(ours, PHONE_NUMBER_V0_PROTO)).toEqual(byName(theirs, PHONE_NUMBER_V0_PROTO));
      const mine = byName(ours, WEB_TERMINAL_PROTO);
      const buf = byName(theirs, WEB_TERMINAL_PROTO);
      // buf keeps the option file as a dependency and the scope on each method; ours leave both out.
      expect(buf.dependency).toEqual([PHONE_NUMBER_V0_PROTO, 'wgtwo/options.proto']);
      expect(mine.dependency).toEqual([PHONE_NUMBER_V0_PROTO]);
      expect(buf.service?.[0]?.method.every((method) => method['options'] !== undefined)).toBe(true);
      expect(readFileSync(out).includes(CALL_CONTROL_ANSWER_AND_INITIATE)).toBe(true);
      const withoutOptions = (file: FileObject) => ({
        ...file,
        dependency: undefined,
        service: file.service?.map((service) => ({
          ...service,
          method: service.method.map(({ options: _options, ...method }) => method),
        })),
      });
      expect(withoutOptions(mine)).toEqual(withoutOptions(buf));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
