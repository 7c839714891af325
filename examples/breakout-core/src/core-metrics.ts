/**
 * The core's Prometheus metrics (prom-client), on a registry of its own.
 * Gauges whose truth lives elsewhere (registrations in the store, open
 * transactions) are read at scrape time.
 */
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { ROUTE_TYPES, type RouteType } from '@sipbreakout/routing';

/** Which SIP face a message or connection belongs to. */
export type FaceName = 'mobile' | 'tas';

/** Sources the scrape-time gauges read. */
export interface MetricSources {
  /** Live registrations per route type. */
  registrationCounts(): Promise<Readonly<Record<RouteType, number>>>;
  /** Open transactions of the one transaction layer both faces share. */
  openTransactions(): { readonly client: number; readonly server: number };
  /** Web terminals attached now, and those gone whose calls wait for their reattach (absent: none). */
  terminals?(): { readonly attached: number; readonly held: number };
}

/** Every metric of the core. Names start with `sipbreakout_`. */
export class CoreMetrics {
  /** The registry `/metrics` serves. */
  readonly registry = new Registry();
  #sources: MetricSources | undefined;

  /** `sipbreakout_registrations{route_type}`: live registrations in the store. */
  readonly registrations = new Gauge({
    name: 'sipbreakout_registrations',
    help: 'Live virtual registrations in the store, by route type',
    labelNames: ['route_type'] as const,
    registers: [this.registry],
    collect: async () => {
      const counts = await this.#sources?.registrationCounts();
      for (const routeType of ROUTE_TYPES) this.registrations.set({ route_type: routeType }, counts?.[routeType] ?? 0);
    },
  });

  /**
   * `sipbreakout_grpc_calls_total{method, status, api_status}`: gRPC calls by
   * full method path, gRPC status name, and the API's own `status_code` of the
   * response (`STATUS_CODE_OK`, `STATUS_CODE_NOT_ACCEPTABLE`; empty when the
   * call has no such response) — a refused registration is a gRPC `OK`.
   */
  readonly grpcCalls = new Counter({
    name: 'sipbreakout_grpc_calls_total',
    help: 'gRPC calls answered, by method, gRPC status and the status_code of the API response',
    labelNames: ['method', 'status', 'api_status'] as const,
    registers: [this.registry],
  });

  /** `sipbreakout_grpc_refusals_total{method, code}`: registrations refused, by method and refusal code. */
  readonly grpcRefusals = new Counter({
    name: 'sipbreakout_grpc_refusals_total',
    help: 'Registrations answered STATUS_CODE_NOT_ACCEPTABLE, by method and refusal code (API_ERR_, ROUTE_ERR_, REG_ERR_)',
    labelNames: ['method', 'code'] as const,
    registers: [this.registry],
  });

  /** `sipbreakout_sip_messages_received_total{face, transport, method, status}`; `status` is empty for requests. */
  readonly sipReceived = new Counter({
    name: 'sipbreakout_sip_messages_received_total',
    help: 'SIP messages received that parsed, by face, transport, method (CSeq method for responses) and status (responses)',
    labelNames: ['face', 'transport', 'method', 'status'] as const,
    registers: [this.registry],
    collect: () => this.#flushMessageCounts(),
  });

  /** `sipbreakout_sip_messages_sent_total{face, transport, method, status}`; `status` is empty for requests. */
  readonly sipSent = new Counter({
    name: 'sipbreakout_sip_messages_sent_total',
    help: 'SIP messages sent, by face, transport, method (CSeq method for responses) and status (responses)',
    labelNames: ['face', 'transport', 'method', 'status'] as const,
    registers: [this.registry],
    collect: () => this.#flushMessageCounts(),
  });

  /**
   * Counts of messages sent and received since the last scrape, as plain
   * numbers: prom-client hashes a label object on every `inc`, which per
   * message was a visible share of the core's time. Added to
   * `sipSent`/`sipReceived` when they are collected.
   */
  readonly #messageCounts = new Map<
    string,
    {
      readonly sent: boolean;
      readonly labels: { face: string; transport: string; method: string; status: string };
      count: number;
    }
  >();

