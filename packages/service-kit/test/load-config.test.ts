import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { loadConfig, type ConfigInput, type ConfigSource } from '../src/load-config.js';

/** A small program's configuration, shaped as the breakout core's is. */
const SCHEMA = z.strictObject({
  logLevel: z.enum(['info', 'debug'], { error: 'must be info or debug' }).default('info'),
  http: z
    .strictObject({
      host: z.string().min(1, 'must not be empty').default('127.0.0.1'),
      port: z
        .number({ error: 'must be a number' })
        .int('must be an integer')
        .min(0, 'must be 0-65535')
        .max(65535, 'must be 0-65535')
        .default(9090),
    })
    .prefault({}),
  dns: z
    .strictObject({
      servers: z
        .array(z.string().regex(/^\d+\.\d+\.\d+\.\d+$/, 'must be an IPv4 address'))
        .min(1, 'must name at least one server')
        .optional(),
    })
    .prefault({}),
  debug: z.boolean({ error: 'must be true or false' }).default(false),
});

const SOURCE: ConfigSource<typeof SCHEMA> = {
  schema: SCHEMA,
  envPrefix: 'SVC_',
  fileEnv: 'SVC_CONFIG',
  overrides: [
    { env: 'SVC_LOG_LEVEL', key: 'logLevel', kind: 'string' },
    { env: 'SVC_HTTP_HOST', key: 'http.host', kind: 'string' },
    { env: 'SVC_HTTP_PORT', key: 'http.port', kind: 'integer' },
    { env: 'SVC_DNS_SERVERS', key: 'dns.servers', kind: 'list' },
    { env: 'SVC_DEBUG', key: 'debug', kind: 'boolean' },
  ],
  variablesHelp: 'see the table in the README',
};

const dir = mkdtempSync(join(tmpdir(), 'service-kit-config-'));
const cwd = dir;

