/**
 * The words a configuration problem is told in when the program's schema
 * gave none: zod's own messages ("Invalid input: expected number, received
 * string") become predicates that follow the value (`must be a number`),
 * and an unknown key lists the keys its section knows. A message the
 * schema gives wins over these (zod ranks a schema's messages above a
 * parse's).
 */
import type { z } from 'zod';

const EXPECTED: Readonly<Record<string, string>> = {
  number: 'must be a number',
  int: 'must be an integer',
  string: 'must be text (a JSON string)',
  boolean: 'must be true or false',
  object: 'must be an object of keys',
  array: 'must be a list',
  record: 'must be an object of keys',
};

/** The keys an object schema declares (empty for any other schema). */
function shapeKeys(schema: unknown): readonly string[] {
  const def = (schema as { _zod?: { def?: { type?: string; shape?: Record<string, unknown> } } } | undefined)?._zod
    ?.def;
  return def?.type === 'object' && def.shape !== undefined ? Object.keys(def.shape) : [];
}

/** One issue's message in house words, or undefined to keep zod's. */
export function configHouseWords(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return EXPECTED[issue.expected] ?? `must be ${issue.expected}`;
    case 'unrecognized_keys': {
      const section = issue.path?.map(String).join('.') ?? '';
      const known = shapeKeys(issue.inst ?? issue.schema);
      const where = section === '' ? 'a key of the configuration' : `a key of ${section}`;
      return known.length === 0 ? `is not ${where}` : `is not ${where} (known: ${known.join(', ')})`;
    }
    case 'too_small':
      if (issue.origin === 'string') return Number(issue.minimum) <= 1 ? 'must not be empty' : undefined;
      if (issue.origin === 'array') return `must hold at least ${issue.minimum} item(s)`;
      return `must be at least ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'string') return `must be at most ${issue.maximum} characters`;
      if (issue.origin === 'array') return `must hold at most ${issue.maximum} item(s)`;
      return `must be at most ${issue.maximum}`;
    case 'invalid_format':
      return issue.format === 'url' ? 'must be a URL' : `must be ${issue.format}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return undefined;
  }
}
