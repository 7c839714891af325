import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { staticImportGraph } from '@sipbreakout/test-peers';
import { describe, expect, it } from 'vitest';

// The built entry points (`pnpm build` first): what a consumer of the package loads.
const dist = fileURLToPath(new URL('../dist/', import.meta.url));

describe('the entry points of @sipbreakout/sip-core', () => {
  it('are built', () => {
    for (const entry of ['index.js', 'clock.js', 'pki/index.js', 'testing/index.js'])
      expect(existsSync(`${dist}${entry}`), entry).toBe(true);
  });

  it('the main entry loads neither @peculiar/x509 nor reflect-metadata', () => {
    const graph = staticImportGraph(`${dist}index.js`);
    expect(graph.files.length).toBeGreaterThan(10);
    expect(graph.packages).not.toContain('@peculiar/x509');
    expect(graph.packages).not.toContain('reflect-metadata');
  });

  it('/clock imports nothing at all', () => {
    const graph = staticImportGraph(`${dist}clock.js`);
    expect(graph.files).toHaveLength(1);
    expect(graph.specifiers).toEqual([]);
  });

  it('/pki is where @peculiar/x509 and reflect-metadata are loaded, and /testing re-exports it', () => {
    expect(staticImportGraph(`${dist}pki/index.js`).packages).toEqual(['@peculiar/x509', 'reflect-metadata']);
    expect(staticImportGraph(`${dist}testing/index.js`).packages).toEqual([
      '@peculiar/x509',
      'fast-check',
      'reflect-metadata',
    ]);
  });
});