  /** Counts one SIP message sent (`sent`) or received, for `sipbreakout_sip_messages_{sent,received}_total`. */
  countMessage(sent: boolean, face: string, transport: string, method: string, status: string): void {
    const key = `${sent ? 's' : 'r'} ${face} ${transport} ${method} ${status}`;
    let entry = this.#messageCounts.get(key);
    if (entry === undefined) {
      entry = { sent, labels: { face, transport, method, status }, count: 0 };
      this.#messageCounts.set(key, entry);
    }
    entry.count++;
  }

  #flushMessageCounts(): void {
    for (const entry of this.#messageCounts.values()) {
      if (entry.count === 0) continue;
      (entry.sent ? this.sipSent : this.sipReceived).inc(entry.labels, entry.count);
      entry.count = 0;
    }
  }

  /** `sipbreakout_sip_parse_errors_total{face, transport, code}`: bad input, by `SIP_ERR_…` code. */
  readonly parseErrors = new Counter({
    name: 'sipbreakout_sip_parse_errors_total',
    help: 'SIP input that did not parse, by face, transport and SIP_ERR_ code',
    labelNames: ['face', 'transport', 'code'] as const,
    registers: [this.registry],
  });

  /** `sipbreakout_sip_transactions_open{face, kind}`: open client and server transactions; `face` is `all` (both faces share one transaction layer). */
  readonly transactionsOpen = new Gauge({
    name: 'sipbreakout_sip_transactions_open',
    help: 'Open SIP transactions, by face and kind (client, server)',
    labelNames: ['face', 'kind'] as const,
    registers: [this.registry],
    collect: () => {
      const open = this.#sources?.openTransactions() ?? { client: 0, server: 0 };
      this.transactionsOpen.set({ face: 'all', kind: 'client' }, open.client);
      this.transactionsOpen.set({ face: 'all', kind: 'server' }, open.server);
    },
  });

  /** `sipbreakout_sip_connections_open{face, transport}`: stream connections open. */
  readonly connectionsOpen = new Gauge({
    name: 'sipbreakout_sip_connections_open',
    help: 'Open SIP stream connections (TCP, TLS), by face and transport',
    labelNames: ['face', 'transport'] as const,
    registers: [this.registry],
  });

  /** `sipbreakout_sip_connections_opened_total{face, transport}`: stream connections opened (accepted, or opened by the core). */
  readonly connectionsOpened = new Counter({
    name: 'sipbreakout_sip_connections_opened_total',
    help: 'SIP stream connections opened (accepted or dialled), by face and transport',
    labelNames: ['face', 'transport'] as const,
    registers: [this.registry],
  });

  /**
   * `sipbreakout_sip_connections_closed_total{face, transport, reason}`:
   * stream connections closed, by why: `remote` (the peer), `idle_timeout`,
   * `message_timeout` (no complete message in time), `bad_input` (a fatal
   * parse error), `local` (shutdown).
   */
  readonly connectionsClosed = new Counter({
    name: 'sipbreakout_sip_connections_closed_total',
    help: 'SIP stream connections closed, by face, transport and reason (remote, idle_timeout, message_timeout, bad_input, local)',
    labelNames: ['face', 'transport', 'reason'] as const,
    registers: [this.registry],
  });

  /** `sipbreakout_sip_connections_refused_total{face, transport, reason}`: inbound connections closed as they were accepted (`connection_limit`). */
  readonly connectionsRefused = new Counter({
    name: 'sipbreakout_sip_connections_refused_total',
    help: 'Inbound SIP stream connections refused as they were accepted, by face, transport and reason (connection_limit)',
    labelNames: ['face', 'transport', 'reason'] as const,
    registers: [this.registry],
  });

  /** `sipbreakout_tls_failures_total{face, direction, cause}`: handshakes and identity checks that failed. */
  readonly tlsFailures = new Counter({
    name: 'sipbreakout_tls_failures_total',
    help: 'TLS failures, by face, direction (inbound, outbound) and cause (TLS_ERR_ code or OpenSSL code)',
    labelNames: ['face', 'direction', 'cause'] as const,
    registers: [this.registry],
  });

  /**
   * `sipbreakout_calls_total{route_type, outcome}`: calls by route type
   * (`NONE` without a registration in the path or rejected before routing,
   * `LEG3` for a leg 3 going on to the callee) and outcome (`answered`,
   * `failed`, `cancelled`, `rejected`, `tas_unavailable`, `store_unavailable`, `error`).
   */
  readonly calls = new Counter({
    name: 'sipbreakout_calls_total',
    help: 'Calls handled, by route type and outcome',
    labelNames: ['route_type', 'outcome'] as const,
    registers: [this.registry],
  });

  /** `sipbreakout_call_legs_total{leg, outcome}`: legs `1`, `2`, `3`, `4`, `ingress` by `received`, `started`, `answered`, `failed`, `cancelled`. */
  readonly callLegs = new Counter({
    name: 'sipbreakout_call_legs_total',
    help: 'Call legs, by leg (1-4) and outcome',
    labelNames: ['leg', 'outcome'] as const,
    registers: [this.registry],
  });

  /**
   * `sipbreakout_too_many_hops_total{method, action}`: in-dialog requests
   * received with Max-Forwards 0 and not relayed to the other leg: `refused`
   * (483), `dropped` (an ACK), `ended` (a BYE: the call ended, the other
   * leg's BYE the core's own).
   */
  readonly tooManyHops = new Counter({
    name: 'sipbreakout_too_many_hops_total',
    help: 'In-dialog requests received with Max-Forwards 0 and not relayed, by method and action (refused, dropped, ended)',
    labelNames: ['method', 'action'] as const,
    registers: [this.registry],
  });

  /** `sipbreakout_tas_failures_total{route_type, cause}`: a TAS unreachable (`TRANSPORT_ERR_…`, `DNS_ERR_…`) or failing its certificate check (`TLS_ERR_…`). */
  readonly tasFailures = new Counter({
    name: 'sipbreakout_tas_failures_total',
    help: 'TAS failures on leg 2, by route type and cause',
    labelNames: ['route_type', 'cause'] as const,
    registers: [this.registry],
  });

  /** `sipbreakout_media_relay_operations_total{command, outcome}`: rtpengine ng commands (`offer`, `answer`, `delete`), `ok` or the `MEDIA_RELAY_ERR_…` code they failed with. */
  readonly mediaRelayOperations = new Counter({
    name: 'sipbreakout_media_relay_operations_total',
    help: 'Media relay (rtpengine ng) commands, by command and outcome (ok or MEDIA_RELAY_ERR_ code)',
    labelNames: ['command', 'outcome'] as const,
    registers: [this.registry],
  });

  /** `sipbreakout_web_terminals{state}`: web terminal streams `attached` now, and `held` (gone, their calls kept for a reattach). */
  readonly webTerminals = new Gauge({
    name: 'sipbreakout_web_terminals',
    help: 'Web terminals, by state: attached (stream open) or held (stream gone, calls kept for a reattach)',
    labelNames: ['state'] as const,
    registers: [this.registry],
    collect: () => {
      const t = this.#sources?.terminals?.();
      this.webTerminals.set({ state: 'attached' }, t?.attached ?? 0);
      this.webTerminals.set({ state: 'held' }, t?.held ?? 0);
    },
  });

  /**
   * `sipbreakout_terminal_calls_total{route_type, outcome}`: calls web
   * terminals placed, by the route type of their plan and how they ended
   * up (`answered`, `no_media_relay`, `bad_request`, `route_rejected`,
   * `rejected`, `media_relay_error`, `abandoned`).
   */
  readonly terminalCalls = new Counter({
    name: 'sipbreakout_terminal_calls_total',
    help: 'Calls placed by web terminals, by route type and outcome',
    labelNames: ['route_type', 'outcome'] as const,
    registers: [this.registry],
  });

  /**
   * `sipbreakout_web_terminal_errors_total{code, reason}`: terminal messages
   * refused, by the `Error` code sent back (`NONE` for a message dropped
   * silently past the rate limit) and the hub's reason (`invalid-call-id`,
   * `rate-limit`, `offer-race`…).
   */
  readonly webTerminalErrors = new Counter({
    name: 'sipbreakout_web_terminal_errors_total',
    help: 'Web terminal messages refused, by Error code sent back (NONE: dropped past the rate limit) and reason',
    labelNames: ['code', 'reason'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'sipbreakout_' });
  }

  /** Sets where the scrape-time gauges read from. */
  setSources(sources: MetricSources): void {
    this.#sources = sources;
  }
}
