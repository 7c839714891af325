/**
 * What the core prints for a human once it is ready: where everything
 * listens, the example token, and how to make a first registration (laid
 * out by the service kit's banner printer).
 */
import { formatBanner, type BannerRow } from '@sipbreakout/service-kit';
import type { GrpcTlsSummary, RunningCore } from './breakout-core.js';
import { isLoopbackHost, type CoreConfig } from './config-schema.js';
import { EXAMPLE_REGISTRATION, type FirstRegistrationCommands } from './first-registration-commands.js';

/** The first line of the banner; tests and scripts wait for it. */
export const READY_LINE = 'sipbreakout core ready';

/** The command that opens the browser soft-phone, run at the repository root. */
export const WEB_PHONE_COMMAND = 'pnpm web-phone';

/** How to attach a web terminal, as the banner prints it: the one place to change when the web-phone's command changes. */
export function webTerminalParagraph(example: NonNullable<RunningCore['auth']['example']>, grpcDial: string): string[] {
  return [
    `Web terminal (wgtwo.webterminal.v0.WebTerminalService on ${grpcDial}, scope call.control.answer_and_initiate):`,
    `  user token for ${example.terminalNumber} (valid 24 h; saved in ${example.terminalTokenFile}):`,
    `  ${example.terminalToken}`,
    `  the example token above attaches to any number named in the wg2-msisdn request metadata.`,
    `  Browser soft-phone: ${WEB_PHONE_COMMAND} (from the repository root), with a token above.`,
  ];
}

/** How the gRPC API listens: the words after its address, and a line more about TLS. */
function grpcSecurity(
  tls: GrpcTlsSummary | undefined,
  config: CoreConfig,
): { readonly summary: string; readonly detail: readonly string[] } {
  if (tls === undefined) {
    const summary = isLoopbackHost(config.grpc.host)
      ? 'plaintext, loopback only'
      : 'plaintext (grpc.allowPlaintext): keep it behind a TLS-terminating proxy';
    return { summary, detail: [] };
  }
  const certificate = `${tls.mode === 'dev' ? 'development certificate' : 'certificate'} ${tls.certFile} for ${tls.names.join(', ')}, valid to ${tls.validTo.slice(0, 10)}`;
  const trust =
    tls.client.caFile === undefined
      ? "clients check it with the system's CAs"
      : `clients check it with ${tls.client.caFile}`;
  const clients =
    tls.clientCertificate === 'require'
      ? `client certificates required (CA ${tls.clientCaFile ?? 'grpc.tls.caFile'})`
      : 'no client certificates';
  return { summary: 'TLS', detail: [`${certificate}; ${trust}; ${clients}`] };
}

/** When clients must show a certificate the core cannot print, how to add one to the commands. */
function clientCertificateNote(tls: GrpcTlsSummary | undefined): string[][] {
  if (tls?.clientCertificate !== 'require' || tls.client.certFile !== undefined) return [];
  return [
    [
      `The API requires a client certificate issued by a CA in ${tls.clientCaFile ?? 'grpc.tls.caFile'}: add yours to the commands below,`,
      '  buf curl: --cert <certificate.pem> --key <key.pem>; register.js: --cert-file <certificate.pem> --key-file <key.pem>',
    ],
  ];
}

/** The banner text (several lines, ending with a newline). */
export function startupBanner(
  core: RunningCore,
  config: CoreConfig,
  commands: FirstRegistrationCommands | undefined,
): string {
  const a = core.addresses;
  const grpc = grpcSecurity(a.grpcTls, config);
  const rows: BannerRow[] = [
    {
      label: 'SIP mobile side',
      value: `udp ${a.sipMobileUdp}  tcp ${a.sipMobileTcp}  (next hop ${config.sip.mobile.nextHop})`,
    },
    {
      label: 'SIP TAS side',
      value: `tls ${a.sipTasTls}  (client certificates: ${config.sip.tas.clientCertificate}${a.tasCaFile === undefined ? '' : `; CA ${a.tasCaFile}`}; TAS located through ${config.dns.servers === undefined ? "the system's DNS servers" : `DNS ${config.dns.servers.join(', ')}`})`,
    },
    {
      label: 'gRPC API',
      value: `${a.grpc}  (${grpc.summary}; wgtwo.sipbreakout.v1.SipBreakoutService, wgtwo.webterminal.v0.WebTerminalService, reflection, health)`,
      notes: grpc.detail,
    },
    { label: 'operations', value: `http://${a.http}/metrics  http://${a.http}/healthz` },
    { label: 'store', value: `${a.store}  (TTL ${config.store.ttlSeconds} s)` },
    { label: 'data folder', value: a.dataDir },
  ];
  const example = core.auth.example;
  const paragraphs =
    example !== undefined && commands !== undefined
      ? [
          [
            `Example token (client ${example.client}, scopes call.routing:write call.control.answer_and_initiate, valid 24 h; saved in ${example.tokenFile}):`,
            `  ${example.token}`,
          ],
          ...clientCertificateNote(a.grpcTls),
          [
            'First registration with buf curl (a gRPC client we did not write, schema by reflection):',
            `  ${commands.bufCurl}`,
          ],
          ['or with our SipBreakoutClient:', `  ${commands.node}`],
          [
            `The example registers ${EXAMPLE_REGISTRATION.phoneNumber} (a drama-range number, no subscriber's) ${EXAMPLE_REGISTRATION.routeType} to ${EXAMPLE_REGISTRATION.sipUri} (a documentation domain that never resolves);`,
            `it lives ${config.store.ttlSeconds} s after the last upsert and captures that number's calls until then. Delete it with:`,
            `  ${commands.deleteBufCurl}`,
            `  or ${commands.deleteNode}`,
          ],
          webTerminalParagraph(example, a.grpcDial),
        ]
      : [[`Tokens are verified with ${core.auth.keySource}; no example token is printed.`]];
  return formatBanner({
    headline: `${READY_LINE}: SIP faces, gRPC API and operations listener are up.`,
    about: [
      'Calls are routed: with no registration to the next hop; LOOP, FORK, FALLBACK and INGRESS through the TAS of the registration (see the README for what is not done yet).',
    ],
    rows,
    paragraphs,
  });
}
