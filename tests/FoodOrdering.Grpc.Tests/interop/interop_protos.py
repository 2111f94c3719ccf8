"""Message classes of the project's own .proto files for grpcio, built from the descriptor set that the
C# test writes from the generated descriptors (so Python needs no protoc: Debian's python3-protobuf is enough)."""
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory


def load(descriptor_set_path):
    with open(descriptor_set_path, "rb") as f:
        files = descriptor_pb2.FileDescriptorSet.FromString(f.read())
    pool = descriptor_pool.DescriptorPool()
    for file in files.file:
        pool.Add(file)
    factory = message_factory.MessageFactory(pool)
    return lambda full_name: factory.GetPrototype(pool.FindMessageTypeByName(full_name))
