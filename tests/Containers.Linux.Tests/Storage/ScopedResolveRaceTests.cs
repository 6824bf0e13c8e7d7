using System.Diagnostics;
using Containers.Linux.Interop;
using Containers.Linux.Storage;
using Containers.Storage;
using Containers.Testing;
using Xunit.Abstractions;

namespace Containers.Linux.Tests.Storage;

/// <summary>
/// <c>openat2(RESOLVE_IN_ROOT)</c> answers EAGAIN when a rename anywhere on the machine races a <c>..</c> of its walk
/// (the kernel cannot then prove the walk stayed inside the root). A root's resolutions try again instead of failing
/// the layer being unpacked, as openat2(2) tells callers to.
/// </summary>
public sealed class ScopedResolveRaceTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Storm = TimeSpan.FromSeconds(4);
    private readonly TempDirectory _scratch = new("scoped-resolve");

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task Resolving_through_dot_dot_while_renames_race_it_never_fails()
    {
        var rootPath = _scratch.Combine("root");
        Directory.CreateDirectory(Path.Combine(rootPath, "d", "e"));

        // A layer's parent path that goes down and up again, as a link such as usr/lib -> ../lib makes it.
        var components = Enumerable.Repeat(new[] { "d", "e", "..", ".." }, 8).SelectMany(c => c).Append("d").ToList();
        var path = string.Join('/', components);
        using var root = new RootDirectory(rootPath);

        var renamed = _scratch.Combine("renamed");
        File.WriteAllText(renamed, string.Empty);
        using var stop = new CancellationTokenSource();
        var renamer = Task.Factory.StartNew(
            () =>
            {
                // Every rename takes the kernel's global rename lock, which a scoped ".." checks.
                while (!stop.IsCancellationRequested)
                {
                    File.Move(renamed, renamed + ".1", overwrite: true); // rename(2); without overwrite .NET may link and unlink
                    File.Move(renamed + ".1", renamed, overwrite: true);
                }
            },
            TaskCreationOptions.LongRunning);

        var raced = 0;
        var calls = 0;
        var failures = new List<string>();
        var clock = Stopwatch.StartNew();
        try
        {
            while (clock.Elapsed < Storm && failures.Count < 5)
            {
                // The kernel's own answer, without a retry: how often the race this test is about happened.
                var raw = Libc.openat2(root.Fd, path, Libc.O_PATH | Libc.O_DIRECTORY | Libc.O_CLOEXEC, Libc.RESOLVE_IN_ROOT | Libc.RESOLVE_NO_MAGICLINKS);
                if (raw >= 0)
                {
                    Libc.close(raw);
                }
                else if (Errno.Last == Errno.EAGAIN)
                {
                    raced++;
                }

                calls++;
                try
                {
                    Libc.close(root.OpenDirectory(components, create: false, "d"));
                }
                catch (LayerApplyException e)
                {
                    failures.Add(e.Message);
                }
            }
        }
        finally
        {
            await stop.CancelAsync();
            await renamer;
        }

        output.WriteLine($"unretried openat2 answered EAGAIN {raced} of {calls} times; OpenDirectory failed {failures.Count} times");
        failures.Should().BeEmpty($"a resolution the kernel answers with EAGAIN is tried again (the unretried call raced {raced} of {calls} times)");
        raced.Should().BePositive($"renames racing {calls} walks through '..' make the kernel answer EAGAIN, the case under test");
    }
}
