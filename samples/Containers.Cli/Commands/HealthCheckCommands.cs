using Containers.Cli.Cli;
using Containers.Containers;

namespace Containers.Cli.Commands;

/// <summary>The <c>--health-*</c> flags of <c>run</c> and <c>create</c>, and <c>healthcheck run</c>.</summary>
internal static class HealthCheckCommands
{
    public static IReadOnlyList<OptionSpec> Options { get; } =
    [
        OptionSpec.Value("health-cmd", null, "string", "Command to run to check health"),
        OptionSpec.Value("health-interval", null, "duration", "Time between running the check (ms|s|m|h) (default 0s)"),
        OptionSpec.Value("health-timeout", null, "duration", "Maximum time to allow one check to run (ms|s|m|h) (default 0s)"),
        OptionSpec.Value("health-retries", null, "int", "Consecutive failures needed to report unhealthy"),
        OptionSpec.Value("health-start-period", null, "duration", "Start period for the container to initialize before starting health-retries countdown (ms|s|m|h) (default 0s)"),
        OptionSpec.Value("health-start-interval", null, "duration", "Time between running the check during the start period (ms|s|m|h) (default 0s)"),
        OptionSpec.Flag("no-healthcheck", null, "Disable any container-specified HEALTHCHECK"),
    ];

    public static IReadOnlyList<CommandSpec> All { get; } =
    [
        new("healthcheck run", "Run a container's health check now; exit 0 when healthy, 1 when not", "CONTAINER", [], RunAsync),
    ];

    /// <summary>Reads the flags as Docker's CLI does: null when none is given; an error when they conflict with <c>--no-healthcheck</c>.</summary>
    public static HealthCheckConfig? Parse(ParsedArguments args)
    {
        var given = Options.Where(o => o.Name != "no-healthcheck" && args.Has(o.Name)).ToList();
        if (given.Count == 0)
        {
            return null;
        }

        if (args.Flag("no-healthcheck"))
        {
            throw new UsageException("--no-healthcheck conflicts with --health-* options");
        }

        return new HealthCheckConfig
        {
            Test = args.Value("health-cmd") is { Length: > 0 } command ? ["CMD-SHELL", command] : [],
            Interval = Duration(args, "health-interval"),
            Timeout = Duration(args, "health-timeout"),
            StartPeriod = Duration(args, "health-start-period"),
            StartInterval = Duration(args, "health-start-interval"),
            Retries = args.Int("health-retries"),
        };
    }

    private static TimeSpan? Duration(ParsedArguments args, string name)
    {
        if (args.Value(name) is not { } text)
        {
            return null;
        }

        try
        {
            var value = GoDuration.Parse(text);
            return value < TimeSpan.Zero ? throw new UsageException($"--{name} cannot be negative") : value;
        }
        catch (FormatException e)
        {
            throw new UsageException($"invalid argument \"{text}\" for \"--{name}\" flag: {e.Message}");
        }
    }

    private static async Task<int> RunAsync(CommandContext context)
    {
        var name = context.Args.Positional(0, "CONTAINER");
        var result = await context.Engine.Containers.RunHealthCheckAsync(name, context.CancellationToken);
        if (result.Output.Length > 0)
        {
            context.Out.Write(result.Output);
        }

        return result.ExitCode == 0 ? 0 : 1;
    }

    /// <summary>Shapes the health as Docker's <c>State.Health</c>.</summary>
    public static HealthShape? Describe(ContainerHealth? health) => health is null ? null : new(
        health.StatusText,
        health.FailingStreak,
        health.Log.Select(r => new HealthResultShape(r.Start, r.End, r.ExitCode, r.Output)).ToList());

    /// <summary>Shapes the effective check as Docker's <c>Config.Healthcheck</c> (durations in nanoseconds).</summary>
    public static HealthcheckShape? Describe(HealthCheckConfig? check) => check is null ? null : new(
        check.Test,
        Nanoseconds(check.Interval),
        Nanoseconds(check.Timeout),
        Nanoseconds(check.StartPeriod),
        Nanoseconds(check.StartInterval),
        check.Retries);

    private static long Nanoseconds(TimeSpan? value) => (value ?? TimeSpan.Zero).Ticks * 100;
}
