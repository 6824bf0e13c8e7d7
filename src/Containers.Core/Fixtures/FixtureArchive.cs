using System.Formats.Tar;

namespace Containers.Fixtures;

/// <summary>Packs a fixture's files, and host files and directories, into the tar archive <see cref="Containers.IContainerService.CopyToAsync"/> takes.</summary>
internal static class FixtureArchive
{
    private const UnixFileMode DefaultFileMode = (UnixFileMode)0x1A4;   // 0644

    public static async Task WriteAsync(IEnumerable<FixtureFile> files, Stream destination, CancellationToken cancellationToken)
    {
        var writer = new TarWriter(destination, TarEntryFormat.Pax, leaveOpen: true);
        await using (writer.ConfigureAwait(false))
        {
            foreach (var file in files)
            {
                // Parent directories the image lacks are created; ones it has keep their owners and modes.
                var entry = new PaxTarEntry(TarEntryType.RegularFile, file.Path.TrimStart('/'))
                {
                    Mode = file.Mode ?? DefaultFileMode,
                    Uid = file.UserId,
                    Gid = file.GroupId,
                    ModificationTime = DateTimeOffset.UtcNow,
                    DataStream = new MemoryStream(file.Content.ToArray(), writable: false),
                };
                await writer.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Reads a host file, or every file under a host directory, as fixture files under <paramref name="containerPath"/>.</summary>
    public static IEnumerable<FixtureFile> FromHost(string hostPath, string containerPath, UnixFileMode? mode, int userId, int groupId)
    {
        if (File.Exists(hostPath))
        {
            yield return new FixtureFile(containerPath, File.ReadAllBytes(hostPath), mode ?? ModeOf(hostPath), userId, groupId);
            yield break;
        }

        if (!Directory.Exists(hostPath))
        {
            throw new FileNotFoundException($"the host path {hostPath} to copy into the container does not exist", hostPath);
        }

        foreach (var file in Directory.EnumerateFiles(hostPath, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint }))
        {
            var relative = Path.GetRelativePath(hostPath, file).Replace('\\', '/');
            yield return new FixtureFile(containerPath.TrimEnd('/') + "/" + relative, File.ReadAllBytes(file), mode ?? ModeOf(file), userId, groupId);
        }
    }

    private static UnixFileMode ModeOf(string path) => OperatingSystem.IsWindows() ? DefaultFileMode : File.GetUnixFileMode(path) & (UnixFileMode)0xFFF;
}
