"""One UpsertRegistration (or DeleteRegistration) with Python's grpcio (a gRPC client we did not
write, on gRPC's C core and its own TLS), the schema loaded from a
FileDescriptorSet (no generated code), in plaintext or over TLS.

Usage: upsert_registration.py DESCRIPTOR_SET ADDRESS < call.json
call.json: {"token": "...", "request": {...}, "method": "DeleteRegistration",
            "tls": {"caFile": "...", "certFile": "...", "keyFile": "...", "serverName": "..."}}
           (method absent: UpsertRegistration; tls absent: plaintext; every tls key optional)
Prints one JSON object: {"ok": true, "response": {...}} or {"ok": false, "code": "...", "details": "..."}.
"""
import json
import sys

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory

SERVICE = "wgtwo.sipbreakout.v1.SipBreakoutService"


def message_class(pool, name):
    descriptor = pool.FindMessageTypeByName(name)
    if hasattr(message_factory, "GetMessageClass"):
        return message_factory.GetMessageClass(descriptor)
    return message_factory.MessageFactory(pool).GetPrototype(descriptor)


def read(path):
    if path is None:
        return None
    with open(path, "rb") as f:
        return f.read()


def main():
    descriptor_set_path, address = sys.argv[1], sys.argv[2]
    file_set = descriptor_pb2.FileDescriptorSet()
    with open(descriptor_set_path, "rb") as f:
        file_set.ParseFromString(f.read())
    pool = descriptor_pool.DescriptorPool()
    for file in file_set.file:
        pool.Add(file)
    call = json.load(sys.stdin)
    method = pool.FindServiceByName(SERVICE).FindMethodByName(call.get("method", "UpsertRegistration"))
    request_class = message_class(pool, method.input_type.full_name)
    response_class = message_class(pool, method.output_type.full_name)
    tls = call.get("tls")
    if tls is None:
        channel = grpc.insecure_channel(address)
    else:
        credentials = grpc.ssl_channel_credentials(
            root_certificates=read(tls.get("caFile")),
            private_key=read(tls.get("keyFile")),
            certificate_chain=read(tls.get("certFile")),
        )
        options = [("grpc.ssl_target_name_override", tls["serverName"])] if tls.get("serverName") else []
        channel = grpc.secure_channel(address, credentials, options=options)
    with channel:
        stub = channel.unary_unary(
            "/%s/%s" % (SERVICE, method.name),
            request_serializer=request_class.SerializeToString,
            response_deserializer=response_class.FromString,
        )
        request = json_format.ParseDict(call["request"], request_class())
        try:
            response = stub(request, metadata=[("authorization", "Bearer " + call["token"])], timeout=10)
            out = {"ok": True, "response": json_format.MessageToDict(response)}
        except grpc.RpcError as error:
            out = {"ok": False, "code": error.code().name, "details": error.details()}
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
