import { describe, expect, it } from 'vitest';
import { StreamFramer, parseMessage, type FramerEvent } from '../src/index.js';

function request(body = '', extra = 'Content-Length: ' + Buffer.byteLength(body) + '\r\n', method = 'OPTIONS'): string {
  return (
    `${method} sip:bob@example.com SIP/2.0\r\n` +
    'Via: SIP/2.0/TCP client.example.com:5060;branch=z9hG4bK776asdhds\r\n' +
    'From: <sip:alice@example.com>;tag=1928301774\r\n' +
    'To: <sip:bob@example.com>\r\n' +
    'Call-ID: a84b4c76e66710\r\n' +
    `CSeq: 1 ${method}\r\n` +
    extra +
    '\r\n' +
    body
  );
}

const bytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'utf8'));

function pushAll(framer: StreamFramer, chunks: readonly (string | Uint8Array)[]): FramerEvent[] {
  return chunks.flatMap((chunk) => framer.push(typeof chunk === 'string' ? bytes(chunk) : chunk));
}

/** Events reduced to what a test compares: kind, and the message text or the error code. */
function summary(events: readonly FramerEvent[]): string[] {
  return events.map((e) => {
    switch (e.kind) {
      case 'message':
        return 'message ' + Buffer.from(e.bytes).toString('utf8');
      case 'error':
        return `error ${e.error.code}${e.fatal ? ' fatal' : ''}`;
      default:
        return e.kind;
    }
  });
}

