/**
 * Parses a SIP message and prints what the message layer reads from it.
 *
 *   pnpm parse-demo                  parses a built-in INVITE
 *   pnpm parse-demo message.sip      parses a file (raw bytes, CRLF line ends)
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseMessage, serializeMessage, serializeUri, type SipMessage, type Uri } from '@sipbreakout/sip-core';

const SAMPLE = [
  'INVITE sips:+4711223344@tas.example.com SIP/2.0',
  'Via: SIP/2.0/TLS core.example.net:5061;branch=z9hG4bK74bf9;received=192.0.2.10',
  'Max-Forwards: 69',
  'From: "Alice" <sip:+4799887766@ims.example.net;user=phone>;tag=9fxced76sl',
  'To: <sip:+4711223344@ims.example.net;user=phone>',
  'Call-ID: 3848276298220188511@core.example.net',
  'CSeq: 1 INVITE',
  'Contact: <sips:core.example.net:5061;transport=tls>',
  'Record-Route: <sips:core.example.net:5061;lr>',
  'Session-ID: ab30317f1a784dc48ff824d0d3715d86',
  'P-Asserted-Identity: <sip:+4799887766@ims.example.net;user=phone>',
  'Content-Type: application/sdp',
  'Content-Length: 0',
  '',
  '',
].join('\r\n');

function uriText(uri: Uri): string {
  return serializeUri(uri);
}

function describe(message: SipMessage): string[] {
  const lines: string[] = [];
  lines.push(
    message.kind === 'request'
      ? `request  ${message.method} ${uriText(message.uri)}`
      : `response ${message.status} ${message.reason}`,
  );
  message.via.forEach((via, i) =>
    lines.push(
      `via[${i}]   ${via.transport} ${via.host}${via.port === undefined ? '' : ':' + via.port} branch=${via.branch ?? '-'}`,
    ),
  );
  lines.push(`from     ${message.from.displayName ?? ''} ${uriText(message.from.uri)} tag=${message.from.tag ?? '-'}`);
  lines.push(`to       ${uriText(message.to.uri)} tag=${message.to.tag ?? '-'}`);
  lines.push(`call-id  ${message.callId}`);
  lines.push(`cseq     ${message.cseq.seq} ${message.cseq.method}`);
  if (message.maxForwards !== undefined) lines.push(`max-fwd  ${message.maxForwards}`);
  for (const contact of message.contact) lines.push(`contact  ${contact.star ? '*' : uriText(contact.uri)}`);
  for (const route of message.recordRoute) lines.push(`rr       ${uriText(route.uri)}`);
  if (message.sessionId !== undefined) lines.push(`session  ${message.sessionId.local}`);
  lines.push(`body     ${message.body.length} bytes`);
  return lines;
}

// pnpm runs the script in this package's folder and may pass a `--` on; a relative path is the caller's
// (pnpm sets INIT_CWD to the folder the command was typed in).
const argument = process.argv.slice(2).find((arg) => arg !== '--');
const path = argument === undefined ? undefined : resolve(process.env['INIT_CWD'] ?? process.cwd(), argument);
const input = path === undefined ? Buffer.from(SAMPLE, 'utf8') : readFileSync(path);
const result = parseMessage(input);
if (!result.ok) {
  const { code, offset, status, message } = result.error;
  console.error(
    `rejected: ${code} at byte ${offset ?? '?'}${status === undefined ? '' : ` (answer ${status})`}: ${message}`,
  );
  process.exitCode = 1;
} else {
  for (const line of describe(result.message)) console.log(line);
  console.log(`\nserialized (${serializeMessage(result.message).length} bytes):`);
  console.log(Buffer.from(serializeMessage(result.message)).toString('utf8').replace(/\r\n/g, '\n'));
}
