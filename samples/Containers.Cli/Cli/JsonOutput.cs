using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace Containers.Cli.Cli;

/// <summary>Writes command results as indented JSON for <c>--format json</c> and <c>inspect</c>.</summary>
/// <remarks>Every type goes through <see cref="CliJsonContext"/> (source-generated metadata): the native executable has no reflection-based serializer.</remarks>
internal static class JsonOutput
{
    private static readonly JsonSerializerOptions Options = new(CliJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly JsonSerializerOptions CompactOptions = new(Options) { WriteIndented = false };

    public static void Write<T>(TextWriter output, T value) => output.WriteLine(JsonSerializer.Serialize(value, TypeInfo<T>()));

    /// <summary>Returns the document <see cref="Write{T}"/> would print, for a <c>--format</c> template to walk.</summary>
    public static JsonElement ToElement<T>(T value) => JsonSerializer.SerializeToElement(value, TypeInfo<T>());

    /// <summary>Returns the document <see cref="Write{T}"/> would print as an object to add members to.</summary>
    public static JsonObject ToNode<T>(T value) => JsonSerializer.SerializeToNode(value, TypeInfo<T>())!.AsObject();

    /// <summary>Writes a value as compact JSON (the <c>json</c> template function).</summary>
    public static string Compact(object? value) => JsonSerializer.Serialize(value, (JsonTypeInfo<object?>)CompactOptions.GetTypeInfo(typeof(object)));

    /// <exception cref="NotSupportedException">The type is not in <see cref="CliJsonContext"/>: add it there.</exception>
    private static JsonTypeInfo<T> TypeInfo<T>() => (JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T));
}
