using Google.Protobuf.Reflection;

namespace FoodOrdering.Grpc.Reflection;

/// <summary>
/// Every .proto file a server's services need (their files and all they import), indexed by file
/// name and by every symbol they declare: services, methods, messages (nested too) and enums.
/// </summary>
internal sealed class DescriptorIndex
{
    private readonly Dictionary<string, FileDescriptor> filesByName = [];
    private readonly Dictionary<string, FileDescriptor> filesBySymbol = [];

    public DescriptorIndex(IEnumerable<ServiceDescriptor> services)
    {
        foreach (var service in services)
        {
            AddFile(service.File);
        }
    }

    public FileDescriptor? FindFile(string name) => filesByName.GetValueOrDefault(name);

    public FileDescriptor? FindFileContainingSymbol(string symbol) => filesBySymbol.GetValueOrDefault(symbol.TrimStart('.'));

    /// <summary>The file and, transitively, every file it imports, each once, the file itself first.</summary>
    public static IEnumerable<FileDescriptor> WithDependencies(FileDescriptor file)
    {
        var seen = new HashSet<string>();
        var pending = new Queue<FileDescriptor>([file]);
        while (pending.TryDequeue(out var next))
        {
            if (seen.Add(next.Name))
            {
                yield return next;
                foreach (var dependency in next.Dependencies)
                {
                    pending.Enqueue(dependency);
                }
            }
        }
    }

    private void AddFile(FileDescriptor file)
    {
        if (!filesByName.TryAdd(file.Name, file))
        {
            return;
        }
        foreach (var service in file.Services)
        {
            filesBySymbol[service.FullName] = file;
            foreach (var method in service.Methods)
            {
                filesBySymbol[method.FullName] = file;
            }
        }
        foreach (var message in file.MessageTypes)
        {
            AddMessage(file, message);
        }
        foreach (var enumType in file.EnumTypes)
        {
            filesBySymbol[enumType.FullName] = file;
        }
        foreach (var dependency in file.Dependencies)
        {
            AddFile(dependency);
        }
    }

    private void AddMessage(FileDescriptor file, MessageDescriptor message)
    {
        filesBySymbol[message.FullName] = file;
        foreach (var nested in message.NestedTypes)
        {
            AddMessage(file, nested);
        }
        foreach (var enumType in message.EnumTypes)
        {
            filesBySymbol[enumType.FullName] = file;
        }
    }
}
