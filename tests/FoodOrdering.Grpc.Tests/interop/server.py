"""A grpcio (Debian python3-grpcio) server of ftgo.interop.v1.InteropService, for our C# client to call.
Usage: /usr/bin/python3 server.py DESCRIPTOR_SET PORT   (prints "LISTENING PORT" when ready)"""
import sys
import threading
from concurrent import futures

import grpc

from interop_protos import load

message = load(sys.argv[1])
EchoRequest, EchoResponse = message("ftgo.interop.v1.EchoRequest"), message("ftgo.interop.v1.EchoResponse")
CountRequest, CountResponse = message("ftgo.interop.v1.CountRequest"), message("ftgo.interop.v1.CountResponse")
ChatMessage = message("ftgo.interop.v1.ChatMessage")
STATUS_CODES = {code.value[0]: code for code in grpc.StatusCode}


def echo(request, context):
    echoed = dict(context.invocation_metadata()).get("x-echo")
    if echoed is not None:
        context.send_initial_metadata((("x-echo-header", echoed),))
        context.set_trailing_metadata((("x-echo-trailer", echoed),))
    if request.delay_ms > 0:
        # Wait, but stop as soon as the client gives up (deadline or cancel).
        done = threading.Event()
        context.add_callback(done.set)
        done.wait(request.delay_ms / 1000)
    if request.fail_with_code != 0:
        context.abort(STATUS_CODES[request.fail_with_code], request.fail_with_message)
    return EchoResponse(text=request.text, payload=request.payload)


def count(request, context):
    stop = threading.Event()
    context.add_callback(stop.set)
    for number in range(1, request.count + 1):
        if stop.is_set():
            return
        yield CountResponse(number=number)
        stop.wait(request.interval_ms / 1000)


def chat(requests, context):
    for request in requests:
        yield ChatMessage(text="echo: " + request.text)


handlers = {
    "Echo": grpc.unary_unary_rpc_method_handler(echo, EchoRequest.FromString, EchoResponse.SerializeToString),
    "Count": grpc.unary_stream_rpc_method_handler(count, CountRequest.FromString, CountResponse.SerializeToString),
    "Chat": grpc.stream_stream_rpc_method_handler(chat, ChatMessage.FromString, ChatMessage.SerializeToString),
}
server = grpc.server(futures.ThreadPoolExecutor(max_workers=32))
server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler("ftgo.interop.v1.InteropService", handlers),))
port = server.add_insecure_port("127.0.0.1:" + sys.argv[2])
server.start()
print("LISTENING", port, flush=True)
server.wait_for_termination()
