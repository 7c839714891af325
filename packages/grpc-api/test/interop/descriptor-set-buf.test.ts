/**
 * The descriptor set the server builds for reflection, held to the one buf
 * (a second implementation, run as a process) builds from the same files.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDescriptorSet, PROTO_DIR } from '../../src/index.js';
import { descriptorProtoTypes } from '../../src/descriptor-set.js';
import { BUF, requireBuf } from '../support/buf.js';

type FileObject = Record<string, unknown> & { name: string };

function decodeSet(bytes: Uint8Array): FileObject[] {
  const { set } = descriptorProtoTypes();
  const decoded = set.toObject(set.decode(bytes)) as { file: FileObject[] };
  // Source positions, comments and the well-known types' language options are not schema.
  return decoded.file
    .map(({ sourceCodeInfo: _source, options: _options, ...file }) => file as FileObject)
    .sort((a, b) => a.name.localeCompare(b.name));
}

describe('buildDescriptorSet', () => {
  it('is the descriptor set buf builds from the same files', () => {
    requireBuf();
    const dir = mkdtempSync(join(tmpdir(), 'sipbreakout-buf-'));
    try {
      const out = join(dir, 'set.binpb');
      execFileSync(BUF, ['build', PROTO_DIR, '-o', out], { timeout: 60_000 });
      expect(decodeSet(buildDescriptorSet().encodedSet)).toEqual(decodeSet(readFileSync(out)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
