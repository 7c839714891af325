import { describe, expect, it } from 'vitest';
import { formatBanner, STOP_LINE } from '../src/startup-banner.js';

describe('formatBanner', () => {
  it('aligns the values after the longest label, puts notes under the values, and ends with how to stop', () => {
    const text = formatBanner({
      headline: 'test service ready: up.',
      about: ['One line about it.'],
      rows: [
        { label: 'SIP', value: 'udp 127.0.0.1:5060' },
        { label: 'operations', value: 'http://127.0.0.1:9090/metrics', notes: ['a note'] },
      ],
      paragraphs: [
        ['First:', '  a command'],
        ['Then:', '  another'],
      ],
    });
    expect(text).toBe(
      [
        'test service ready: up.',
        'One line about it.',
        '',
        '  SIP          udp 127.0.0.1:5060',
        '  operations   http://127.0.0.1:9090/metrics',
        '               a note',
        '',
        'First:',
        '  a command',
        '',
        'Then:',
        '  another',
        '',
        STOP_LINE,
        '',
      ].join('\n'),
    );
  });

  it('needs only a headline and rows', () => {
    expect(formatBanner({ headline: 'ready', rows: [] })).toBe(`ready\n\n\n${STOP_LINE}\n`);
  });
});
