using System.Diagnostics;
using System.Globalization;
using Containers.Build;
using Containers.Hosting;

/// <summary>
/// Dockerfile builds in one process, as a test suite that builds its own image sees them: a cold build (--no-cache), a
/// rebuild after editing one source file, and fully cached rebuilds. The first build only warms the process up.
/// </summary>
internal static class BuildBenchmark
{
    public static async Task RunAsync(ContainerEngine engine, string context, string editedFile, int cachedRuns)
    {
        var options = new BuildOptions { Tags = ["bench/app:inproc"], Network = "none" };
        await engine.Images.BuildAsync(context, options);
        var cold = await TimeAsync(() => engine.Images.BuildAsync(context, options with { NoCache = true }));
        await File.AppendAllTextAsync(editedFile, $"/* in-process edit {Guid.NewGuid():N} */\n");
        var edited = await TimeAsync(() => engine.Images.BuildAsync(context, options));
        var cached = new List<double>();
        for (var i = 0; i < cachedRuns; i++)
        {
            cached.Add(await TimeAsync(() => engine.Images.BuildAsync(context, options)));
        }

        cached.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"inproc cold_ms={cold:F0} edit_ms={edited:F0} cached_min_ms={cached[0]:F1} cached_median_ms={cached[cached.Count / 2]:F1}"));
    }

    private static async Task<double> TimeAsync(Func<Task> build)
    {
        var watch = Stopwatch.StartNew();
        await build();
        return watch.Elapsed.TotalMilliseconds;
    }
}
