"""A web terminal on the core's WebTerminalService with Python's grpcio (gRPC's C core: a client we
did not write), the schema loaded from the descriptor set the test writes (no generated code).

Usage: web_terminal_pipe.py DESCRIPTOR_SET ADDRESS < spec.json
spec.json: {"token": "...", "metadata": {"wg2-msisdn": "+47..."}, "method": "Pipe" | "MultiPipe",
            "steps": [{"send": {...proto3 JSON of a WebTerminalMessage...}}
                      | {"receive": true}                 (the next message)
                      | {"until": "answer" | "bye" | ...}] (messages up to one of that kind)}
Prints one JSON object a line: each message received, as
{"kind": <the member of the message oneof>, "message": {...proto3 JSON...}},
then {"status": "OK"} or {"status": "<gRPC code name>", "details": "..."}.
"""
import json
import queue
import sys

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory

SERVICE = "wgtwo.webterminal.v0.WebTerminalService"


def message_class(pool, name):
    descriptor = pool.FindMessageTypeByName(name)
    if hasattr(message_factory, "GetMessageClass"):
        return message_factory.GetMessageClass(descriptor)
    return message_factory.MessageFactory(pool).GetPrototype(descriptor)


def report(message):
    kind = message.WhichOneof("message")
    print(json.dumps({"kind": kind, "message": json_format.MessageToDict(message)}), flush=True)
    return kind


def main():
    descriptor_set_path, address = sys.argv[1], sys.argv[2]
    file_set = descriptor_pb2.FileDescriptorSet()
    with open(descriptor_set_path, "rb") as f:
        file_set.ParseFromString(f.read())
    pool = descriptor_pool.DescriptorPool()
    for file in file_set.file:
        pool.Add(file)
    spec = json.load(sys.stdin)
    method = pool.FindServiceByName(SERVICE).FindMethodByName(spec["method"])
    message = message_class(pool, method.input_type.full_name)
    outgoing = queue.Queue()

    def requests():
        while True:
            item = outgoing.get()
            if item is None:
                return
            yield item

    metadata = [("authorization", "Bearer " + spec["token"])]
    metadata += [(k, v) for k, v in spec.get("metadata", {}).items()]
    with grpc.insecure_channel(address) as channel:
        stub = channel.stream_stream(
            "/%s/%s" % (SERVICE, method.name),
            request_serializer=message.SerializeToString,
            response_deserializer=message.FromString,
        )
        call = stub(requests(), metadata=metadata, timeout=30)
        try:
            for step in spec["steps"]:
                if "send" in step:
                    outgoing.put(json_format.ParseDict(step["send"], message()))
                elif "until" in step:
                    while report(next(call)) != step["until"]:
                        pass
                else:
                    report(next(call))
            # Half-close: the terminal leaves; the server ends the stream with OK.
            outgoing.put(None)
            for received in call:
                report(received)
            print(json.dumps({"status": "OK"}), flush=True)
        except grpc.RpcError as error:
            outgoing.put(None)
            print(json.dumps({"status": error.code().name, "details": error.details()}), flush=True)


if __name__ == "__main__":
    main()
