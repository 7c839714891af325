import {
  loadSync,
  type AnyDefinition,
  type EnumTypeDefinition,
  type MessageTypeDefinition,
  type Options,
  type PackageDefinition,
} from '@grpc/proto-loader';
import type { ServiceDefinition } from '@grpc/grpc-js';
import { ApiError } from './api-error.js';
import { buildDescriptorSet, type DescriptorSet } from './descriptor-set.js';
import { PROTO_DIR, SERVICE_NAME, SIP_BREAKOUT_PROTO } from './proto-files.js';

/**
 * How the messages look in TypeScript: lowerCamelCase fields (as in the
 * proto3 JSON mapping), enums by name, int64 as number, defaults filled in.
 */
export const PROTO_LOADER_OPTIONS: Options = {
  keepCase: false,
  enums: String,
  longs: Number,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_DIR],
};

/** The API loaded for grpc-js, with the complete descriptors beside it. */
export interface SipBreakoutPackage {
  /** proto-loader's package definition (its descriptors are incomplete: see {@link reflectionPackage}). */
  readonly definition: PackageDefinition;
  /** The service, for `Server.addService` and `makeGenericClientConstructor`. */
  readonly service: ServiceDefinition;
  /** The complete descriptors, built from the same files. */
  readonly descriptors: DescriptorSet;
  /**
   * The package definition to give `@grpc/reflection`: proto-loader's, with
   * every entry's `fileDescriptorProtos` replaced by the complete ones, so
   * reflection serves files under their real names with their imports.
   */
  readonly reflectionPackage: PackageDefinition;
}

let loaded: SipBreakoutPackage | undefined;

/** Loads (once) the .proto files of this package. */
export function loadSipBreakoutPackage(): SipBreakoutPackage {
  if (loaded !== undefined) return loaded;
  const definition = loadSync(SIP_BREAKOUT_PROTO, PROTO_LOADER_OPTIONS);
  const entry = definition[SERVICE_NAME];
  if (entry === undefined || !isServiceDefinition(entry))
    throw new ApiError('API_ERR_SERVICE_NOT_FOUND', `${SERVICE_NAME} is not in ${SIP_BREAKOUT_PROTO}`);
  const descriptors = buildDescriptorSet();
  const reflectionPackage = reflectionPackageOf(definition, descriptors);
  loaded = { definition, service: entry as unknown as ServiceDefinition, descriptors, reflectionPackage };
  return loaded;
}

/**
 * The package definition to give `@grpc/reflection` for `definition`:
 * every message and enum entry's `fileDescriptorProtos` replaced by the
 * complete descriptors, so reflection serves files under their real names
 * with their imports. With `namespaces`, only the entries whose full name
 * starts with one of them are kept (proto-loader also lists, for instance,
 * the `google.protobuf` descriptor types a custom-options file imports).
 * Several such definitions can be merged into one object for one
 * reflection service.
 */
export function reflectionPackageOf(
  definition: PackageDefinition,
  descriptors: DescriptorSet,
  namespaces?: readonly string[],
): PackageDefinition {
  const complete = descriptors.encodedFiles.map((file) => Buffer.from(file));
  const reflectionPackage: PackageDefinition = {};
  for (const [name, value] of Object.entries(definition)) {
    if (namespaces !== undefined && !namespaces.some((namespace) => name.startsWith(`${namespace}.`))) continue;
    // Message and enum entries carry `format` and `fileDescriptorProtos`; services do not.
    if (isTypeDefinition(value)) {
      const patched: MessageTypeDefinition<object, object> | EnumTypeDefinition = {
        ...value,
        fileDescriptorProtos: complete,
      };
      reflectionPackage[name] = patched;
    } else {
      reflectionPackage[name] = value;
    }
  }
  return reflectionPackage;
}

function isServiceDefinition(value: object): boolean {
  return !('format' in value) && 'UpsertRegistration' in value && 'DeleteRegistration' in value;
}

function isTypeDefinition(value: AnyDefinition): value is MessageTypeDefinition<object, object> | EnumTypeDefinition {
  return typeof value.format === 'string';
}