describe('StreamFramer', () => {
  describe('Content-Length framing (RFC 3261 §18.3)', () => {
    it('gives a message whole when it arrives in one chunk', () => {
      const text = request('hello');
      const events = new StreamFramer().push(bytes(text));
      expect(summary(events)).toEqual(['message ' + text]);
      const [event] = events;
      if (event?.kind !== 'message') throw new Error('expected a message');
      expect(event.message.kind).toBe('request');
      expect(Buffer.from(event.message.body).toString()).toBe('hello');
    });

    it('waits for the rest of a message split across chunks, however small', () => {
      const text = request('v=0\r\n\r\ns=-\r\n');
      const framer = new StreamFramer();
      const events = pushAll(framer, text.split(''));
      expect(summary(events)).toEqual(['message ' + text]);
      expect(framer.buffered).toBe(0);
    });

    it('splits pipelined messages found in one chunk, in order', () => {
      const first = request('one');
      const second = request('', undefined, 'INFO');
      const third = request('three!');
      expect(summary(new StreamFramer().push(bytes(first + second + third)))).toEqual([
        'message ' + first,
        'message ' + second,
        'message ' + third,
      ]);
    });

    it('does not take an empty line inside the body for the end of the message', () => {
      const text = request('\r\n\r\n\r\n\r\n');
      expect(summary(pushAll(new StreamFramer(), [text.slice(0, 200), text.slice(200)]))).toEqual(['message ' + text]);
    });

    it('reads Content-Length in any case, in its compact form `l`, with leading zeros and folded', () => {
      for (const header of [
        'content-length: 4\r\n',
        'CONTENT-LENGTH : 4\r\n',
        'l: 4\r\n',
        'L:0004\r\n',
        'Content-Length:\r\n  4\r\n',
      ]) {
        const text = request('body', header);
        const events = new StreamFramer().push(bytes(text + request()));
        expect(summary(events), header).toEqual(['message ' + text, 'message ' + request()]);
      }
    });

    it('copies what it keeps: a caller that reuses its read buffer does not change a message', () => {
      const text = request('payload');
      const buffer = bytes(text);
      const framer = new StreamFramer();
      const events = [...framer.push(buffer.subarray(0, 100)), ...framer.push(buffer.subarray(100))];
      buffer.fill(0);
      const [event] = events;
      if (event?.kind !== 'message') throw new Error('expected a message');
      expect(Buffer.from(event.message.body).toString()).toBe('payload');
      expect(Buffer.from(event.bytes).toString()).toBe(text);
    });

    it('copies a message found whole in one chunk too', () => {
      const buffer = bytes(request('payload'));
      const [event] = new StreamFramer().push(buffer);
      buffer.fill(0);
      if (event?.kind !== 'message') throw new Error('expected a message');
      expect(Buffer.from(event.message.body).toString()).toBe('payload');
    });
  });

  describe('malformed messages whose end is known', () => {
    it('reports a message that fails to parse as a non-fatal error and goes on with the next', () => {
      const broken = request('').replace('Call-ID: a84b4c76e66710\r\n', '');
      const events = new StreamFramer().push(bytes(broken + request('ok')));
      expect(summary(events)).toEqual(['error SIP_ERR_MISSING_HEADER', 'message ' + request('ok')]);
      const [error] = events;
      if (error?.kind !== 'error') throw new Error('expected an error');
      expect(error.fatal).toBe(false);
      expect(error.error.status).toBe(400);
    });

    it('frames by two Content-Length fields that agree, then lets the parser refuse the message alone', () => {
      const twice = request('abc', 'Content-Length: 3\r\nl: 3\r\n');
      expect(summary(new StreamFramer().push(bytes(twice + request())))).toEqual([
        'error SIP_ERR_DUPLICATE_HEADER',
        'message ' + request(),
      ]);
    });

    it('frames a message with a start line it cannot parse', () => {
      const garbage = 'NOT A START LINE\r\nContent-Length: 2\r\n\r\nxx';
      expect(summary(new StreamFramer().push(bytes(garbage + request())))).toEqual([
        'error SIP_ERR_BAD_START_LINE',
        'message ' + request(),
      ]);
    });
  });

  describe('errors that lose the framing', () => {
    it('fails for good on a message without Content-Length, and answers the request with 400', () => {
      const framer = new StreamFramer();
      const events = framer.push(bytes(request('', '')));
      expect(summary(events)).toEqual(['error SIP_ERR_MISSING_CONTENT_LENGTH fatal']);
      const [error] = events;
      if (error?.kind !== 'error') throw new Error('expected an error');
      expect(error.error.status).toBe(400);
      expect(error.error.request?.method).toBe('OPTIONS');
      expect(error.error.request?.headers.map(([name]) => name)).toEqual(['Via', 'From', 'To', 'Call-ID', 'CSeq']);
      expect(framer.failed).toBe(true);
      expect(framer.push(bytes(request()))).toEqual([]);
      expect(framer.end()).toEqual([]);
      expect(framer.buffered).toBe(0);
    });

    it('fails on a Content-Length that is not a length', () => {
      for (const value of ['abc', '-1', '1 2', '99999999999', '']) {
        const events = new StreamFramer().push(bytes(request('', `Content-Length: ${value}\r\n`)));
        expect(summary(events), value).toEqual(['error SIP_ERR_BAD_CONTENT_LENGTH fatal']);
      }
    });

    it('fails on two Content-Length fields that disagree', () => {
      expect(summary(new StreamFramer().push(bytes(request('abc', 'Content-Length: 3\r\nl: 4\r\n'))))).toEqual([
        'error SIP_ERR_DUPLICATE_HEADER fatal',
      ]);
    });

    it('fails as soon as a head grows past maxMessageSize without its empty line, holding no more than that', () => {
      const framer = new StreamFramer({ limits: { maxMessageSize: 1000 } });
      const events: FramerEvent[] = [];
      events.push(...framer.push(bytes('INVITE sip:bob@example.com SIP/2.0\r\n')));
      for (let i = 0; i < 100 && !framer.failed; i++) {
        events.push(...framer.push(bytes('X-Padding: ' + 'a'.repeat(40) + '\r\n')));
        expect(framer.buffered).toBeLessThanOrEqual(1000);
      }
      expect(summary(events)).toEqual(['error SIP_ERR_MESSAGE_TOO_LARGE fatal']);
      const [error] = events;
      if (error?.kind !== 'error') throw new Error('expected an error');
      expect(error.error.status).toBe(513);
    });

    it('fails on a Content-Length that makes the message too large without waiting for the body', () => {
      const framer = new StreamFramer({ limits: { maxMessageSize: 2000 } });
      const events = framer.push(bytes(request('', 'Content-Length: 5000\r\n')));
      expect(summary(events)).toEqual(['error SIP_ERR_MESSAGE_TOO_LARGE fatal']);
      const [error] = events;
      if (error?.kind !== 'error') throw new Error('expected an error');
      expect(error.error.status).toBe(513);
      expect(error.error.request?.method).toBe('OPTIONS');
    });

    it('accepts a message of exactly maxMessageSize bytes', () => {
      const text = request('x'.repeat(100));
      const framer = new StreamFramer({ limits: { maxMessageSize: Buffer.byteLength(text) } });
      expect(summary(pushAll(framer, [text.slice(0, 50), text.slice(50)]))).toEqual(['message ' + text]);
    });

    it('refuses a response without Content-Length with no status to answer', () => {
      const response =
        'SIP/2.0 200 OK\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\nFrom: <sip:a@h>;tag=1\r\nTo: <sip:b@h>\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\n\r\n';
      const [error] = new StreamFramer().push(bytes(response));
      if (error?.kind !== 'error') throw new Error('expected an error');
      expect(error.error.code).toBe('SIP_ERR_MISSING_CONTENT_LENGTH');
      expect(error.error.status).toBeUndefined();
    });
  });

  describe('keep-alives (RFC 5626 §4.4.1)', () => {
    it('reports a double CRLF between messages as a ping', () => {
      expect(summary(new StreamFramer().push(bytes(request() + '\r\n\r\n' + request())))).toEqual([
        'message ' + request(),
        'ping',
        'message ' + request(),
      ]);
    });

    it('reports a single CRLF between messages as a pong (RFC 3261 §7.5 lets a server ignore it)', () => {
      expect(summary(new StreamFramer().push(bytes('\r\n' + request() + '\r\n' + request())))).toEqual([
        'pong',
        'message ' + request(),
        'pong',
        'message ' + request(),
      ]);
    });

    it('reads runs of CRLFs as pings first, then a pong for an odd one out', () => {
      expect(summary(new StreamFramer().push(bytes('\r\n\r\n\r\n\r\n\r\n' + request())))).toEqual([
        'ping',
        'ping',
        'pong',
        'message ' + request(),
      ]);
    });

    it('holds a lone CRLF on a server until the next bytes tell a ping from a pong', () => {
      const framer = new StreamFramer();
      expect(framer.push(bytes('\r\n'))).toEqual([]);
      expect(summary(framer.push(bytes('\r\n')))).toEqual(['ping']);
      expect(framer.push(bytes('\r\n'))).toEqual([]);
      expect(summary(framer.push(bytes(request())))).toEqual(['pong', 'message ' + request()]);
      expect(framer.push(bytes('\r'))).toEqual([]);
      expect(framer.push(bytes('\n\r'))).toEqual([]);
      expect(summary(framer.push(bytes('\n')))).toEqual(['ping']);
    });

    it('reports a lone CRLF as a pong at once on a client, which waits for its pong', () => {
      const framer = new StreamFramer({ keepAliveRole: 'client' });
      expect(summary(framer.push(bytes('\r\n')))).toEqual(['pong']);
      expect(summary(framer.push(bytes('\r\n\r\n')))).toEqual(['ping']);
      // A ping split between its CRLFs reads as two pongs on a client.
      expect(summary(pushAll(framer, ['\r\n', '\r\n']))).toEqual(['pong', 'pong']);
    });

    it('reports a pong left at the end of the stream', () => {
      const framer = new StreamFramer();
      framer.push(bytes('\r\n'));
      expect(summary(framer.end())).toEqual(['pong']);
    });
  });

  describe('end of stream', () => {
    it('reports a head cut short', () => {
      const framer = new StreamFramer();
      framer.push(bytes(request().slice(0, 40)));
      expect(summary(framer.end())).toEqual(['error SIP_ERR_NO_HEADER_END fatal']);
      expect(framer.push(bytes(request()))).toEqual([]);
    });

    it('reports a body cut short', () => {
      const framer = new StreamFramer();
      framer.push(bytes(request('0123456789').slice(0, -3)));
      expect(summary(framer.end())).toEqual(['error SIP_ERR_BODY_TRUNCATED fatal']);
    });

    it('reports nothing when the stream ends between messages', () => {
      const framer = new StreamFramer();
      framer.push(bytes(request()));
      expect(framer.end()).toEqual([]);
    });
  });

  describe('datagrams', () => {
    it('need no framer: parseMessage keeps the Content-Length bytes of a datagram and drops the rest (RFC 4475 dblreq)', () => {
      const result = parseMessage(bytes(request('abc') + request('def')));
      if (!result.ok) throw new Error(result.error.message);
      expect(Buffer.from(result.message.body).toString()).toBe('abc');
    });
  });
});
