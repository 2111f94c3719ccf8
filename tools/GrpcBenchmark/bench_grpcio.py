"""The reference point: Debian's grpcio (gRPC's C core) calling the C# server, sequential unary Echo.
Usage: /usr/bin/python3 bench_grpcio.py DESCRIPTOR_SET ADDRESS PAYLOAD_BYTES CALLS
Prints: "<p50 us> <p99 us> <calls per second>"."""
import sys
import time

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

pool = descriptor_pool.DescriptorPool()
with open(sys.argv[1], "rb") as f:
    for file in descriptor_pb2.FileDescriptorSet.FromString(f.read()).file:
        pool.Add(file)
factory = message_factory.MessageFactory(pool)
rpc = pool.FindServiceByName("ftgo.benchmark.v1.EchoService").methods_by_name["Echo"]
EchoRequest, EchoResponse = (factory.GetPrototype(t) for t in (rpc.input_type, rpc.output_type))
channel = grpc.insecure_channel(sys.argv[2])
echo = channel.unary_unary(f"/{rpc.containing_service.full_name}/{rpc.name}", EchoRequest.SerializeToString, EchoResponse.FromString)
request = EchoRequest(text="hello", payload=bytes(int(sys.argv[3])))
calls = int(sys.argv[4])

for _ in range(calls // 10):  # warm-up
    echo(request)
latencies = []
started = time.perf_counter()
for _ in range(calls):
    begin = time.perf_counter()
    echo(request)
    latencies.append(time.perf_counter() - begin)
elapsed = time.perf_counter() - started
latencies.sort()
print(f"{latencies[len(latencies) // 2] * 1e6:.0f} {latencies[int(len(latencies) * 0.99)] * 1e6:.0f} {calls / elapsed:.0f}")
