import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ApiError } from './api-error.js';

/**
 * The directory holding this package's `.proto` files: `proto/` at the
 * package root (it ships in the npm package), found from `src/`, `dist/` or
 * the benchmark build `dist/bench-build/src/`.
 */
export const PROTO_DIR: string = findProtoDir();

function findProtoDir(): string {
  for (const up of ['../proto/', '../../../proto/']) {
    const dir = fileURLToPath(new URL(up, import.meta.url));
    if (existsSync(`${dir}wgtwo/sipbreakout/v1/sipbreakout.proto`)) return dir;
  }
  throw new ApiError('API_ERR_PROTO_NOT_FOUND', `@sipbreakout/grpc-api: proto/ not found from ${import.meta.url}`);
}

/** The file that declares `wgtwo.sipbreakout.v1.SipBreakoutService`, relative to {@link PROTO_DIR}. */
export const SIP_BREAKOUT_PROTO = 'wgtwo/sipbreakout/v1/sipbreakout.proto';

/** The file that declares `wgtwo.common.v1.E164`, relative to {@link PROTO_DIR}. */
export const PHONE_NUMBER_PROTO = 'wgtwo/common/v1/phonenumber.proto';

/** The fully qualified name of the service. */
export const SERVICE_NAME = 'wgtwo.sipbreakout.v1.SipBreakoutService';

/** The gRPC paths of the service's methods. */
export const METHOD_PATHS = {
  UpsertRegistration: `/${SERVICE_NAME}/UpsertRegistration`,
  DeleteRegistration: `/${SERVICE_NAME}/DeleteRegistration`,
} as const;

/** A method of the service, by its proto name. */
export type MethodName = keyof typeof METHOD_PATHS;
