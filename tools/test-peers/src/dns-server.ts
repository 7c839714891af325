/**
 * A minimal authoritative DNS server over UDP on loopback, for tests: it
 * answers A, AAAA and SRV questions (RFC 1035 §4, RFC 3596, RFC 2782) from a
 * zone held in memory that a test may change, NXDOMAIN for names it does not
 * hold, and SERVFAIL for names told to fail. Node's `dns.promises.Resolver`
 * (c-ares) is pointed at it with `setServers(['127.0.0.1:<port>'])`.
 */
import dgram from 'node:dgram';

/** One record of the zone. */
export type ZoneRecord =
  | { readonly type: 'A'; readonly name: string; readonly address: string; readonly ttl?: number }
  | { readonly type: 'AAAA'; readonly name: string; readonly address: string; readonly ttl?: number }
  | {
      readonly type: 'SRV';
      readonly name: string;
      readonly priority: number;
      readonly weight: number;
      readonly port: number;
      readonly target: string;
      readonly ttl?: number;
    };

const TYPE_CODES = { A: 1, AAAA: 28, SRV: 33 } as const;

/** A DNS server for tests; `records` and `failing` may be changed between queries. */
export class TestDnsServer {
  records: ZoneRecord[];
  /** Names answered with SERVFAIL. */
  readonly failing = new Set<string>();
  /** Questions received, as `TYPE name` (type as a number when unknown). */
  readonly questions: string[] = [];
  #socket: dgram.Socket | undefined;
  #port = 0;

  constructor(records: ZoneRecord[] = []) {
    this.records = records;
  }

  /** The `host:port` to give to `Resolver.setServers`. */
  get address(): string {
    return `127.0.0.1:${this.#port}`;
  }

  /** How many questions of `type` for `name` were received. */
  count(type: ZoneRecord['type'], name: string): number {
    return this.questions.filter((q) => q === `${type} ${name.toLowerCase()}`).length;
  }

  async start(): Promise<void> {
    const socket = dgram.createSocket('udp4');
    this.#socket = socket;
    socket.on('message', (query, rinfo) => {
      const answer = this.#answer(query);
      if (answer !== undefined) socket.send(answer, rinfo.port, rinfo.address);
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, '127.0.0.1', () => {
        socket.off('error', reject);
        this.#port = socket.address().port;
        resolve();
      });
    });
  }

  async stop(): Promise<void> {
    const socket = this.#socket;
    this.#socket = undefined;
    if (socket !== undefined) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  #answer(query: Buffer): Buffer | undefined {
    if (query.length < 12 || query.readUInt16BE(4) !== 1) return undefined;
    let offset = 12;
    const labels: string[] = [];
    for (;;) {
      const length = query[offset];
      if (length === undefined || length > 63) return undefined;
      offset++;
      if (length === 0) break;
      labels.push(query.toString('latin1', offset, offset + length));
      offset += length;
    }
    if (offset + 4 > query.length) return undefined;
    const qtype = query.readUInt16BE(offset);
    const question = query.subarray(12, offset + 4);
    const name = labels.join('.').toLowerCase();
    const typeName = (Object.keys(TYPE_CODES) as Array<keyof typeof TYPE_CODES>).find((k) => TYPE_CODES[k] === qtype);
    this.questions.push(`${typeName ?? qtype} ${name}`);
    const ofName = this.records.filter((r) => r.name.toLowerCase() === name);
    let rcode = 0;
    if (this.failing.has(name))
      rcode = 2; // SERVFAIL
    else if (ofName.length === 0) rcode = 3; // NXDOMAIN
    const answers = rcode === 0 ? ofName.filter((r) => TYPE_CODES[r.type] === qtype).map(encodeRecord) : [];
    const header = Buffer.alloc(12);
    header.writeUInt16BE(query.readUInt16BE(0), 0);
    // QR, AA, RD copied from the query, RA; the rcode in the low bits.
    header.writeUInt16BE(0x8400 | (query.readUInt16BE(2) & 0x0100) | 0x0080 | rcode, 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answers.length, 6);
    return Buffer.concat([header, question, ...answers]);
  }
}

function encodeName(name: string): Buffer {
  const parts = name
    .replace(/\.$/, '')
    .split('.')
    .filter((p) => p !== '');
  return Buffer.concat([
    ...parts.map((p) => Buffer.concat([Buffer.from([p.length]), Buffer.from(p, 'latin1')])),
    Buffer.from([0]),
  ]);
}

function encodeIpv6(address: string): Buffer {
  const [head = '', tail] = address.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

function encodeRecord(record: ZoneRecord): Buffer {
  let rdata: Buffer;
  switch (record.type) {
    case 'A':
      rdata = Buffer.from(record.address.split('.').map(Number));
      break;
    case 'AAAA':
      rdata = encodeIpv6(record.address);
      break;
    case 'SRV': {
      const fixed = Buffer.alloc(6);
      fixed.writeUInt16BE(record.priority, 0);
      fixed.writeUInt16BE(record.weight, 2);
      fixed.writeUInt16BE(record.port, 4);
      rdata = Buffer.concat([fixed, encodeName(record.target)]);
      break;
    }
  }
  const head = Buffer.alloc(12);
  head.writeUInt16BE(0xc00c, 0); // a pointer to the question's name
  head.writeUInt16BE(TYPE_CODES[record.type], 2);
  head.writeUInt16BE(1, 4); // class IN
  head.writeUInt32BE(record.ttl ?? 300, 6);
  head.writeUInt16BE(rdata.length, 10);
  return Buffer.concat([head, rdata]);
}
