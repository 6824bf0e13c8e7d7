using System.Security.Cryptography;

namespace Containers.Linux.Roots;

/// <summary>
/// Names one store root for the kernel objects it owns: its absolute path and a random ID kept in <c>root-id</c> inside
/// it, so a root deleted with <c>rm -rf</c> and made again at the same path is told apart from the one before.
/// </summary>
/// <remarks>
/// The ID is written before the engine creates any kernel object, and never removed while the root exists: an object
/// whose label names a root path with no <c>root-id</c>, or with another ID, belongs to a root that is gone.
/// </remarks>
internal sealed class RootIdentity
{
    /// <summary>The file in the root that holds its ID.</summary>
    public const string FileName = "root-id";

    private RootIdentity(string root, string id)
    {
        Root = root;
        Id = id;
    }

    /// <summary>Gets the root's absolute path.</summary>
    public string Root { get; }

    /// <summary>Gets the root's ID: 16 lowercase hex digits.</summary>
    public string Id { get; }

    /// <summary>Reads the root's ID, creating the root and the ID when missing; safe when processes race to create it.</summary>
    public static RootIdentity Ensure(string root)
    {
        root = Path.GetFullPath(root);
        if (Read(root) is { } existing)
        {
            return new RootIdentity(root, existing);
        }

        Directory.CreateDirectory(root);
        var temp = Path.Combine(root, $".{FileName}.{Environment.ProcessId}.{Guid.NewGuid():N}");
        File.WriteAllText(temp, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)) + "\n");
        try
        {
            // A link-based move: the first writer wins, every other reads what it wrote.
            File.Move(temp, Path.Combine(root, FileName), overwrite: false);
        }
        catch (IOException) when (File.Exists(Path.Combine(root, FileName)))
        {
        }
        finally
        {
            File.Delete(temp);
        }

        return new RootIdentity(root, Read(root) ?? throw new IOException($"The root ID file {Path.Combine(root, FileName)} could not be read back; check the root's permissions."));
    }

    /// <summary>Returns the ID of the root at <paramref name="root"/>, or <see langword="null"/> when it has none (it was deleted, or never an engine root).</summary>
    public static string? Read(string root)
    {
        try
        {
            var text = File.ReadAllText(Path.Combine(root, FileName)).Trim();
            return text.Length == 16 && text.All(char.IsAsciiHexDigitLower) ? text : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
