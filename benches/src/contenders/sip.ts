import { createRequire } from 'node:module';
import { mixNumber, mixString, type MessageSummary, type ViaSummary } from '../checksum.js';
import { ParseRejectedError, type Contender, type LoadedContender } from '../contender.js';
import type { CorpusMessage } from '../corpus.js';
import { installedVersion } from './versions.js';

/** `parseUri` result of the `sip` package; undefined when its regex does not match. */
interface SipUri {
  readonly host?: string;
}

/** An address header of the `sip` package: its URI stays a string. */
interface SipAddress {
  readonly uri: string;
  readonly params: Readonly<Record<string, string | undefined>>;
}

/** A Route or Record-Route entry of the `sip` package: its URI is parsed. */
interface SipRouteEntry {
  readonly uri: SipUri | undefined;
}

interface SipVia {
  readonly protocol?: string;
  readonly host?: string;
  readonly port?: number;
  readonly params: Readonly<Record<string, string | undefined>>;
}

/** A message parsed by the `sip` package; headers are keyed by lower-case full name. */
interface SipMessage {
  readonly headers: {
    readonly via?: readonly SipVia[];
    readonly from?: SipAddress;
    readonly to?: SipAddress;
    readonly 'call-id'?: string;
    readonly cseq?: { readonly seq: number; readonly method: string };
    readonly contact?: readonly SipAddress[] | '*';
    readonly route?: readonly SipRouteEntry[];
    readonly 'record-route'?: readonly SipRouteEntry[];
  };
}

interface SipModule {
  parse(text: string): SipMessage | undefined;
  parseUri(uri: string): SipUri | undefined;
}

const require = createRequire(import.meta.url);
const sip = require('sip') as SipModule;

function uriHost(uri: string | undefined): string | undefined {
  return uri === undefined ? undefined : sip.parseUri(uri)?.host;
}

function read(message: SipMessage): number {
  const headers = message.headers;
  let h = 0;
  h = mixString(h, headers['call-id']);
  h = mixNumber(h, headers.cseq?.seq);
  h = mixString(h, headers.cseq?.method);
  h = mixString(h, uriHost(headers.from?.uri));
  h = mixString(h, headers.from?.params['tag']);
  h = mixString(h, uriHost(headers.to?.uri));
  h = mixString(h, headers.to?.params['tag']);
  const vias = headers.via;
  if (vias !== undefined) {
    for (const via of vias) {
      h = mixString(h, via.protocol);
      h = mixString(h, via.host);
      h = mixNumber(h, via.port);
      h = mixString(h, via.params['branch']);
    }
  }
  const contacts = headers.contact;
  if (contacts === '*') h = mixString(h, '*');
  else if (contacts !== undefined) for (const contact of contacts) h = mixString(h, uriHost(contact.uri));
  const routes = headers.route;
  if (routes !== undefined) for (const route of routes) h = mixString(h, route.uri?.host);
  const recordRoutes = headers['record-route'];
  if (recordRoutes !== undefined) for (const recordRoute of recordRoutes) h = mixString(h, recordRoute.uri?.host);
  return h;
}

function summarize(message: SipMessage): MessageSummary {
  const headers = message.headers;
  const via: ViaSummary[] = (headers.via ?? []).map((parsed) => ({
    transport: parsed.protocol,
    host: parsed.host,
    port: parsed.port,
    branch: parsed.params['branch'],
  }));
  const contacts = headers.contact;
  return {
    callId: headers['call-id'],
    cseqSeq: headers.cseq?.seq,
    cseqMethod: headers.cseq?.method,
    fromHost: uriHost(headers.from?.uri),
    fromTag: headers.from?.params['tag'],
    toHost: uriHost(headers.to?.uri),
    toTag: headers.to?.params['tag'],
    via,
    contactHosts: contacts === '*' ? ['*'] : (contacts ?? []).map((contact) => uriHost(contact.uri)),
    routeHosts: (headers.route ?? []).map((route) => route.uri?.host),
    recordRouteHosts: (headers['record-route'] ?? []).map((recordRoute) => recordRoute.uri?.host),
  };
}

/** The `sip` package: `require('sip').parse(text)`. */
export const sipPackage: Contender = {
  id: 'sip',
  label: `sip ${installedVersion('sip')}`,
  role: 'peer',
  input: 'latin1 string',
  note:
    'sip: require("sip").parse(text) (parses Via, address headers, CSeq, Route eagerly); From/To/Contact URIs ' +
    'stay strings, so reading their host calls sip.parseUri(uri)',
  load(messages: readonly CorpusMessage[]): LoadedContender {
    // The package decodes what its sockets receive with toString('binary'), i.e. latin1.
    const inputs = messages.map((message) => message.bytes.toString('latin1'));
    const input = (index: number): string => inputs[index] as string;
    return {
      parseOnly: (index) => (sip.parse(input(index)) === undefined ? 0 : 1),
      parseAndRead: (index) => {
        const message = sip.parse(input(index));
        return message === undefined ? 0 : read(message);
      },
      summarize: (index) => {
        const message = sip.parse(input(index));
        if (message === undefined) throw new ParseRejectedError('returned undefined');
        return summarize(message);
      },
    };
  },
};
