import { describe, expect, it } from 'vitest';
import { ERROR_BRAND } from '@sipbreakout/sip-core/error-kit';
import { CONFIG_ERROR_CODES, ConfigError, isConfigError, type ConfigErrorCode } from '../src/config-error.js';

const CODES = Object.keys(CONFIG_ERROR_CODES) as ConfigErrorCode[];

describe('ConfigError', () => {
  it.each(CODES)('%s has a stable code, a default message, and is recognized by code', (code) => {
    const error = new ConfigError(code);
    expect(code).toMatch(/^CONFIG_ERR_[A-Z_]+$/);
    expect(error.code).toBe(code);
    expect(error.message).toBe(CONFIG_ERROR_CODES[code].message);
    expect(error.status).toBeUndefined();
    expect(error.name).toBe('ConfigError');
    expect(isConfigError(error)).toBe(true);
    expect(isConfigError(error, code)).toBe(true);
    expect(
      isConfigError(
        error,
        CODES.find((other) => other !== code),
      ),
    ).toBe(false);
  });

  it('carries the key, the variable and the file it names', () => {
    const error = new ConfigError('CONFIG_ERR_BAD_VALUE', 'SVC_HTTP_PORT (http.port) = 70000: must be 0-65535', {
      key: 'http.port',
      variable: 'SVC_HTTP_PORT',
    });
    expect(error).toMatchObject({ key: 'http.port', variable: 'SVC_HTTP_PORT', file: undefined });
  });

  it('is recognized by its brand and code, not by class (a workspace may load two copies)', () => {
    expect(isConfigError({ [ERROR_BRAND]: 'ConfigError', code: 'CONFIG_ERR_UNKNOWN_KEY', message: 'x' })).toBe(true);
    expect(isConfigError({ name: 'ConfigError', code: 'CONFIG_ERR_UNKNOWN_KEY' })).toBe(false);
    expect(isConfigError({ [ERROR_BRAND]: 'ConfigError', code: 'CONFIG_ERR_NOT_A_CODE' })).toBe(false);
    expect(isConfigError(new Error('CONFIG_ERR_BAD_VALUE'))).toBe(false);
    expect(isConfigError(undefined)).toBe(false);
  });
});
