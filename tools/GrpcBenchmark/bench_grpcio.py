"""The reference point: Debian's grpcio (gRPC's C core) calling our C# server, sequential unary Echo.
Usage: /usr/bin/python3 bench_grpcio.py INTEROP_DIR DESCRIPTOR_SET ADDRESS PAYLOAD_BYTES CALLS
Prints: "<p50 us> <p99 us> <calls per second>"."""
import sys
import time

sys.path.insert(0, sys.argv[1])
import grpc  # noqa: E402
from interop_protos import load  # noqa: E402

message = load(sys.argv[2])
EchoRequest, EchoResponse = message("ftgo.interop.v1.EchoRequest"), message("ftgo.interop.v1.EchoResponse")
channel = grpc.insecure_channel(sys.argv[3])
echo = channel.unary_unary("/ftgo.interop.v1.InteropService/Echo", EchoRequest.SerializeToString, EchoResponse.FromString)
request = EchoRequest(text="hello", payload=bytes(int(sys.argv[4])))
calls = int(sys.argv[5])

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
