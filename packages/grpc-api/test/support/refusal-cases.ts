/**
 * The refusals every client suite checks, as the JSON bodies of the product
 * documents: each is answered `STATUS_CODE_NOT_ACCEPTABLE` with a message
 * containing `message`.
 */
export interface RefusalCase {
  readonly name: string;
  readonly registration: Readonly<Record<string, unknown>>;
  readonly message: string;
}

const NUMBER = { e164: '+4799990001' };

/** Upsert refusals, with a client token of the client that may manage +4799…. */
export const UPSERT_REFUSALS: readonly RefusalCase[] = [
  {
    name: 'a sip: URI',
    registration: { sipUri: 'sip:tas.example.com', routeType: 'ROUTE_TYPE_LOOP', phoneNumber: NUMBER },
    message: 'Secure SIP domain name required',
  },
  {
    name: 'an IP literal instead of a domain',
    registration: { sipUri: 'sips:192.0.2.10:5061', routeType: 'ROUTE_TYPE_LOOP', phoneNumber: NUMBER },
    message: 'not an IP address',
  },
  {
    name: 'an IPv6 literal instead of a domain',
    registration: { sipUri: 'sips:[2001:db8::1]', routeType: 'ROUTE_TYPE_LOOP', phoneNumber: NUMBER },
    message: 'not an IP address',
  },
  {
    name: 'a malformed URI',
    registration: { sipUri: 'not a uri', routeType: 'ROUTE_TYPE_LOOP', phoneNumber: NUMBER },
    message: 'Malformed SIP URI',
  },
  {
    name: 'a malformed host',
    registration: { sipUri: 'sips:tas..example.com', routeType: 'ROUTE_TYPE_LOOP', phoneNumber: NUMBER },
    message: 'Malformed SIP URI',
  },
  {
    name: 'a port out of range',
    registration: { sipUri: 'sips:tas.example.com:70000', routeType: 'ROUTE_TYPE_LOOP', phoneNumber: NUMBER },
    message: 'port must be 1-65535',
  },
  {
    name: 'an unspecified route type',
    registration: { sipUri: 'sips:tas.example.com', phoneNumber: NUMBER },
    message: 'Route type required',
  },
  {
    name: 'a phone number that is not E.164',
    registration: { sipUri: 'sips:tas.example.com', routeType: 'ROUTE_TYPE_LOOP', phoneNumber: { e164: '4799990001' } },
    message: 'must be E.164',
  },
  {
    name: 'no phone number with a client token',
    registration: { sipUri: 'sips:tas.example.com', routeType: 'ROUTE_TYPE_LOOP' },
    message: 'Phone number required',
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
  },
];
