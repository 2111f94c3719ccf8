"""A grpcio (Debian python3-grpcio) client that runs every interop scenario against our server of
ftgo.interop.v1.InteropService, plus health and reflection. Prints "PASS name" or "FAIL name: why".
Usage: /usr/bin/python3 client.py DESCRIPTOR_SET 127.0.0.1:PORT"""
import sys
import time
import traceback

import grpc

from interop_protos import load

message = load(sys.argv[1])
channel = grpc.insecure_channel(sys.argv[2])
UNICODE = "Grüße, 你好, \U0001F355 100% done"


def method(kind, path, request_type, response_type):
    return getattr(channel, kind)(path, request_serializer=message(request_type).SerializeToString,
                                  response_deserializer=message(response_type).FromString)


EchoRequest, CountRequest, ChatMessage = (message("ftgo.interop.v1." + name) for name in ("EchoRequest", "CountRequest", "ChatMessage"))
echo = method("unary_unary", "/ftgo.interop.v1.InteropService/Echo", "ftgo.interop.v1.EchoRequest", "ftgo.interop.v1.EchoResponse")
count = method("unary_stream", "/ftgo.interop.v1.InteropService/Count", "ftgo.interop.v1.CountRequest", "ftgo.interop.v1.CountResponse")
chat = method("stream_stream", "/ftgo.interop.v1.InteropService/Chat", "ftgo.interop.v1.ChatMessage", "ftgo.interop.v1.ChatMessage")


def expect_error(call, code):
    try:
        call()
    except grpc.RpcError as error:
        assert error.code() == code, f"expected {code}, got {error.code()} ({error.details()})"
        return error
    raise AssertionError(f"expected {code}, got OK")


def unary():
    response = echo(EchoRequest(text="hello", payload=bytes([0, 1, 255])))
    assert (response.text, response.payload) == ("hello", bytes([0, 1, 255])), response


def unicode():
    assert echo(EchoRequest(text=UNICODE)).text == UNICODE
    error = expect_error(lambda: echo(EchoRequest(fail_with_code=3, fail_with_message=UNICODE)), grpc.StatusCode.INVALID_ARGUMENT)
    assert error.details() == UNICODE, error.details()


def error_codes():
    for code in (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.FAILED_PRECONDITION, grpc.StatusCode.PERMISSION_DENIED, grpc.StatusCode.UNAVAILABLE):
        error = expect_error(lambda: echo(EchoRequest(fail_with_code=code.value[0], fail_with_message=f"code {code.name}")), code)
        assert error.details() == f"code {code.name}", error.details()


def internal_error_hides_details():
    error = expect_error(lambda: echo(EchoRequest(crash=True)), grpc.StatusCode.INTERNAL)
    assert "secret" not in error.details(), error.details()


def unknown_method():
    missing = method("unary_unary", "/ftgo.interop.v1.InteropService/NoSuchMethod", "ftgo.interop.v1.EchoRequest", "ftgo.interop.v1.EchoResponse")
    expect_error(lambda: missing(EchoRequest()), grpc.StatusCode.UNIMPLEMENTED)


def deadline_exceeded():
    started = time.monotonic()
    expect_error(lambda: echo(EchoRequest(delay_ms=10000), timeout=0.2), grpc.StatusCode.DEADLINE_EXCEEDED)
    assert time.monotonic() - started < 5


def metadata():
    _, call = echo.with_call(EchoRequest(text="m"), metadata=(("x-echo", "from grpcio"),))
    assert ("x-echo-header", "from grpcio") in call.initial_metadata(), call.initial_metadata()
    assert ("x-echo-trailer", "from grpcio") in call.trailing_metadata(), call.trailing_metadata()


def server_streaming():
    numbers = [response.number for response in count(CountRequest(count=20))]
    assert numbers == list(range(1, 21)), numbers


def server_streaming_early_cancel():
    stream = count(CountRequest(count=1000, interval_ms=20))
    received = []
    try:
        for response in stream:
            received.append(response.number)
            if response.number == 3:
                stream.cancel()
    except grpc.RpcError as error:
        assert error.code() == grpc.StatusCode.CANCELLED, error.code()
    assert received == [1, 2, 3], received


def concurrent_150():
    calls = [echo.future(EchoRequest(text=f"call {i}")) for i in range(150)]
    assert [call.result().text for call in calls] == [f"call {i}" for i in range(150)]


def bidi_streaming():
    replies = [reply.text for reply in chat(iter([ChatMessage(text="a"), ChatMessage(text=UNICODE)]))]
    assert replies == ["echo: a", "echo: " + UNICODE], replies


def health_check():
    check = method("unary_unary", "/grpc.health.v1.Health/Check", "grpc.health.v1.HealthCheckRequest", "grpc.health.v1.HealthCheckResponse")
    assert check(message("grpc.health.v1.HealthCheckRequest")(service="")).status == 1  # SERVING


def reflection_v1():
    reflect = method("stream_stream", "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
                     "grpc.reflection.v1.ServerReflectionRequest", "grpc.reflection.v1.ServerReflectionResponse")
    Request = message("grpc.reflection.v1.ServerReflectionRequest")
    listed, file = list(reflect(iter([Request(list_services=""), Request(file_containing_symbol="ftgo.interop.v1.EchoRequest")])))
    assert "ftgo.interop.v1.InteropService" in [s.name for s in listed.list_services_response.service], listed
    from google.protobuf import descriptor_pb2
    proto = descriptor_pb2.FileDescriptorProto.FromString(file.file_descriptor_response.file_descriptor_proto[0])
    assert proto.name == "ftgo/interop/v1/interop.proto", proto.name


failed = 0
for scenario in (unary, unicode, error_codes, internal_error_hides_details, unknown_method, deadline_exceeded, metadata,
                 server_streaming, server_streaming_early_cancel, concurrent_150, bidi_streaming, health_check, reflection_v1):
    try:
        scenario()
        print("PASS", scenario.__name__, flush=True)
    except Exception as error:  # noqa: BLE001 - every failure is reported, then the next scenario runs
        failed += 1
        print("FAIL", scenario.__name__ + ":", repr(error), traceback.format_exc().replace("\n", " | "), flush=True)
sys.exit(1 if failed else 0)
