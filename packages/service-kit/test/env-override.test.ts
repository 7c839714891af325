import { describe, expect, it } from 'vitest';
import { readEnvValue, type EnvValueKind } from '../src/env-override.js';

describe('readEnvValue', () => {
  it.each<[EnvValueKind, string, unknown]>([
    ['integer', '5060', 5060],
    ['integer', ' -1 ', -1],
    ['integer', '1.5', '1.5'],
    ['integer', 'abc', 'abc'],
    ['boolean', 'true', true],
    ['boolean', 'FALSE', false],
    ['boolean', 'yes', 'yes'],
    ['list', '127.0.0.1:5353, [::1]:53,,192.0.2.1', ['127.0.0.1:5353', '[::1]:53', '192.0.2.1']],
    ['list', ' , ', []],
    ['string', ' kept as is ', ' kept as is '],
  ])('reads a %s from %j as %j (what it cannot read stays text, for the error to quote)', (kind, text, expected) => {
    expect(readEnvValue(kind, text)).toEqual(expected);
  });
});
