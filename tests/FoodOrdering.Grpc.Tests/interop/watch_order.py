"""A grpcio (Debian python3-grpcio) watcher of the real Order service: ftgo.order.v1.OrderService/WatchOrder
(server streaming). Message classes and the method path come from the descriptor set the C# test writes from
the descriptors generated from our .proto files (so Python needs no protoc). Prints "STATE name (order id)"
for every message as it arrives, then "END OK" when the service ends the stream, or "END CODE details".
The same lines as watch_order.js, so one test reads both.
Usage: /usr/bin/python3 watch_order.py DESCRIPTOR_SET HOST:PORT ORDER_ID"""
import sys

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

descriptor_set, address, order_id = sys.argv[1:4]
pool = descriptor_pool.DescriptorPool()
with open(descriptor_set, "rb") as f:
    for file in descriptor_pb2.FileDescriptorSet.FromString(f.read()).file:
        pool.Add(file)
factory = message_factory.MessageFactory(pool)


def message(full_name):
    return factory.GetPrototype(pool.FindMessageTypeByName(full_name))


ORDER_SERVICE = "ftgo.order.v1.OrderService"
rpc = pool.FindServiceByName(ORDER_SERVICE).methods_by_name["WatchOrder"]
assert rpc.server_streaming and not rpc.client_streaming, "WatchOrder is server streaming"
WatchOrderRequest, OrderStateChanged = message(rpc.input_type.full_name), message(rpc.output_type.full_name)

with grpc.insecure_channel(address) as channel:
    watch_order = channel.unary_stream(f"/{ORDER_SERVICE}/WatchOrder", request_serializer=WatchOrderRequest.SerializeToString,
                                       response_deserializer=OrderStateChanged.FromString)
    try:
        for change in watch_order(WatchOrderRequest(order_id=int(order_id)), timeout=120):
            print(f"STATE {change.state} (order {change.order_id})", flush=True)
        print("END OK", flush=True)
    except grpc.RpcError as error:
        print(f"END {error.code().name} {error.details()}", flush=True)
        sys.exit(1)
