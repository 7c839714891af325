import { parseMessage, type NameAddress, type SipMessage, type Uri } from '@sipbreakout/sip-core';
import { mixNumber, mixString, type MessageSummary, type ViaSummary } from '../checksum.js';
import { ParseRejectedError, type Contender, type LoadedContender } from '../contender.js';
import type { CorpusMessage } from '../corpus.js';

/** The host of a URI, for the schemes that have one. */
function uriHost(uri: Uri): string | undefined {
  return uri.kind === 'sip' ? uri.host : undefined;
}

function parse(bytes: Uint8Array): SipMessage | undefined {
  const result = parseMessage(bytes);
  return result.ok ? result.message : undefined;
}

function read(message: SipMessage): number {
  let h = 0;
  h = mixString(h, message.callId);
  const cseq = message.cseq;
  h = mixNumber(h, cseq.seq);
  h = mixString(h, cseq.method);
  const from = message.from;
  h = mixString(h, uriHost(from.uri));
  h = mixString(h, from.tag);
  const to = message.to;
  h = mixString(h, uriHost(to.uri));
  h = mixString(h, to.tag);
  for (const via of message.via) {
    h = mixString(h, via.transport);
    h = mixString(h, via.host);
    h = mixNumber(h, via.port);
    h = mixString(h, via.branch);
  }
  for (const contact of message.contact) h = mixString(h, contact.star ? '*' : uriHost(contact.uri));
  for (const route of message.route) h = mixString(h, uriHost(route.uri));
  for (const recordRoute of message.recordRoute) h = mixString(h, uriHost(recordRoute.uri));
  return h;
}

function summarize(message: SipMessage): MessageSummary {
  const via: ViaSummary[] = message.via.map((v) => ({
    transport: v.transport,
    host: v.host,
    port: v.port,
    branch: v.branch,
  }));
  const hosts = (values: readonly NameAddress[]): (string | undefined)[] => values.map((value) => uriHost(value.uri));
  return {
    callId: message.callId,
    cseqSeq: message.cseq.seq,
    cseqMethod: message.cseq.method,
    fromHost: uriHost(message.from.uri),
    fromTag: message.from.tag,
    toHost: uriHost(message.to.uri),
    toTag: message.to.tag,
    via,
    contactHosts: message.contact.map((contact) => (contact.star ? '*' : uriHost(contact.uri))),
    routeHosts: hosts(message.route),
    recordRouteHosts: hosts(message.recordRoute),
  };
}

/** Ours: `parseMessage(bytes)` from `@sipbreakout/sip-core`. */
export const ours: Contender = {
  id: 'ours',
  label: '@sipbreakout/sip-core',
  role: 'ours',
  input: 'bytes',
  note:
    'ours: parseMessage(bytes) from @sipbreakout/sip-core, given the Buffer as read from the file; reads ' +
    'message.via/from/to/callId/cseq/contact/route/recordRoute (typed getters, parsed on first read and cached)',
  load(messages: readonly CorpusMessage[]): LoadedContender {
    // A socket hands us bytes (a Buffer, which is a Uint8Array): no decoding before the parser.
    const inputs = messages.map((message) => message.bytes);
    const input = (index: number): Uint8Array => inputs[index] as Uint8Array;
    return {
      parseOnly: (index) => (parseMessage(input(index)).ok ? 1 : 0),
      parseAndRead: (index) => {
        const message = parse(input(index));
        return message === undefined ? 0 : read(message);
      },
      summarize: (index) => {
        const result = parseMessage(input(index));
        if (!result.ok) {
          const { code, message, offset } = result.error;
          throw new ParseRejectedError(`${code} at byte ${String(offset)}: ${message}`);
        }
        return summarize(result.message);
      },
    };
  },
};
