using System.Collections.Concurrent;
using Containers.Containers;
using Containers.Content;
using Containers.Images;
using Containers.Oci;

namespace Containers.Build;

/// <summary>
/// One build: parses the Dockerfile, builds the stages the target needs (independent ones concurrently), then records
/// the target stage as an image with the requested names and labels.
/// </summary>
internal sealed partial class BuildSession
{
    private static readonly HashSet<string> ProxyArgs = new(StringComparer.Ordinal)
    {
        "HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY", "ftp_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy",
    };

    private readonly BuildServices _services;
    private readonly BuildOptions _options;
    private readonly BuildContext _context;
    private readonly IProgress<BuildProgress>? _progress;
    private readonly BuildCache _cache;
    private readonly Platform _platform;
    private readonly ConcurrentDictionary<int, Lazy<Task<StageState>>> _stages = new();
    private Dockerfile _dockerfile = null!;
    private Dictionary<string, string?> _globalArgs = null!;

    public BuildSession(BuildServices services, BuildOptions options, BuildContext context, IProgress<BuildProgress>? progress)
    {
        _services = services;
        _options = options;
        _context = context;
        _progress = progress;
        _cache = new BuildCache(services.CacheDirectory, services.TempDirectory, services.Content);
        _platform = options.Platform ?? services.Platform;
    }

    private IContentStore Content => _services.Content;

    public async Task<ImageDetails> RunAsync(CancellationToken cancellationToken)
    {
        var names = _options.Tags.Select(ImageReference.Parse).ToList();
        var text = _context.Load(_options.Dockerfile);
        _dockerfile = DockerfileParser.Parse(text, Path.GetFileName(_options.Dockerfile));
        _globalArgs = GlobalArgs();
        var target = _options.Target is null ? _dockerfile.Stages[^1]
            : _dockerfile.FindStage(_options.Target) ?? throw new BuildException($"the target stage '{_options.Target}' is not in {_dockerfile.FileName}; stages: {string.Join(", ", _dockerfile.Stages.Select(s => s.Name ?? s.Index.ToString(System.Globalization.CultureInfo.InvariantCulture)))}");
        var state = await StageAsync(target.Index, cancellationToken).ConfigureAwait(false);
        var config = state.Config;
        if (_options.Labels.Count > 0)
        {
            var labels = new Dictionary<string, string>(config.Labels ?? new Dictionary<string, string>());
            foreach (var (key, value) in _options.Labels)
            {
                labels[key] = value;
            }

            config = config with { Labels = labels };
        }

        return await MaterializeAsync(state with { Image = state.Image with { Config = config } }, names, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Builds a stage once, however many stages need it; the stages it depends on start when it reaches them.</summary>
    private Task<StageState> StageAsync(int index, CancellationToken cancellationToken) =>
        _stages.GetOrAdd(index, i => new Lazy<Task<StageState>>(() => Task.Run(() => BuildStageAsync(_dockerfile.Stages[i], cancellationToken), cancellationToken))).Value;

    /// <summary>Starts the stages this one copies from, so they build while this one runs its own steps.</summary>
    private void StartDependencies(DockerfileStage stage, CancellationToken cancellationToken)
    {
        foreach (var copy in stage.Instructions.OfType<CopyInstruction>())
        {
            if (copy.From is { } from && FindEarlierStage(stage, Expand(stage.From, from, n => _globalArgs.GetValueOrDefault(n))) is { } dependency)
            {
                _ = StageAsync(dependency.Index, cancellationToken);
            }
        }
    }

    private DockerfileStage? FindEarlierStage(DockerfileStage stage, string nameOrIndex) =>
        _dockerfile.FindStage(nameOrIndex) is { } found && found.Index < stage.Index ? found : null;

    private Dictionary<string, string?> GlobalArgs()
    {
        var args = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["TARGETPLATFORM"] = _platform.ToString(),
            ["TARGETOS"] = _platform.OS,
            ["TARGETARCH"] = _platform.Architecture,
            ["TARGETVARIANT"] = _platform.Variant ?? string.Empty,
            ["BUILDPLATFORM"] = _services.Platform.ToString(),
            ["BUILDOS"] = _services.Platform.OS,
            ["BUILDARCH"] = _services.Platform.Architecture,
            ["BUILDVARIANT"] = _services.Platform.Variant ?? string.Empty,
        };
        foreach (var instruction in _dockerfile.GlobalArgs)
        {
            foreach (var arg in instruction.Arguments)
            {
                args[arg.Name] = _options.BuildArgs.TryGetValue(arg.Name, out var given) ? given
                    : arg.Default is null ? args.GetValueOrDefault(arg.Name) : Expand(instruction, arg.Default, n => args.GetValueOrDefault(n));
            }
        }

        return args;
    }

    /// <summary>Expands one word of an instruction, reporting errors at its line.</summary>
    private string Expand(Instruction instruction, string raw, Func<string, string?> lookup)
    {
        try
        {
            return new ShellWords(_dockerfile.Escape).Word(raw, lookup);
        }
        catch (FormatException e)
        {
            throw new DockerfileSyntaxException(_dockerfile.FileName, instruction.Line, instruction.Keyword, e.Message);
        }
    }

    private string ExpandHeredoc(Instruction instruction, string raw, Func<string, string?> lookup)
    {
        try
        {
            return new ShellWords(_dockerfile.Escape).Heredoc(raw, lookup);
        }
        catch (FormatException e)
        {
            throw new DockerfileSyntaxException(_dockerfile.FileName, instruction.Line, instruction.Keyword, e.Message);
        }
    }

    private List<string> ExpandWords(Instruction instruction, string raw, Func<string, string?> lookup)
    {
        try
        {
            return new ShellWords(_dockerfile.Escape).Words(raw, lookup);
        }
        catch (FormatException e)
        {
            throw new DockerfileSyntaxException(_dockerfile.FileName, instruction.Line, instruction.Keyword, e.Message);
        }
    }

    private void Report(DockerfileStage stage, int step, string instruction, bool cached, string? output = null) =>
        _progress?.Report(new BuildProgress(stage.Name ?? stage.Index.ToString(System.Globalization.CultureInfo.InvariantCulture), step, stage.Instructions.Count + 1, instruction, cached, output));

    /// <summary>The environment a RUN step sees: the image's, then the stage's ARGs, then proxy build arguments.</summary>
    private List<string> RunEnvironment(StageState state)
    {
        var env = new List<string>(state.Config.Env ?? []);
        var names = new HashSet<string>(env.Select(e => e.Split('=', 2)[0]), StringComparer.Ordinal);
        foreach (var (name, value) in state.Args)
        {
            if (value is not null && names.Add(name))
            {
                env.Add(name + "=" + value);
            }
        }

        foreach (var (name, value) in _options.BuildArgs)
        {
            if (ProxyArgs.Contains(name) && names.Add(name))
            {
                env.Add(name + "=" + value);
            }
        }

        return env;
    }

    /// <summary>The build arguments a step's cache key includes: those the stage declared, with their values.</summary>
    private static string ArgsKey(StageState state) =>
        string.Join(' ', state.Args.Where(a => a.Value is not null).OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => a.Key + "=" + a.Value));
}
