import { createRequire } from 'node:module';
import protobuf from 'protobufjs';
import { ApiError } from './api-error.js';
import { PROTO_DIR, SIP_BREAKOUT_PROTO } from './proto-files.js';

/**
 * A `google.protobuf.FileDescriptorProto` as a plain object (protobufjs's
 * camelCase field names), the way reflection serves it.
 */
export interface FileDescriptor {
  /** Path relative to the import root, as in `import "…"`. */
  readonly name: string;
  /** The proto package. */
  readonly package: string;
  /** Every file this one imports, by name. */
  readonly dependency: readonly string[];
  /** `proto3`. */
  readonly syntax: string;
  /** Message types, enums and services as `DescriptorProto`-shaped objects. */
  readonly messageType: readonly object[];
  readonly enumType: readonly object[];
  readonly service: readonly object[];
}

/** Complete descriptors of the API: every file, with its imports named and included. */
export interface DescriptorSet {
  /** Files in dependency order (a file comes after the files it imports). */
  readonly files: readonly FileDescriptor[];
  /** Each file encoded as a `FileDescriptorProto`, in the same order. */
  readonly encodedFiles: readonly Uint8Array[];
  /** The whole `FileDescriptorSet`, encoded (what `protoc -o` / `buf build -o` write). */
  readonly encodedSet: Uint8Array;
}

// descriptor.proto's FieldDescriptorProto.Type and .Label numbers.
const SCALAR_TYPES: Readonly<Record<string, number>> = {
  double: 1,
  float: 2,
  int64: 3,
  uint64: 4,
  int32: 5,
  fixed64: 6,
  fixed32: 7,
  bool: 8,
  string: 9,
  bytes: 12,
  uint32: 13,
  sfixed32: 15,
  sfixed64: 16,
  sint32: 17,
  sint64: 18,
};
const TYPE_MESSAGE = 11;
const TYPE_ENUM = 14;
const LABEL_OPTIONAL = 1;
const LABEL_REPEATED = 3;

let descriptorTypes: { file: protobuf.Type; set: protobuf.Type } | undefined;

/** protobufjs's bundled `google/protobuf/descriptor.proto`, as types to encode with. */
export function descriptorProtoTypes(): { file: protobuf.Type; set: protobuf.Type } {
  if (descriptorTypes === undefined) {
    // descriptor.proto as protobufjs ships it (not in its `common` set unless
    // ext/descriptor was loaded first).
    const json: unknown = createRequire(import.meta.url)('protobufjs/google/protobuf/descriptor.json');
    const root = protobuf.Root.fromJSON(json as protobuf.INamespace);
    descriptorTypes = {
      file: root.lookupType('google.protobuf.FileDescriptorProto'),
      set: root.lookupType('google.protobuf.FileDescriptorSet'),
    };
  }
  return descriptorTypes;
}

/** Which `.proto` files {@link loadProtoRoot} parses, and from where. */
export interface ProtoSource {
  /** The import root (ends with `/`). */
  readonly protoDir: string;
  /** The files to load, relative to {@link ProtoSource.protoDir}. */
  readonly files: readonly string[];
  /**
   * Imports to leave out, relative to the import root: a file that only
   * declares custom options (and imports `google/protobuf/descriptor.proto`
   * for them) is not needed to describe messages and services. The option
   * values stay in protobufjs's `options` of the objects that carry them.
   */
  readonly skipImports?: readonly string[] | undefined;
}

/**
 * Parses `.proto` files (and the well-known types they import) with
 * protobufjs: by default this package's, from {@link PROTO_DIR}.
 */
export function loadProtoRoot(
  source: ProtoSource = { protoDir: PROTO_DIR, files: [SIP_BREAKOUT_PROTO] },
): protobuf.Root {
  const root = new protobuf.Root();
  const dir = source.protoDir;
  const skipped = new Set(source.skipImports ?? []);
  // Imports resolve against the proto directory; google/protobuf/* come from
  // protobufjs's bundled well-known types, under their canonical names. A
  // resolver that answers null makes protobufjs leave the import out.
  root.resolvePath = (_origin, target) => {
    if (skipped.has(target)) return null;
    return target.startsWith('google/protobuf/') || target.startsWith(dir) ? target : dir + target;
  };
  root.loadSync([...source.files], { keepCase: true });
  root.resolveAll();
  return root;
}

