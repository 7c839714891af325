"""A SipBreakoutService client written against Python's grpcio, with the schema
loaded from a FileDescriptorSet (no generated code): it proves the binary wire
format of our server against an implementation we did not write.

Usage: sipbreakout_client.py DESCRIPTOR_SET ADDRESS < calls.json
calls.json: [{"method": "UpsertRegistration", "token": "...", "request": {...}}]
Prints one JSON object per call on stdout.
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


def main():
    descriptor_set_path, address = sys.argv[1], sys.argv[2]
    file_set = descriptor_pb2.FileDescriptorSet()
    with open(descriptor_set_path, "rb") as f:
        file_set.ParseFromString(f.read())
    pool = descriptor_pool.DescriptorPool()
    for file in file_set.file:
        pool.Add(file)
    service = pool.FindServiceByName(SERVICE)
    calls = json.load(sys.stdin)
    options = [("grpc.keepalive_time_ms", 30000), ("grpc.keepalive_timeout_ms", 10000)]
    with grpc.insecure_channel(address, options=options) as channel:
        for call in calls:
            method = service.FindMethodByName(call["method"])
            request_class = message_class(pool, method.input_type.full_name)
            response_class = message_class(pool, method.output_type.full_name)
            request = json_format.ParseDict(call["request"], request_class())
            stub = channel.unary_unary(
                "/%s/%s" % (SERVICE, method.name),
                request_serializer=request_class.SerializeToString,
                response_deserializer=response_class.FromString,
            )
            metadata = [("authorization", "Bearer " + call["token"])] if call.get("token") else []
            out = {"requestHex": request.SerializeToString().hex()}
            try:
                response = stub(request, metadata=metadata, timeout=10)
                out["ok"] = True
                out["response"] = json_format.MessageToDict(response)
                out["responseHex"] = response.SerializeToString().hex()
            except grpc.RpcError as error:
                out["ok"] = False
                out["code"] = error.code().name
                out["details"] = error.details()
            print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
