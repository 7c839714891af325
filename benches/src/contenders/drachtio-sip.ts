import { createRequire } from 'node:module';
import { mixNumber, mixString, type MessageSummary, type ViaSummary } from '../checksum.js';
import { ParseRejectedError, type Contender, type LoadedContender } from '../contender.js';
import type { CorpusMessage } from '../corpus.js';
import { installedVersion } from './versions.js';

/** `parseUri` result of drachtio-sip; undefined when its regex does not match. */
interface DrachtioUri {
  readonly host?: string;
}

/** An address header of drachtio-sip: its URI stays a string. */
interface DrachtioAddress {
  readonly uri: string;
  readonly params: Readonly<Record<string, string | undefined>>;
}

/** A Route or Record-Route entry of drachtio-sip: its URI is parsed. */
interface DrachtioRouteEntry {
  readonly uri: DrachtioUri | undefined;
}

interface DrachtioVia {
  readonly protocol?: string;
  readonly host?: string;
  readonly port?: number;
  readonly params: Readonly<Record<string, string | undefined>>;
}

interface DrachtioCSeq {
  readonly seq: number;
  readonly method: string;
}

/** Headers of an eagerly parsed message, keyed by lower-case full name. */
interface DrachtioEagerHeaders {
  readonly via?: readonly DrachtioVia[];
  readonly from?: DrachtioAddress;
  readonly to?: DrachtioAddress;
  readonly 'call-id'?: string;
  readonly cseq?: DrachtioCSeq;
  readonly contact?: readonly DrachtioAddress[] | '*';
  readonly route?: readonly DrachtioRouteEntry[];
  readonly 'record-route'?: readonly DrachtioRouteEntry[];
}

/** A parsed message; what `headers` holds depends on the mode (see below). */
interface DrachtioMessage {
  readonly headers: object;
}

/** Headers of a lazily parsed message: raw values, repeated headers joined by commas. */
type DrachtioLazyHeaders = Readonly<Record<string, string | undefined>>;

/** What `getParser(name)` returns: the parser the eager mode would have run on that header. */
type DrachtioHeaderParser = (data: { s: string; i: number }) => unknown;

interface DrachtioParser {
  parseSipMessage(text: string, lazy: boolean): DrachtioMessage | undefined;
  parseUri(uri: string): DrachtioUri | undefined;
  getParser(name: string): DrachtioHeaderParser;
}

const require = createRequire(import.meta.url);
const { parser } = require('drachtio-sip') as { parser: DrachtioParser };

function parseEager(text: string): DrachtioEagerHeaders | undefined {
  return parser.parseSipMessage(text, false)?.headers as DrachtioEagerHeaders | undefined;
}

function parseLazy(text: string): DrachtioLazyHeaders | undefined {
  return parser.parseSipMessage(text, true)?.headers as DrachtioLazyHeaders | undefined;
}

function uriHost(uri: string | undefined): string | undefined {
  return uri === undefined ? undefined : parser.parseUri(uri)?.host;
}

