"""A grpcio (Debian python3-grpcio) client of the real Consumer service. Message classes and method paths
come from the descriptor set the C# test writes from the descriptors generated from our .proto files
(so Python needs no protoc). Runs the scenarios of one phase; prints "PASS name" or "FAIL name: why".
Usage: /usr/bin/python3 client.py DESCRIPTOR_SET HOST:PORT CONSUMER_ID serving|slow|database_down|recovered"""
import re
import sys
import time

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

descriptor_set, address, consumer_id, phase = sys.argv[1:5]
consumer_id = int(consumer_id)
pool = descriptor_pool.DescriptorPool()
with open(descriptor_set, "rb") as f:
    for file in descriptor_pb2.FileDescriptorSet.FromString(f.read()).file:
        pool.Add(file)
factory = message_factory.MessageFactory(pool)
channel = grpc.insecure_channel(address)


def message(full_name):
    return factory.GetPrototype(pool.FindMessageTypeByName(full_name))


def method(service_name, method_name, streaming=False):
    rpc = pool.FindServiceByName(service_name).methods_by_name[method_name]
    kind = channel.stream_stream if streaming else channel.unary_unary
    return kind(f"/{service_name}/{method_name}", request_serializer=message(rpc.input_type.full_name).SerializeToString,
                response_deserializer=message(rpc.output_type.full_name).FromString)


CONSUMER_SERVICE = "ftgo.consumer.v1.ConsumerService"
get_consumer = method(CONSUMER_SERVICE, "GetConsumer")
validate_order = method(CONSUMER_SERVICE, "ValidateOrderByConsumer")
GetConsumerRequest = message("ftgo.consumer.v1.GetConsumerRequest")
ValidateOrderByConsumerRequest = message("ftgo.consumer.v1.ValidateOrderByConsumerRequest")
Money = message("ftgo.common.v1.Money")
check_health = method("grpc.health.v1.Health", "Check")
HealthCheckRequest, HealthCheckResponse = message("grpc.health.v1.HealthCheckRequest"), message("grpc.health.v1.HealthCheckResponse")


def expect_error(call, code):
    try:
        call()
    except grpc.RpcError as error:
        assert error.code() == code, f"expected {code}, got {error.code()} ({error.details()})"
        return error
    raise AssertionError(f"expected {code}, got OK")


def validate(amount):
    return validate_order(ValidateOrderByConsumerRequest(consumer_id=consumer_id, order_total=Money(amount=amount)), timeout=5)


def health_status():
    return HealthCheckResponse.ServingStatus.Name(check_health(HealthCheckRequest(service=""), timeout=5).status)


def reflect(version, *requests):
    service = f"grpc.reflection.{version}.ServerReflection"
    Request = message(f"grpc.reflection.{version}.ServerReflectionRequest")
    info = method(service, "ServerReflectionInfo", streaming=True)
    return list(info(iter([Request(**request) for request in requests]), timeout=5))


def get_consumer_():
    consumer = get_consumer(GetConsumerRequest(consumer_id=consumer_id), timeout=5)
    assert consumer.consumer_id == consumer_id, consumer
    assert (consumer.name.first_name, consumer.name.last_name, consumer.order_limit.amount) == ("Ada", "Lovelace", "500.00"), consumer


def validate_order_within_the_limit():
    validate("500.00")


def not_found():
    error = expect_error(lambda: get_consumer(GetConsumerRequest(consumer_id=999999999), timeout=5), grpc.StatusCode.NOT_FOUND)
    assert "999999999" in error.details(), error.details()


def failed_precondition():
    error = expect_error(lambda: validate("500.01"), grpc.StatusCode.FAILED_PRECONDITION)
    assert "500.00" in error.details(), error.details()


def invalid_argument():
    expect_error(lambda: validate("1.005"), grpc.StatusCode.INVALID_ARGUMENT)


def resource_exhausted():
    # A 5 MB request: over the service's 4 MiB limit.
    expect_error(lambda: validate("1" * (5 * 1024 * 1024)), grpc.StatusCode.RESOURCE_EXHAUSTED)


def unimplemented():
    missing = channel.unary_unary(f"/{CONSUMER_SERVICE}/NoSuchMethod", request_serializer=GetConsumerRequest.SerializeToString,
                                  response_deserializer=GetConsumerRequest.FromString)
    expect_error(lambda: missing(GetConsumerRequest(), timeout=5), grpc.StatusCode.UNIMPLEMENTED)


def health_serving():
    assert health_status() == "SERVING", health_status()


def reflection_v1():
    listed, file = reflect("v1", {"list_services": ""}, {"file_containing_symbol": CONSUMER_SERVICE})
    names = [s.name for s in listed.list_services_response.service]
    assert CONSUMER_SERVICE in names and "grpc.health.v1.Health" in names, names
    protos = [descriptor_pb2.FileDescriptorProto.FromString(b) for b in file.file_descriptor_response.file_descriptor_proto]
    consumer_proto = next(p for p in protos if p.name == "ftgo/consumer/v1/consumer.proto")
    assert [m.name for m in consumer_proto.service[0].method] == ["GetConsumer", "ValidateOrderByConsumer"], consumer_proto.service


def reflection_v1alpha():
    (listed,) = reflect("v1alpha", {"list_services": ""})
    names = [s.name for s in listed.list_services_response.service]
    assert CONSUMER_SERVICE in names, names


def deadline_exceeded():
    started = time.monotonic()
    expect_error(lambda: get_consumer(GetConsumerRequest(consumer_id=consumer_id), timeout=0.3), grpc.StatusCode.DEADLINE_EXCEEDED)
    assert time.monotonic() - started < 5, time.monotonic() - started


def internal_without_details():
    error = expect_error(lambda: get_consumer(GetConsumerRequest(consumer_id=consumer_id), timeout=5), grpc.StatusCode.INTERNAL)
    assert re.fullmatch(r"An unexpected error occurred\. See the service log for trace id [0-9a-f]+\.", error.details()), error.details()


def health_not_serving():
    assert health_status() == "NOT_SERVING", health_status()


PHASES = {
    "serving": {"get_consumer": get_consumer_, "validate_order_within_the_limit": validate_order_within_the_limit, "not_found": not_found,
                "failed_precondition": failed_precondition, "invalid_argument": invalid_argument, "resource_exhausted": resource_exhausted,
                "unimplemented": unimplemented, "health_serving": health_serving, "reflection_v1": reflection_v1,
                "reflection_v1alpha": reflection_v1alpha},
    "slow": {"deadline_exceeded": deadline_exceeded},
    "database_down": {"internal_without_details": internal_without_details, "health_not_serving": health_not_serving},
    "recovered": {"health_serving_again": health_serving},
}

failed = 0
for name, scenario in PHASES[phase].items():
    try:
        scenario()
        print("PASS", name, flush=True)
    except Exception as error:  # noqa: BLE001 - every failure is reported, then the next scenario runs
        failed += 1
        print("FAIL", name + ":", repr(error), flush=True)
sys.exit(1 if failed else 0)
