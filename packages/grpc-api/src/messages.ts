/**
 * The messages of `wgtwo.sipbreakout.v1` as TypeScript types, with the names
 * of the .proto file and the field names of `@grpc/proto-loader` with
 * `keepCase: false` (lowerCamelCase, as in the proto3 JSON mapping). Enums are
 * their value names.
 */

/** `wgtwo.sipbreakout.v1.RouteType`, by value name. */
export type RouteTypeName =
  | 'ROUTE_TYPE_UNSPECIFIED'
  | 'ROUTE_TYPE_LOOP'
  | 'ROUTE_TYPE_FORK'
  | 'ROUTE_TYPE_FALLBACK'
  | 'ROUTE_TYPE_LOOP_MO'
  | 'ROUTE_TYPE_LOOP_MT'
  | 'ROUTE_TYPE_INGRESS';

/** `wgtwo.sipbreakout.v1.StatusCode`, by value name. */
export type StatusCodeName = 'STATUS_CODE_UNSPECIFIED' | 'STATUS_CODE_OK' | 'STATUS_CODE_NOT_ACCEPTABLE';

/** The numbers of {@link RouteTypeName}, as on the wire. */
export const ROUTE_TYPE_NUMBERS = {
  ROUTE_TYPE_UNSPECIFIED: 0,
  ROUTE_TYPE_LOOP: 1,
  ROUTE_TYPE_FORK: 2,
  ROUTE_TYPE_FALLBACK: 3,
  ROUTE_TYPE_LOOP_MO: 4,
  ROUTE_TYPE_LOOP_MT: 5,
  ROUTE_TYPE_INGRESS: 6,
} as const satisfies Record<RouteTypeName, number>;

/** The numbers of {@link StatusCodeName}, as on the wire. */
export const STATUS_CODE_NUMBERS = {
  STATUS_CODE_UNSPECIFIED: 0,
  STATUS_CODE_OK: 1,
  STATUS_CODE_NOT_ACCEPTABLE: 2,
} as const satisfies Record<StatusCodeName, number>;

/** `wgtwo.common.v1.E164`. */
export interface E164 {
  /** `+4799990000`. */
  e164?: string;
}

/** `wgtwo.sipbreakout.v1.Registration`. */
export interface Registration {
  /** Field 1. */
  mobileOriginatingPrefix?: string;
  /** Field 2. */
  mobileTerminatingPrefix?: string;
  /** Field 3: the TAS's `sips:` URI. */
  sipUri?: string;
  /** Field 4. */
  routeType?: RouteTypeName;
  /** Field 5; may be omitted with a user token. */
  phoneNumber?: E164 | null;
}

/** `wgtwo.sipbreakout.v1.UpsertRegistrationRequest`. */
export interface UpsertRegistrationRequest {
  /** Field 1. */
  registration?: Registration | null;
}

/** `wgtwo.sipbreakout.v1.DeleteRegistrationRequest`. */
export interface DeleteRegistrationRequest {
  /** Field 1. */
  registration?: Registration | null;
}

/** `google.protobuf.Duration` (seconds as a number: proto-loader's `longs: Number`). */
export interface Duration {
  /** Whole seconds. */
  seconds: number;
  /** Nanoseconds. */
  nanos: number;
}

/** `wgtwo.sipbreakout.v1.UpsertRegistrationResponse`. */
export interface UpsertRegistrationResponse {
  /** Field 1. */
  statusCode: StatusCodeName;
  /** Field 2: why it was refused, for a human (`''` on success). */
  errorMessage: string;
  /** Field 3: how long the registration lives from now (3600 s); absent when refused. */
  timeToLive: Duration | null;
}

/** `wgtwo.sipbreakout.v1.DeleteRegistrationResponse`. */
export interface DeleteRegistrationResponse {
  /** Field 1. */
  statusCode: StatusCodeName;
  /** Field 2. */
  errorMessage: string;
}