function withFile(content: unknown): string {
  const file = join(dir, `config-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

function load(input: ConfigInput) {
  return loadConfig(SOURCE, input);
}

function errorsOf(result: ReturnType<typeof load>): readonly string[] {
  return result.ok ? [] : result.errors.map((error) => error.message);
}

describe('loadConfig', () => {
  it('needs no file: the schema embeds the defaults', () => {
    expect(load({ env: {}, cwd })).toEqual({
      ok: true,
      file: undefined,
      config: { logLevel: 'info', http: { host: '127.0.0.1', port: 9090 }, dns: {}, debug: false },
      origins: expect.objectContaining({ sourceOf: expect.any(Function) }),
    });
  });

  it('takes the file from its variable when none is given', () => {
    const file = withFile({ logLevel: 'debug' });
    const result = load({ env: { SVC_CONFIG: file }, cwd });
    expect(result.ok && result.config.logLevel).toBe('debug');
  });

  it('prefers the file given (--config) to the variable, and resolves a relative name against cwd', () => {
    const given = withFile({ http: { port: 1 } });
    const named = withFile({ http: { port: 2 } });
    const result = load({ file: basename(given), env: { SVC_CONFIG: named }, cwd });
    expect(result.ok && result.config.http.port).toBe(1);
    expect(result.ok && result.file).toBe(given);
  });

  it('layers defaults, then the file, then the environment', () => {
    const file = withFile({ http: { host: '0.0.0.0', port: 6000 }, debug: true });
    const result = load({ file, env: { SVC_HTTP_PORT: '7000', SVC_DNS_SERVERS: '192.0.2.1, 192.0.2.2' }, cwd });
    expect(result).toEqual({
      ok: true,
      file,
      config: {
        logLevel: 'info',
        http: { host: '0.0.0.0', port: 7000 },
        dns: { servers: ['192.0.2.1', '192.0.2.2'] },
        debug: true,
      },
      origins: expect.objectContaining({ sourceOf: expect.any(Function) }),
    });
    if (!result.ok) return;
    // Where each value came from, for the problems a program finds after loading.
    expect(result.origins.sourceOf('http.port')).toEqual({
      kind: 'env',
      variable: 'SVC_HTTP_PORT',
      text: '7000',
      overridesFile: file,
    });
    expect(result.origins.sourceOf('dns.servers.1')).toMatchObject({ kind: 'env', variable: 'SVC_DNS_SERVERS' });
    expect(result.origins.sourceOf('http.host')).toEqual({ kind: 'file', file });
    expect(result.origins.sourceOf('logLevel')).toEqual({ kind: 'default' });
  });

  it('names the variable, the key and the value of a bad value from the environment', () => {
    const result = load({ env: { SVC_HTTP_PORT: '70000' }, cwd });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({
      code: 'CONFIG_ERR_BAD_VALUE',
      key: 'http.port',
      variable: 'SVC_HTTP_PORT',
      file: undefined,
      message: 'http.port (env SVC_HTTP_PORT): "70000" must be 0-65535',
    });
  });

  it('names the variable of a list for a bad item of it', () => {
    expect(errorsOf(load({ env: { SVC_DNS_SERVERS: '192.0.2.1,ns.example.com' }, cwd }))).toEqual([
      'dns.servers.1 (env SVC_DNS_SERVERS): "ns.example.com" must be an IPv4 address',
    ]);
    expect(errorsOf(load({ env: { SVC_DNS_SERVERS: ' , ' }, cwd }))).toEqual([
      'dns.servers (env SVC_DNS_SERVERS): " , " must name at least one server',
    ]);
  });

  it('names the key and the file of a bad value or an unknown key in the file', () => {
    const file = withFile({ http: { port: 'x', prot: 1 } });
    const result = load({ file, env: {}, cwd });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => [e.code, e.key, e.file, e.message])).toEqual(
      expect.arrayContaining([
        ['CONFIG_ERR_BAD_VALUE', 'http.port', file, `http.port (file ${file}): "x" must be a number`],
        [
          'CONFIG_ERR_UNKNOWN_KEY',
          'http.prot',
          file,
          `http.prot (file ${file}): 1 is not a key of http (known: host, port)`,
        ],
      ]),
    );
  });

  it('refuses a variable with the prefix that sets no key, saying where the variables are listed', () => {
    const result = load({ env: { SVC_HTTP_PROT: '1', OTHER_HTTP_PROT: '1' }, cwd });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({
      code: 'CONFIG_ERR_UNKNOWN_VARIABLE',
      variable: 'SVC_HTTP_PROT',
      key: undefined,
      message: 'SVC_HTTP_PROT: unknown variable (see the table in the README)',
    });
  });

  it('tells what zod would say in its own words in house words, after the value', () => {
    const schema = z.strictObject({
      name: z.string().min(1).default('x'),
      count: z.number().int().min(2).max(9).default(2),
      on: z.boolean().default(false),
      url: z.url().optional(),
      tags: z.array(z.string()).min(1).optional(),
    });
    const source: ConfigSource<typeof schema> = {
      schema,
      envPrefix: 'T_',
      fileEnv: 'T_CONFIG',
      overrides: [
        { env: 'T_COUNT', key: 'count', kind: 'integer' },
        { env: 'T_ON', key: 'on', kind: 'boolean' },
      ],
    };
    const file = withFile({ name: '', url: 'nope', tags: [], extra: 1 });
    const result = loadConfig(source, { file, env: { T_COUNT: '2.5', T_ON: 'yes' }, cwd });
    expect(result.ok ? [] : result.errors.map((e) => e.message).sort()).toEqual(
      [
        `count (env T_COUNT): "2.5" must be a number`,
        `extra (file ${file}): 1 is not a key of the configuration (known: name, count, on, url, tags)`,
        `name (file ${file}): "" must not be empty`,
        `on (env T_ON): "yes" must be true or false`,
        `tags (file ${file}): [] must hold at least 1 item(s)`,
        `url (file ${file}): "nope" must be a URL`,
      ].sort(),
    );
    const big = loadConfig(source, { env: { T_COUNT: '10' }, cwd });
    expect(big.ok ? [] : big.errors.map((e) => e.message)).toEqual(['count (env T_COUNT): "10" must be at most 9']);
  });

  it('says where a required key that is not set could be set', () => {
    const schema = z
      .strictObject({ mode: z.enum(['a', 'b']).default('a'), path: z.string().optional() })
      .refine((c) => c.mode === 'a' || c.path !== undefined, { path: ['path'], message: 'is required with mode b' });
    const source: ConfigSource<typeof schema> = {
      schema,
      envPrefix: 'T_',
      fileEnv: 'T_CONFIG',
      overrides: [{ env: 'T_PATH', key: 'path', kind: 'string' }],
    };
    const file = withFile({ mode: 'b' });
    const result = loadConfig(source, { file, env: {}, cwd });
    expect(result.ok ? [] : result.errors.map((e) => e.message)).toEqual([
      `path (not set in file ${file} nor env T_PATH): is required with mode b`,
    ]);
  });

  it('reports every bad value at once', () => {
    const errors = errorsOf(load({ env: { SVC_HTTP_PORT: 'x', SVC_DEBUG: 'y' }, cwd }));
    expect(errors).toHaveLength(2);
  });

  it.each([
    ['a file that does not exist', join(dir, 'missing.json'), 'cannot be read (ENOENT)', 'CONFIG_ERR_FILE_UNREADABLE'],
    ['a file that is not JSON', withFile('{ grpc: '), 'is not valid JSON', 'CONFIG_ERR_FILE_NOT_JSON'],
    ['a file holding an array', withFile([1, 2]), 'must hold a JSON object', 'CONFIG_ERR_FILE_NOT_OBJECT'],
  ])('refuses %s', (_what, file, expected, code) => {
    const result = load({ file, env: {}, cwd });
    expect(errorsOf(result).join('\n')).toContain(`config file ${file} (--config): ${expected}`);
    expect(errorsOf(load({ env: { SVC_CONFIG: file }, cwd })).join('\n')).toContain(
      `config file ${file} (env SVC_CONFIG): ${expected}`,
    );
    expect(result.ok ? [] : result.errors.map((e) => [e.code, e.file])).toEqual([[code, file]]);
  });
});
