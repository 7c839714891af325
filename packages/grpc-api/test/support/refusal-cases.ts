/**
 * The refusals every client suite checks, as the JSON bodies of the product
 * documents: each is answered `STATUS_CODE_NOT_ACCEPTABLE` with exactly
 * `message` as `error_message` (the detail is the operator's), and `code` in
 * the refusal the server's listener hears.
 */
export interface RefusalCase {
  readonly name: string;
  readonly registration: Readonly<Record<string, unknown>>;
  readonly message: string;
  readonly code: string;
}

const NUMBER = { e164: '+4799990001' };

/** Upsert refusals, with a client token of the client that may manage +4799…. */
export const UPSERT_REFUSALS: readonly RefusalCase[] = [
  {
    name: 'a sip: URI',
    registration: { sipUri: 'sip:tas.example.com', routeType: 'ROUTE_TYPE_LOOP', phoneNumber: NUMBER },
    message: 'Secure SIP domain name required',
    code: 'ROUTE_ERR_NOT_SIPS',
  },
  {
    name: 'an IP literal instead of a domain',
    registration: { sipUri: 'sips:192.0.2.10:5061', routeType: 'ROUTE_TYPE_LOOP', phoneNumber: NUMBER },
    message: 'Secure SIP domain name required',
    code: 'API_ERR_IP_LITERAL',
  },
  {
    name: 'an IPv6 literal instead of a domain',
    registration: { sipUri: 'sips:[2001:db8::1]', routeType: 'ROUTE_TYPE_LOOP', phoneNumber: NUMBER },
    message: 'Secure SIP domain name required',
    code: 'API_ERR_IP_LITERAL',
  },
  {
    name: 'a malformed URI',
    registration: { sipUri: 'not a uri', routeType: 'ROUTE_TYPE_LOOP', phoneNumber: NUMBER },
    message: 'Secure SIP domain name required',
    code: 'API_ERR_MALFORMED_URI',
  },
  {
    name: 'a malformed host',
    registration: { sipUri: 'sips:tas..example.com', routeType: 'ROUTE_TYPE_LOOP', phoneNumber: NUMBER },
    message: 'Secure SIP domain name required',
    code: 'ROUTE_ERR_NOT_DOMAIN',
  },
  {
    name: 'a port out of range',
    registration: { sipUri: 'sips:tas.example.com:70000', routeType: 'ROUTE_TYPE_LOOP', phoneNumber: NUMBER },
    message: 'Secure SIP domain name required',
    code: 'ROUTE_ERR_BAD_PORT',
  },
  {
    name: 'an unspecified route type',
    registration: { sipUri: 'sips:tas.example.com', phoneNumber: NUMBER },
    message: 'Route type required',
    code: 'API_ERR_UNSPECIFIED_ROUTE_TYPE',
  },
  {
    name: 'a phone number that is not E.164',
    registration: { sipUri: 'sips:tas.example.com', routeType: 'ROUTE_TYPE_LOOP', phoneNumber: { e164: '4799990001' } },
    message: 'Phone number must be E.164 (+ and up to 15 digits)',
    code: 'ROUTE_ERR_BAD_NUMBER',
  },
  {
    name: 'no phone number with a client token',
    registration: { sipUri: 'sips:tas.example.com', routeType: 'ROUTE_TYPE_LOOP' },
    message: 'Phone number required',
    code: 'API_ERR_NO_PHONE_NUMBER',
  },
  {
    name: 'a prefix that is not digits',
    registration: {
      sipUri: 'sips:tas.example.com',
      routeType: 'ROUTE_TYPE_LOOP',
      phoneNumber: NUMBER,
      mobileOriginatingPrefix: '0x',
    },
    message: 'Prefix must be 0-16 digits',
    code: 'ROUTE_ERR_BAD_PREFIX',
  },
  {
    name: 'a prefix that is too long',
    registration: {
      sipUri: 'sips:tas.example.com',
      routeType: 'ROUTE_TYPE_LOOP',
      phoneNumber: NUMBER,
      mobileTerminatingPrefix: '12345678901234567',
    },
    message: 'Prefix must be 0-16 digits',
    code: 'ROUTE_ERR_BAD_PREFIX',
  },
];