function readEager(headers: DrachtioEagerHeaders): number {
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

function summarizeEager(headers: DrachtioEagerHeaders): MessageSummary {
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

/**
 * In lazy mode a header is parsed when it is read, the way drachtio's
 * `SipMessage#getParsedHeader(name)` does it: `getParser(name)({ s: raw, i: 0 })`,
 * again on every read.
 */
function parsedHeader(headers: DrachtioLazyHeaders, name: string): unknown {
  const raw = headers[name];
  return raw === undefined ? undefined : parser.getParser(name)({ s: raw, i: 0 });
}

function readLazy(headers: DrachtioLazyHeaders): number {
  let h = 0;
  h = mixString(h, headers['call-id']);
  const cseq = parsedHeader(headers, 'cseq') as DrachtioCSeq | undefined;
  h = mixNumber(h, cseq?.seq);
  h = mixString(h, cseq?.method);
  const from = parsedHeader(headers, 'from') as DrachtioAddress | undefined;
  h = mixString(h, uriHost(from?.uri));
  h = mixString(h, from?.params['tag']);
  const to = parsedHeader(headers, 'to') as DrachtioAddress | undefined;
  h = mixString(h, uriHost(to?.uri));
  h = mixString(h, to?.params['tag']);
  const vias = parsedHeader(headers, 'via') as readonly DrachtioVia[] | undefined;
  if (vias !== undefined) {
    for (const via of vias) {
      h = mixString(h, via.protocol);
      h = mixString(h, via.host);
      h = mixNumber(h, via.port);
      h = mixString(h, via.params['branch']);
    }
  }
  const contacts = parsedHeader(headers, 'contact') as readonly DrachtioAddress[] | '*' | undefined;
  if (contacts === '*') h = mixString(h, '*');
  else if (contacts !== undefined) for (const contact of contacts) h = mixString(h, uriHost(contact.uri));
  const routes = parsedHeader(headers, 'route') as readonly DrachtioRouteEntry[] | undefined;
  if (routes !== undefined) for (const route of routes) h = mixString(h, route.uri?.host);
  const recordRoutes = parsedHeader(headers, 'record-route') as readonly DrachtioRouteEntry[] | undefined;
  if (recordRoutes !== undefined) for (const recordRoute of recordRoutes) h = mixString(h, recordRoute.uri?.host);
  return h;
}

function summarizeLazy(headers: DrachtioLazyHeaders): MessageSummary {
  // What the eager mode would have built, header by header, from the raw values.
  const eager: DrachtioEagerHeaders = {
    via: parsedHeader(headers, 'via') as readonly DrachtioVia[] | undefined,
    from: parsedHeader(headers, 'from') as DrachtioAddress | undefined,
    to: parsedHeader(headers, 'to') as DrachtioAddress | undefined,
    'call-id': headers['call-id'],
    cseq: parsedHeader(headers, 'cseq') as DrachtioCSeq | undefined,
    contact: parsedHeader(headers, 'contact') as readonly DrachtioAddress[] | '*' | undefined,
    route: parsedHeader(headers, 'route') as readonly DrachtioRouteEntry[] | undefined,
    'record-route': parsedHeader(headers, 'record-route') as readonly DrachtioRouteEntry[] | undefined,
  };
  return summarizeEager(eager);
}

function utf8Inputs(messages: readonly CorpusMessage[]): (index: number) => string {
  // drachtio-sip decodes what it is given with toString('utf8').
  const inputs = messages.map((message) => message.bytes.toString('utf8'));
  return (index) => inputs[index] as string;
}

const version = installedVersion('drachtio-sip');

/** drachtio-sip, eager: `parser.parseSipMessage(text, false)` parses the known headers up front. */
export const drachtioSipEager: Contender = {
  id: 'drachtio-sip-eager',
  label: `drachtio-sip ${version} eager`,
  role: 'peer',
  input: 'utf8 string',
  note:
    'drachtio-sip eager: require("drachtio-sip").parser.parseSipMessage(text, false); From/To/Contact URIs stay strings, ' +
    'so reading their host calls parser.parseUri(uri)',
  load(messages: readonly CorpusMessage[]): LoadedContender {
    const input = utf8Inputs(messages);
    return {
      parseOnly: (index) => (parseEager(input(index)) === undefined ? 0 : 1),
      parseAndRead: (index) => {
        const headers = parseEager(input(index));
        return headers === undefined ? 0 : readEager(headers);
      },
      summarize: (index) => {
        const headers = parseEager(input(index));
        if (headers === undefined) throw new ParseRejectedError('returned undefined');
        return summarizeEager(headers);
      },
    };
  },
};

/** drachtio-sip, lazy: `parser.parseSipMessage(text, true)` splits headers; each read re-parses its header. */
export const drachtioSipLazy: Contender = {
  id: 'drachtio-sip-lazy',
  label: `drachtio-sip ${version} lazy`,
  role: 'peer',
  input: 'utf8 string',
  note:
    'drachtio-sip lazy: parser.parseSipMessage(text, true) keeps raw values; reads parse them with ' +
    'parser.getParser(name)({ s, i: 0 }) as SipMessage#getParsedHeader does, plus parser.parseUri for URIs',
  load(messages: readonly CorpusMessage[]): LoadedContender {
    const input = utf8Inputs(messages);
    return {
      parseOnly: (index) => (parseLazy(input(index)) === undefined ? 0 : 1),
      parseAndRead: (index) => {
        const headers = parseLazy(input(index));
        return headers === undefined ? 0 : readLazy(headers);
      },
      summarize: (index) => {
        const headers = parseLazy(input(index));
        if (headers === undefined) throw new ParseRejectedError('returned undefined');
        return summarizeLazy(headers);
      },
    };
  },
};
