import { describe, expect, it } from 'vitest';
import { apiStatusName, grpcStatusName } from '../src/grpc-metrics-interceptor.js';

describe('the gRPC metric labels', () => {
  it('name the API status of a response, as the enum name or its number', () => {
    expect(apiStatusName({ statusCode: 'STATUS_CODE_OK', errorMessage: '' })).toBe('STATUS_CODE_OK');
    expect(apiStatusName({ statusCode: 'STATUS_CODE_NOT_ACCEPTABLE' })).toBe('STATUS_CODE_NOT_ACCEPTABLE');
    expect(apiStatusName({ statusCode: 2 })).toBe('STATUS_CODE_NOT_ACCEPTABLE');
    expect(apiStatusName({ statusCode: 1 })).toBe('STATUS_CODE_OK');
  });

  it('leave it empty for messages that have none, or an unknown value', () => {
    expect(apiStatusName({ status: 'SERVING' })).toBe('');
    expect(apiStatusName({ statusCode: 'SOMETHING_ELSE' })).toBe('');
    expect(apiStatusName(undefined)).toBe('');
    expect(apiStatusName(Buffer.from('raw'))).toBe('');
  });

  it('name gRPC statuses', () => {
    expect(grpcStatusName(0)).toBe('OK');
    expect(grpcStatusName(16)).toBe('UNAUTHENTICATED');
    expect(grpcStatusName(99)).toBe('99');
  });
});