/**
 * Builds complete descriptors from the `.proto` files: one
 * `FileDescriptorProto` per source file, under its real name, with its
 * `dependency` list filled in. `@grpc/proto-loader` instead regroups files by
 * package under invented names (`wgtwo_sipbreakout_v1.proto`) and leaves
 * `dependency` empty, which reflection clients such as `buf curl` and
 * `grpcurl` cannot link.
 */
export function buildDescriptorSet(root: protobuf.Root = loadProtoRoot(), protoDir: string = PROTO_DIR): DescriptorSet {
  const byFile = new Map<
    string,
    { package: string; messages: object[]; enums: object[]; services: object[]; deps: Set<string> }
  >();
  const fileOf = (object: protobuf.ReflectionObject): string => fileName(object, protoDir);
  const entry = (object: protobuf.ReflectionObject): NonNullable<ReturnType<typeof byFile.get>> => {
    const name = fileOf(object);
    let found = byFile.get(name);
    if (found === undefined) {
      found = {
        package: object.parent === null ? '' : object.parent.fullName.slice(1),
        messages: [],
        enums: [],
        services: [],
        deps: new Set(),
      };
      byFile.set(name, found);
    }
    return found;
  };
  const depend = (from: protobuf.ReflectionObject, on: protobuf.ReflectionObject): void => {
    if (fileOf(on) !== fileOf(from)) entry(from).deps.add(fileOf(on));
  };

  const visit = (namespace: protobuf.NamespaceBase): void => {
    for (const nested of namespace.nestedArray) {
      if (nested instanceof protobuf.Type) entry(nested).messages.push(messageDescriptor(nested, depend));
      else if (nested instanceof protobuf.Enum) entry(nested).enums.push(enumDescriptor(nested));
      else if (nested instanceof protobuf.Service) entry(nested).services.push(serviceDescriptor(nested, depend));
      else if (nested instanceof protobuf.Namespace) visit(nested);
    }
  };
  visit(root);

  const unordered = new Map<string, FileDescriptor>();
  for (const [name, file] of byFile) {
    unordered.set(name, {
      name,
      package: file.package,
      dependency: [...file.deps].sort(),
      syntax: 'proto3',
      messageType: file.messages,
      enumType: file.enums,
      service: file.services,
    });
  }
  const files = dependencyOrder(unordered);
  const types = descriptorProtoTypes();
  const encodedFiles = files.map((file) => types.file.encode(types.file.fromObject(file)).finish());
  const encodedSet = types.set.encode(types.set.fromObject({ file: files })).finish();
  return { files, encodedFiles, encodedSet };
}

// protobufjs loads the well-known types from bundled JSON, without a file
// name: give them their canonical one.
const WELL_KNOWN_FILES: Readonly<Record<string, string>> = {
  Any: 'any',
  Api: 'api',
  Method: 'api',
  Mixin: 'api',
  Duration: 'duration',
  Empty: 'empty',
  FieldMask: 'field_mask',
  SourceContext: 'source_context',
  Struct: 'struct',
  Value: 'struct',
  ListValue: 'struct',
  NullValue: 'struct',
  Timestamp: 'timestamp',
  DoubleValue: 'wrappers',
  FloatValue: 'wrappers',
  Int64Value: 'wrappers',
  UInt64Value: 'wrappers',
  Int32Value: 'wrappers',
  UInt32Value: 'wrappers',
  BoolValue: 'wrappers',
  StringValue: 'wrappers',
  BytesValue: 'wrappers',
};

