import { describe, expect, it } from 'vitest';
import { bufExecutable, firstRegistrationCommands } from '../src/first-registration-commands.js';

const BODY = `'{"registration":{"sipUri":"sips:tas.example","routeType":"ROUTE_TYPE_LOOP","phoneNumber":{"e164":"+447700900123"}}}'`;
const METHOD = '/wgtwo.sipbreakout.v1.SipBreakoutService/UpsertRegistration';
const DELETE = '/wgtwo.sipbreakout.v1.SipBreakoutService/DeleteRegistration';

describe('firstRegistrationCommands', () => {
  it('speaks plaintext HTTP/2 when the API has no TLS', () => {
    const { bufCurl, node, deleteBufCurl, deleteNode } = firstRegistrationCommands({
      address: '127.0.0.1:50051',
      tokenFile: '/data/auth/dev-token.jwt',
    });
    expect(bufCurl).toBe(
      `${bufExecutable()} curl --protocol grpc --http2-prior-knowledge -H "Authorization: Bearer $(cat /data/auth/dev-token.jwt)" -d ${BODY} http://127.0.0.1:50051${METHOD}`,
    );
    expect(node).toMatch(
      /^node \S+\/register\.js --address 127\.0\.0\.1:50051 --token-file \/data\/auth\/dev-token\.jwt --number \+447700900123 --sip-uri sips:tas\.example --route-type LOOP$/,
    );
    // The same registration, deleted: DeleteRegistration takes the same body.
    expect(deleteBufCurl).toBe(bufCurl.replace(METHOD, DELETE));
    expect(deleteNode).toBe(`${node} --delete`);
  });

  it('speaks TLS with the CA, server name and client certificate a client needs, quoted for the shell', () => {
    const { bufCurl, node } = firstRegistrationCommands({
      address: '127.0.0.1:50051',
      tokenFile: '/data/auth/dev-token.jwt',
      tls: {
        caFile: '/my data/ca.pem',
        serverName: 'api.core.test',
        certFile: '/data/tls/grpc-client.pem',
        keyFile: '/data/tls/grpc-client-key.pem',
      },
    });
    expect(bufCurl).toBe(
      `${bufExecutable()} curl --protocol grpc --cacert '/my data/ca.pem' --servername api.core.test --cert /data/tls/grpc-client.pem --key /data/tls/grpc-client-key.pem ` +
        `-H "Authorization: Bearer $(cat /data/auth/dev-token.jwt)" -d ${BODY} https://127.0.0.1:50051${METHOD}`,
    );
    expect(node).toContain(
      "--address 127.0.0.1:50051 --ca-file '/my data/ca.pem' --server-name api.core.test --cert-file /data/tls/grpc-client.pem --key-file /data/tls/grpc-client-key.pem --token-file",
    );
  });

  it("trusts the system's CAs when there is no CA file to give", () => {
    const { bufCurl, node } = firstRegistrationCommands({
      address: '[::1]:50051',
      tokenFile: 't.jwt',
      tls: { caFile: undefined, serverName: undefined, certFile: undefined, keyFile: undefined },
    });
    expect(bufCurl).not.toContain('--cacert');
    expect(bufCurl).toContain(`https://[::1]:50051${METHOD}`);
    expect(node).toContain("--address '[::1]:50051' --tls --token-file t.jwt");
  });
});
