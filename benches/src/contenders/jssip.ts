import { createRequire } from 'node:module';
import { mixNumber, mixString, type MessageSummary, type ViaSummary } from '../checksum.js';
import { ParseRejectedError, type Contender, type LoadedContender } from '../contender.js';
import type { CorpusMessage } from '../corpus.js';
import { installedVersion } from './versions.js';

/** A JsSIP URI, as far as the bench reads it. */
interface JssipUri {
  readonly host: string;
}

/** A JsSIP NameAddrHeader (or the Route rule's result), as far as the bench reads it. */
interface JssipNameAddr {
  readonly uri: JssipUri;
}

/** What JsSIP's grammar returns for a Via value. */
interface JssipVia {
  readonly transport?: string;
  readonly host?: string;
  readonly port?: number;
  readonly branch?: string;
}

/** What JsSIP's grammar returns for a CSeq value. */
interface JssipCSeq {
  readonly value?: number;
  readonly method?: string;
}

/** JsSIP's IncomingRequest / IncomingResponse, as far as the bench reads it. */
interface JssipMessage {
  readonly headers: Readonly<Record<string, readonly { readonly raw: string }[] | undefined>>;
  readonly call_id: string;
  readonly from: JssipNameAddr;
  readonly from_tag: string | undefined;
  readonly to: JssipNameAddr;
  readonly to_tag: string | undefined;
  /** Parses (once, then cached) the `index`-th header of that name; undefined when absent or invalid. */
  parseHeader(name: string, index?: number): unknown;
}

/** `jssip/lib/Parser`: `parseMessage(data, ua)`, where `ua` may be null for a parse alone. */
interface JssipParserModule {
  parseMessage(data: string, ua: null): JssipMessage | undefined;
}

const require = createRequire(import.meta.url);
const jssipParser = require('jssip/lib/Parser') as JssipParserModule;

function parse(text: string): JssipMessage | undefined {
  return jssipParser.parseMessage(text, null);
}

function read(message: JssipMessage): number {
  let h = 0;
  h = mixString(h, message.call_id);
  const cseq = message.parseHeader('cseq') as JssipCSeq | undefined;
  h = mixNumber(h, cseq?.value);
  h = mixString(h, cseq?.method);
  h = mixString(h, message.from.uri.host);
  h = mixString(h, message.from_tag);
  h = mixString(h, message.to.uri.host);
  h = mixString(h, message.to_tag);
  const viaCount = message.headers['Via']?.length ?? 0;
  for (let i = 0; i < viaCount; i++) {
    const via = message.parseHeader('via', i) as JssipVia | undefined;
    h = mixString(h, via?.transport);
    h = mixString(h, via?.host);
    h = mixNumber(h, via?.port);
    h = mixString(h, via?.branch);
  }
  const contactCount = message.headers['Contact']?.length ?? 0;
  for (let i = 0; i < contactCount; i++) {
    const contact = message.parseHeader('contact', i) as JssipNameAddr | undefined;
    h = mixString(h, contact?.uri.host);
  }
  const routeCount = message.headers['Route']?.length ?? 0;
  for (let i = 0; i < routeCount; i++) {
    const route = message.parseHeader('route', i) as JssipNameAddr | undefined;
    h = mixString(h, route?.uri.host);
  }
  const recordRouteCount = message.headers['Record-Route']?.length ?? 0;
  for (let i = 0; i < recordRouteCount; i++) {
    const recordRoute = message.parseHeader('record-route', i) as JssipNameAddr | undefined;
    h = mixString(h, recordRoute?.uri.host);
  }
  return h;
}

function summarize(message: JssipMessage): MessageSummary {
  const cseq = message.parseHeader('cseq') as JssipCSeq | undefined;
  const via: ViaSummary[] = [];
  const viaCount = message.headers['Via']?.length ?? 0;
  for (let i = 0; i < viaCount; i++) {
    const parsed = message.parseHeader('via', i) as JssipVia | undefined;
    via.push({ transport: parsed?.transport, host: parsed?.host, port: parsed?.port, branch: parsed?.branch });
  }
  const hosts = (name: string): (string | undefined)[] => {
    const result: (string | undefined)[] = [];
    const count = message.headers[name]?.length ?? 0;
    for (let i = 0; i < count; i++) {
      const parsed = message.parseHeader(name, i) as JssipNameAddr | undefined;
      result.push(parsed?.uri.host);
    }
    return result;
  };
  return {
    callId: message.call_id,
    cseqSeq: cseq?.value,
    cseqMethod: cseq?.method,
    fromHost: message.from.uri.host,
    fromTag: message.from_tag,
    toHost: message.to.uri.host,
    toTag: message.to_tag,
    via,
    contactHosts: hosts('Contact'),
    routeHosts: hosts('Route'),
    recordRouteHosts: hosts('Record-Route'),
  };
}

/** JsSIP: `parseMessage(text, null)` from `jssip/lib/Parser`. */
export const jssip: Contender = {
  id: 'jssip',
  label: `jssip ${installedVersion('jssip')}`,
  role: 'peer',
  input: 'utf8 string',
  note:
    'jssip: parseMessage(text, null) from jssip/lib/Parser; reads via message.parseHeader(name, i) ' +
    '(Via, CSeq, Contact, Route, Record-Route) and its call_id/from/from_tag/to/to_tag fields',
  load(messages: readonly CorpusMessage[]): LoadedContender {
    // A WebSocket text frame reaches JsSIP already decoded as UTF-8.
    const inputs = messages.map((message) => message.bytes.toString('utf8'));
    const input = (index: number): string => inputs[index] as string;
    return {
      parseOnly: (index) => (parse(input(index)) === undefined ? 0 : 1),
      parseAndRead: (index) => {
        const message = parse(input(index));
        return message === undefined ? 0 : read(message);
      },
      summarize: (index) => {
        const message = parse(input(index));
        // JsSIP logs the reason through the `debug` package (DEBUG=JsSIP:*) and returns undefined.
        if (message === undefined)
          throw new ParseRejectedError('returned undefined (run with DEBUG=JsSIP:* for the reason)');
        return summarize(message);
      },
    };
  },
};
