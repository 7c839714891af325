import { loadSync, type PackageDefinition } from '@grpc/proto-loader';
import type { ServiceDefinition } from '@grpc/grpc-js';
import {
  buildDescriptorSet,
  loadProtoRoot,
  PROTO_LOADER_OPTIONS,
  reflectionPackageOf,
  type DescriptorSet,
} from '@sipbreakout/grpc-api';
import {
  SCOPE_OPTION_PROTO,
  WEB_TERMINAL_PROTO,
  WEB_TERMINAL_PROTO_DIR,
  WEB_TERMINAL_SERVICE_NAME,
} from './proto-files.js';

/** The Web Terminal API loaded for grpc-js, with the complete descriptors beside it. */
export interface WebTerminalPackage {
  /** proto-loader's package definition. */
  readonly definition: PackageDefinition;
  /** The service, for `Server.addService` and `makeGenericClientConstructor`. */
  readonly service: ServiceDefinition;
  /**
   * Complete descriptors (`wgtwo/common/v0/phonenumber.proto`,
   * `wgtwo/webterminal/v0/webterminal.proto`): what reflection serves and
   * what a client without generated code (Python's grpcio) loads. The
   * `wgtwo.scope` method option is left out of them, with
   * `wgtwo/options.proto`, so that they need no `descriptor.proto`: the scope
   * is enforced from `WEB_TERMINAL_SCOPES`, which a test holds equal to the
   * option in the .proto.
   */
  readonly descriptors: DescriptorSet;
  /** The package definition to give `@grpc/reflection` (the `wgtwo.*` entries, complete descriptors). */
  readonly reflectionPackage: PackageDefinition;
}

let loaded: WebTerminalPackage | undefined;

/** Loads (once) the .proto files of this package. */
export function loadWebTerminalPackage(): WebTerminalPackage {
  if (loaded !== undefined) return loaded;
  const definition = loadSync(WEB_TERMINAL_PROTO, { ...PROTO_LOADER_OPTIONS, includeDirs: [WEB_TERMINAL_PROTO_DIR] });
  const entry = definition[WEB_TERMINAL_SERVICE_NAME];
  if (entry === undefined || 'format' in entry || !('Pipe' in entry) || !('MultiPipe' in entry))
    throw new Error(`${WEB_TERMINAL_SERVICE_NAME} is not in ${WEB_TERMINAL_PROTO}`);
  const root = loadProtoRoot({
    protoDir: WEB_TERMINAL_PROTO_DIR,
    files: [WEB_TERMINAL_PROTO],
    skipImports: [SCOPE_OPTION_PROTO],
  });
  const descriptors = buildDescriptorSet(root, WEB_TERMINAL_PROTO_DIR);
  const reflectionPackage = reflectionPackageOf(definition, descriptors, ['wgtwo']);
  loaded = { definition, service: entry as unknown as ServiceDefinition, descriptors, reflectionPackage };
  return loaded;
}
