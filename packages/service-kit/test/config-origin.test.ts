import { describe, expect, it } from 'vitest';
import { isConfigError } from '../src/config-error.js';
import { configKeyError, describeConfigSource, showConfigValue, type ConfigValueSource } from '../src/config-origin.js';

describe('describeConfigSource', () => {
  it.each<[ConfigValueSource, string]>([
    [{ kind: 'env', variable: 'SVC_PORT', text: 'x', overridesFile: undefined }, 'env SVC_PORT'],
    [
      { kind: 'env', variable: 'SVC_PORT', text: 'x', overridesFile: '/etc/svc.json' },
      'env SVC_PORT, over file /etc/svc.json',
    ],
    [{ kind: 'file', file: '/etc/svc.json' }, 'file /etc/svc.json'],
    [{ kind: 'default' }, 'default'],
    [{ kind: 'unset' }, 'not set'],
    [{ kind: 'unset', file: '/etc/svc.json', variable: 'SVC_KEY' }, 'not set in file /etc/svc.json nor env SVC_KEY'],
    [{ kind: 'unset', variable: 'SVC_KEY' }, 'not set in env SVC_KEY'],
  ])('tells %j as "%s"', (source, expected) => {
    expect(describeConfigSource(source)).toBe(expected);
  });
});

describe('configKeyError', () => {
  it('says key (source): value problem, and carries the key, the variable and the file', () => {
    const cause = Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' });
    const error = configKeyError({
      code: 'CONFIG_ERR_BAD_VALUE',
      key: 'http.port',
      source: { kind: 'env', variable: 'SVC_HTTP_PORT', text: '9090', overridesFile: '/etc/svc.json' },
      shown: '127.0.0.1:9090',
      problem: 'is already in use (EADDRINUSE)',
      cause,
    });
    expect(isConfigError(error, 'CONFIG_ERR_BAD_VALUE')).toBe(true);
    expect(error).toMatchObject({
      key: 'http.port',
      variable: 'SVC_HTTP_PORT',
      file: '/etc/svc.json',
      message: 'http.port (env SVC_HTTP_PORT, over file /etc/svc.json): 127.0.0.1:9090 is already in use (EADDRINUSE)',
    });
    expect(error.cause).toBe(cause);
  });

  it('leaves the value out when there is none, and the source when it is not known', () => {
    expect(
      configKeyError({
        code: 'CONFIG_ERR_BAD_VALUE',
        key: 'tls.keyFile',
        source: { kind: 'unset', variable: 'SVC_TLS_KEY_FILE' },
        shown: showConfigValue(undefined),
        problem: 'is required with tls.certFile',
      }).message,
    ).toBe('tls.keyFile (not set in env SVC_TLS_KEY_FILE): is required with tls.certFile');
    expect(
      configKeyError({
        code: 'CONFIG_ERR_BAD_FILE',
        key: 'tls.certFile',
        source: undefined,
        shown: showConfigValue('/x.pem'),
        problem: 'cannot be read (ENOENT)',
      }),
    ).toMatchObject({
      message: 'tls.certFile: "/x.pem" cannot be read (ENOENT)',
      variable: undefined,
      file: undefined,
    });
  });
});
