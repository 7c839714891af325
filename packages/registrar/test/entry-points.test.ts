import { existsSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { staticImportGraph } from '@sipbreakout/test-peers';
import { describe, expect, it } from 'vitest';

// The built entry points (`pnpm build` first): what a consumer of the package loads.
const dist = fileURLToPath(new URL('../dist/', import.meta.url));

// The lean subpath entries of sip-core a low package may use without loading the SIP stack.
const LEAN_SIP_CORE_ENTRIES = new Set(['@sipbreakout/sip-core/clock', '@sipbreakout/sip-core/error-kit']);

describe('the entry points of @sipbreakout/registrar', () => {
  it('are built', () => {
    expect(existsSync(`${dist}index.js`) && existsSync(`${dist}sip/index.js`)).toBe(true);
  });

  it('the main entry loads no SIP stack: of sip-core only its lean entries, and neither ws nor @peculiar/x509', () => {
    const graph = staticImportGraph(`${dist}index.js`);
    const sipCore = graph.specifiers.filter((s) => s.startsWith('@sipbreakout/sip-core'));
    expect(sipCore.length).toBeGreaterThan(0);
    expect(sipCore.filter((s) => !LEAN_SIP_CORE_ENTRIES.has(s))).toEqual([]);
    expect(graph.packages).not.toContain('ws');
    expect(graph.packages).not.toContain('@peculiar/x509');
    expect(graph.packages).not.toContain('reflect-metadata');
    expect(graph.files.filter((file) => file.startsWith(realpathSync(`${dist}sip`)))).toEqual([]);
  });

  it('the /sip entry is the one that loads the SIP stack', () => {
    const graph = staticImportGraph(`${dist}sip/index.js`);
    expect(graph.specifiers).toContain('@sipbreakout/sip-core');
    expect(graph.packages).toContain('ws');
  });
});
