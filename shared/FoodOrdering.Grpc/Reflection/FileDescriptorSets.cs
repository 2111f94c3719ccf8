using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace FoodOrdering.Grpc.Reflection;

/// <summary>
/// The generated descriptors as a serialized FileDescriptorSet (what `protoc --descriptor_set_out`
/// writes), every file after the files it imports: lets a peer without protoc, such as grpcio with
/// python3-protobuf, build the project's message classes.
/// </summary>
public static class FileDescriptorSets
{
    public static byte[] Of(params FileDescriptor[] files)
    {
        var set = new FileDescriptorSet();
        var added = new HashSet<string>();
        void Add(FileDescriptor file)
        {
            foreach (var dependency in file.Dependencies)
            {
                Add(dependency);
            }
            if (added.Add(file.Name))
            {
                set.File.Add(FileDescriptorProto.Parser.ParseFrom(file.SerializedData));
            }
        }
        foreach (var file in files)
        {
            Add(file);
        }
        return set.ToByteArray();
    }
}
