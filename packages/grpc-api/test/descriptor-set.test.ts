import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDescriptorSet, PROTO_DIR } from '../src/index.js';

describe('buildDescriptorSet', () => {
  it('names files as imported, lists their imports, and orders them imports first', () => {
    const { files } = buildDescriptorSet();
    expect(files.map((file) => file.name)).toEqual([
      'google/protobuf/duration.proto',
      'wgtwo/common/v1/phonenumber.proto',
      'wgtwo/sipbreakout/v1/sipbreakout.proto',
    ]);
    expect(files[2]?.dependency).toEqual(['google/protobuf/duration.proto', 'wgtwo/common/v1/phonenumber.proto']);
  });

  it('keeps the .proto free of custom options (the scope table lives in TypeScript)', () => {
    const source = readFileSync(join(PROTO_DIR, 'wgtwo/sipbreakout/v1/sipbreakout.proto'), 'utf8');
    expect(source).not.toMatch(/^\s*option\s/m);
    expect(source).not.toMatch(/\[\s*\(/);
  });
});
