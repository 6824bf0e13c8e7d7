namespace Containers;

/// <summary>
/// Reports that a file the engine needed to write did not fit: the file system holding the store root is full (ENOSPC)
/// or the user's quota is spent (EDQUOT).
/// </summary>
/// <remarks>Reading and removing keep working on a full disk, so removing containers, images or volumes frees space.</remarks>
public sealed class StorageFullException : ContainersException
{
    /// <summary>Initializes a new instance for the file <paramref name="path"/> and what was being done to it.</summary>
    public StorageFullException(string path, string operation, Exception? innerException = null)
        : base($"No space left on device while {operation} {path}: free space on the file system that holds it (for example remove containers, images or volumes you no longer need), then retry", innerException)
    {
        Path = path;
        Operation = operation;
    }

    /// <summary>Gets the file that could not be written.</summary>
    public string Path { get; }

    /// <summary>Gets what was being done, such as <c>writing</c>.</summary>
    public string Operation { get; }

    /// <inheritdoc/>
    public override bool IsTransient => true;

    /// <summary>Tells whether an I/O error means the file system is full (ENOSPC) or the quota is spent (EDQUOT).</summary>
    public static bool IsDiskFull(Exception exception) =>
        exception is StorageFullException || (exception is IOException io && io.GetType() == typeof(IOException) && io.HResult is 28 or 122 or unchecked((int)0x80070070) or unchecked((int)0x80070027));
}
