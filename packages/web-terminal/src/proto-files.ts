import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The directory holding this package's `.proto` files: `proto/` at the
 * package root (it ships in the npm package), found from `src/` or `dist/`.
 */
export const WEB_TERMINAL_PROTO_DIR: string = findProtoDir();

function findProtoDir(): string {
  for (const up of ['../proto/', '../../../proto/']) {
    const dir = fileURLToPath(new URL(up, import.meta.url));
    if (existsSync(`${dir}wgtwo/webterminal/v0/webterminal.proto`)) return dir;
  }
  throw new Error(`@sipbreakout/web-terminal: proto/ not found from ${import.meta.url}`);
}

/** The file that declares `wgtwo.webterminal.v0.WebTerminalService`, relative to {@link WEB_TERMINAL_PROTO_DIR}. */
export const WEB_TERMINAL_PROTO = 'wgtwo/webterminal/v0/webterminal.proto';

/** The file that declares `wgtwo.common.v0.PhoneNumber`, relative to {@link WEB_TERMINAL_PROTO_DIR}. */
export const PHONE_NUMBER_V0_PROTO = 'wgtwo/common/v0/phonenumber.proto';

/** The file that declares the `wgtwo.scope` method option, relative to {@link WEB_TERMINAL_PROTO_DIR}. */
export const SCOPE_OPTION_PROTO = 'wgtwo/options.proto';

/** The fully qualified name of the service. */
export const WEB_TERMINAL_SERVICE_NAME = 'wgtwo.webterminal.v0.WebTerminalService';

/** The gRPC paths of the service's methods. */
export const WEB_TERMINAL_METHOD_PATHS = {
  Pipe: `/${WEB_TERMINAL_SERVICE_NAME}/Pipe`,
  MultiPipe: `/${WEB_TERMINAL_SERVICE_NAME}/MultiPipe`,
} as const;

/** A method of the service, by its proto name. */
export type WebTerminalMethodName = keyof typeof WEB_TERMINAL_METHOD_PATHS;

/** The scope both methods require (the `wgtwo.scope` option the .proto carries on them). */
export const CALL_CONTROL_ANSWER_AND_INITIATE = 'call.control.answer_and_initiate';

/** The scopes each method requires (all of them). */
export const WEB_TERMINAL_SCOPES: Readonly<Record<WebTerminalMethodName, readonly string[]>> = {
  Pipe: [CALL_CONTROL_ANSWER_AND_INITIATE],
  MultiPipe: [CALL_CONTROL_ANSWER_AND_INITIATE],
};