function fileName(object: protobuf.ReflectionObject, protoDir: string): string {
  const filename = object.filename ?? '';
  if (filename.startsWith(protoDir)) return filename.slice(protoDir.length);
  if (filename !== '') return filename;
  let top: protobuf.ReflectionObject = object;
  while (top.parent instanceof protobuf.Type) top = top.parent;
  const wellKnown = top.fullName.startsWith('.google.protobuf.') ? WELL_KNOWN_FILES[top.name] : undefined;
  if (wellKnown === undefined) throw new ApiError('API_ERR_PROTO_FILE_UNKNOWN', `no file known for ${object.fullName}`);
  return `google/protobuf/${wellKnown}.proto`;
}

function dependencyOrder(files: ReadonlyMap<string, FileDescriptor>): FileDescriptor[] {
  const ordered: FileDescriptor[] = [];
  const placed = new Set<string>();
  const place = (name: string): void => {
    const file = files.get(name);
    if (file === undefined || placed.has(name)) return;
    placed.add(name);
    for (const dependency of file.dependency) place(dependency);
    ordered.push(file);
  };
  for (const name of [...files.keys()].sort()) place(name);
  return ordered;
}

type Depend = (from: protobuf.ReflectionObject, on: protobuf.ReflectionObject) => void;

function messageDescriptor(type: protobuf.Type, depend: Depend): object {
  // Real oneofs only: proto3 `optional` makes synthetic ones, which this
  // builder does not describe (no file here uses `optional`).
  const oneofs = type.oneofsArray;
  return {
    name: type.name,
    field: type.fieldsArray.map((field) => {
      const resolved = field.resolve().resolvedType;
      const scalar = SCALAR_TYPES[field.type];
      if (resolved !== null) depend(type, resolved);
      return {
        name: field.name,
        number: field.id,
        label: field.repeated ? LABEL_REPEATED : LABEL_OPTIONAL,
        type: resolved instanceof protobuf.Enum ? TYPE_ENUM : resolved !== null ? TYPE_MESSAGE : scalar,
        ...(resolved !== null ? { typeName: resolved.fullName } : {}),
        ...(field.partOf !== null ? { oneofIndex: oneofs.indexOf(field.partOf) } : {}),
        jsonName: lowerCamel(field.name),
      };
    }),
    ...(oneofs.length > 0 ? { oneofDecl: oneofs.map((oneof) => ({ name: oneof.name })) } : {}),
    // protobufjs keeps inclusive [start, end] pairs; the descriptor's end is exclusive.
    reservedRange: (type.reserved ?? [])
      .filter((range): range is number[] => Array.isArray(range))
      .map(([start, end]) => ({ start, end: (end ?? start ?? 0) + 1 })),
    reservedName: (type.reserved ?? []).filter((name): name is string => typeof name === 'string'),
    nestedType: type.nestedArray
      .filter((n): n is protobuf.Type => n instanceof protobuf.Type)
      .map((n) => messageDescriptor(n, depend)),
    enumType: type.nestedArray.filter((n): n is protobuf.Enum => n instanceof protobuf.Enum).map(enumDescriptor),
  };
}

function enumDescriptor(enumeration: protobuf.Enum): object {
  return {
    name: enumeration.name,
    value: Object.entries(enumeration.values).map(([name, number]) => ({ name, number })),
  };
}

function serviceDescriptor(service: protobuf.Service, depend: Depend): object {
  return {
    name: service.name,
    method: service.methodsArray.map((method) => {
      method.resolve();
      const input = method.resolvedRequestType;
      const output = method.resolvedResponseType;
      if (input !== null) depend(service, input);
      if (output !== null) depend(service, output);
      return {
        name: method.name,
        inputType: input?.fullName ?? method.requestType,
        outputType: output?.fullName ?? method.responseType,
        // Set only when true, as protoc writes them.
        ...(method.requestStream === true ? { clientStreaming: true } : {}),
        ...(method.responseStream === true ? { serverStreaming: true } : {}),
      };
    }),
  };
}

// protoc's ToJsonName: drop underscores and upper-case the letter after each.
function lowerCamel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}
