namespace Containers.Fixtures;

/// <summary>A file a <see cref="ContainerBuilder"/> writes into the container before it starts.</summary>
/// <param name="Path">The absolute path in the container.</param>
/// <param name="Content">The file's bytes.</param>
/// <param name="Mode">The permission bits (<c>0644</c> when <see langword="null"/>).</param>
/// <param name="UserId">The owner's user ID in the container.</param>
/// <param name="GroupId">The owner's group ID in the container.</param>
public sealed record FixtureFile(string Path, ReadOnlyMemory<byte> Content, UnixFileMode? Mode = null, int UserId = 0, int GroupId = 0);
