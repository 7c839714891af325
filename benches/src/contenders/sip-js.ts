import { Levels } from 'sip.js/lib/core/log/levels.js';
import { LoggerFactory } from 'sip.js/lib/core/log/logger-factory.js';
import type { IncomingRequestMessage } from 'sip.js/lib/core/messages/incoming-request-message.js';
import type { IncomingResponseMessage } from 'sip.js/lib/core/messages/incoming-response-message.js';
import { Parser } from 'sip.js/lib/core/messages/parser.js';
import { Grammar } from 'sip.js/lib/grammar/grammar.js';
import { mixNumber, mixString, type MessageSummary, type ViaSummary } from '../checksum.js';
import { ParseRejectedError, type Contender, type LoadedContender } from '../contender.js';
import type { CorpusMessage } from '../corpus.js';
import { installedVersion } from './versions.js';

type SipJsMessage = IncomingRequestMessage | IncomingResponseMessage;

/** What sip.js's grammar returns for a Via value (`parseHeader('via', i)`). */
interface SipJsVia {
  readonly transport?: string;
  readonly host?: string;
  readonly port?: number;
  readonly branch?: string;
}

/** What sip.js's grammar returns for a CSeq value (`parseHeader('cseq')`). */
interface SipJsCSeq {
  readonly value?: number;
  readonly method?: string;
}

/** A sip.js NameAddrHeader, as far as the bench reads it. */
interface SipJsNameAddr {
  readonly uri: { readonly host: string };
}

/** One entry of what sip.js's `Record_Route` rule returns. */
interface SipJsRouteEntry {
  readonly parsed: SipJsNameAddr;
}

// sip.js's parser logs why it rejected a message and returns undefined; the
// connector keeps the last line so the run can say why.
let lastLogLine = '';
const loggerFactory = new LoggerFactory();
loggerFactory.builtinEnabled = false;
loggerFactory.level = Levels.warn;
loggerFactory.connector = (level: string, _category: string, _label: string | undefined, content: unknown): void => {
  lastLogLine = `${level}: ${String(content)}`;
};
const logger = loggerFactory.getLogger('sip.parser');

function parse(text: string): SipJsMessage | undefined {
  return Parser.parseMessage(text, logger);
}

/**
 * sip.js parses no Route header (it has no grammar rule named Route); a user
 * agent that needs one parses it with the Record-Route rule, whose syntax is
 * the same (RFC 3261 §25.1: `rec-route` and `route-param` are both name-addr
 * with parameters).
 */
function parseRouteLine(raw: string): readonly SipJsRouteEntry[] | undefined {
  const parsed: unknown = Grammar.parse(raw, 'Record_Route');
  return Array.isArray(parsed) ? (parsed as SipJsRouteEntry[]) : undefined;
}

function read(message: SipJsMessage): number {
  let h = 0;
  h = mixString(h, message.callId);
  const cseq: SipJsCSeq | undefined = message.parseHeader('cseq');
  h = mixNumber(h, cseq?.value);
  h = mixString(h, cseq?.method);
  h = mixString(h, message.from.uri.host);
  h = mixString(h, message.fromTag);
  h = mixString(h, message.to.uri.host);
  h = mixString(h, message.toTag);
  const viaCount = message.headers['Via']?.length ?? 0;
  for (let i = 0; i < viaCount; i++) {
    const via: SipJsVia | undefined = message.parseHeader('via', i);
    h = mixString(h, via?.transport);
    h = mixString(h, via?.host);
    h = mixNumber(h, via?.port);
    h = mixString(h, via?.branch);
  }
  const contactCount = message.headers['Contact']?.length ?? 0;
  for (let i = 0; i < contactCount; i++) {
    const contact: SipJsNameAddr | undefined = message.parseHeader('contact', i);
    h = mixString(h, contact?.uri.host);
  }
  const routes = message.headers['Route'];
  if (routes !== undefined) {
    for (const line of routes) {
      const entries = parseRouteLine(line.raw);
      if (entries === undefined) continue;
      for (const entry of entries) h = mixString(h, entry.parsed.uri.host);
    }
  }
  const recordRouteCount = message.headers['Record-Route']?.length ?? 0;
  for (let i = 0; i < recordRouteCount; i++) {
    const recordRoute: SipJsNameAddr | undefined = message.parseHeader('record-route', i);
    h = mixString(h, recordRoute?.uri.host);
  }
  return h;
}

function summarize(message: SipJsMessage): MessageSummary {
  const cseq: SipJsCSeq | undefined = message.parseHeader('cseq');
  const via: ViaSummary[] = [];
  const viaCount = message.headers['Via']?.length ?? 0;
  for (let i = 0; i < viaCount; i++) {
    const parsed: SipJsVia | undefined = message.parseHeader('via', i);
    via.push({ transport: parsed?.transport, host: parsed?.host, port: parsed?.port, branch: parsed?.branch });
  }
  const contactHosts: (string | undefined)[] = [];
  const contactCount = message.headers['Contact']?.length ?? 0;
  for (let i = 0; i < contactCount; i++) {
    const contact: SipJsNameAddr | undefined = message.parseHeader('contact', i);
    contactHosts.push(contact?.uri.host);
  }
  const routeHosts: (string | undefined)[] = [];
  for (const line of message.headers['Route'] ?? []) {
    const entries = parseRouteLine(line.raw);
    if (entries === undefined) continue;
    for (const entry of entries) routeHosts.push(entry.parsed.uri.host);
  }
  const recordRouteHosts: (string | undefined)[] = [];
  const recordRouteCount = message.headers['Record-Route']?.length ?? 0;
  for (let i = 0; i < recordRouteCount; i++) {
    const recordRoute: SipJsNameAddr | undefined = message.parseHeader('record-route', i);
    recordRouteHosts.push(recordRoute?.uri.host);
  }
  return {
    callId: message.callId,
    cseqSeq: cseq?.value,
    cseqMethod: cseq?.method,
    fromHost: message.from.uri.host,
    fromTag: message.fromTag,
    toHost: message.to.uri.host,
    toTag: message.toTag,
    via,
    contactHosts,
    routeHosts,
    recordRouteHosts,
  };
}

/** sip.js: `Parser.parseMessage(text, logger)`, an internal entry point of its core. */
export const sipJs: Contender = {
  id: 'sip.js',
  label: `sip.js ${installedVersion('sip.js')}`,
  role: 'peer',
  input: 'utf8 string',
  note:
    'sip.js: Parser.parseMessage(text, logger) from sip.js/lib/core/messages/parser.js; reads via message.parseHeader(name, i), ' +
    'from/to/fromTag/toTag/callId fields; Route with Grammar.parse(raw, "Record_Route") (sip.js has no Route rule)',
  load(messages: readonly CorpusMessage[]): LoadedContender {
    // A WebSocket text frame reaches sip.js already decoded as UTF-8.
    const inputs = messages.map((message) => message.bytes.toString('utf8'));
    const input = (index: number): string => inputs[index] as string;
    return {
      parseOnly: (index) => (parse(input(index)) === undefined ? 0 : 1),
      parseAndRead: (index) => {
        const message = parse(input(index));
        return message === undefined ? 0 : read(message);
      },
      summarize: (index) => {
        lastLogLine = '';
        const message = parse(input(index));
        if (message === undefined) throw new ParseRejectedError(lastLogLine || 'returned undefined');
        return summarize(message);
      },
    };
  },
};
