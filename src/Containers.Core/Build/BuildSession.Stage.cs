using Containers.Images;
using Containers.Oci;

namespace Containers.Build;

/// <summary>Running one stage: its base, its base's ONBUILD triggers, then its instructions in order.</summary>
internal sealed partial class BuildSession
{
    private async Task<StageState> BuildStageAsync(DockerfileStage stage, CancellationToken cancellationToken)
    {
        StartDependencies(stage, cancellationToken);
        var from = stage.From;
        var image = Expand(from, from.Image, n => _globalArgs.GetValueOrDefault(n));
        Report(stage, 1, from.Text, cached: false);
        StageState state;
        if (image.Equals("scratch", StringComparison.OrdinalIgnoreCase))
        {
            var config = new ImageConfiguration { Architecture = _platform.Architecture, OS = _platform.OS, Variant = _platform.Variant, RootFs = new RootFs { DiffIds = [] }, Config = new ContainerConfiguration() };
            state = new StageState(config, [], "scratch " + _platform, new Dictionary<string, string?>());
        }
        else if (_dockerfile.Stages.FirstOrDefault(s => s.Index < stage.Index && string.Equals(s.Name, image, StringComparison.OrdinalIgnoreCase)) is { } parent)
        {
            var built = await StageAsync(parent.Index, cancellationToken).ConfigureAwait(false);
            state = built with { Args = new Dictionary<string, string?>(), CmdSet = false };
        }
        else
        {
            var details = await BaseImageAsync(image, from.Platform is null ? null : Expand(from, from.Platform, n => _globalArgs.GetValueOrDefault(n)), cancellationToken).ConfigureAwait(false);
            state = new StageState(details.Configuration, details.Manifest.Layers, "image " + details.ManifestDescriptor.Digest, new Dictionary<string, string?>());
        }

        // As Docker's builder: an image without PATH gets the default one, so RUN finds programs.
        if (!(state.Config.Env ?? []).Any(e => e.StartsWith("PATH=", StringComparison.Ordinal)))
        {
            state = state with { Image = state.Image with { Config = state.Config with { Env = [.. state.Config.Env ?? [], DefaultPath] } } };
        }

        // The base's triggers run first, then are dropped: they fire for one generation only.
        var triggers = state.Config.OnBuild ?? [];
        if (triggers.Count > 0)
        {
            state = state with { Image = state.Image with { Config = state.Config with { OnBuild = null } } };
            foreach (var trigger in triggers)
            {
                var parsed = DockerfileParser.Parse("FROM scratch\n" + trigger, _dockerfile.FileName + " (ONBUILD of " + image + ")").Stages[0].Instructions[0];
                state = await StepAsync(stage, 1, state, parsed with { Line = from.Line }, cancellationToken).ConfigureAwait(false);
            }
        }

        for (var i = 0; i < stage.Instructions.Count; i++)
        {
            state = await StepAsync(stage, i + 2, state, stage.Instructions[i], cancellationToken).ConfigureAwait(false);
        }

        return state;
    }

    private const string DefaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private async Task<ImageDetails> BaseImageAsync(string reference, string? platform, CancellationToken cancellationToken)
    {
        var wanted = platform is null ? _platform : Platform.Parse(platform);
        if (!_options.Pull)
        {
            try
            {
                return await _services.Images.InspectAsync(reference, cancellationToken).ConfigureAwait(false);
            }
            catch (ImageNotFoundException) when (_services.Puller() is not null)
            {
                // pulled below
            }
        }

        var puller = _services.Puller() ?? throw new BuildException($"the base image '{reference}' is not in the store and this engine has no registry client to pull it; pull or load it first");
        return await puller.PullAsync(reference, wanted, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs one instruction, or reuses its cached result when its inputs are unchanged.</summary>
    private async Task<StageState> StepAsync(DockerfileStage stage, int step, StageState state, Instruction instruction, CancellationToken cancellationToken)
    {
        var plan = await PlanAsync(stage, state, instruction, cancellationToken).ConfigureAwait(false);
        var key = BuildCache.Key(state.Key, plan.Key);
        var cached = _options.NoCache ? null : await _cache.FindAsync(key, cancellationToken).ConfigureAwait(false);
        if (cached is not null && plan.Execute is not null && cached.LayerDigest is null)
        {
            cached = null;
        }

        Report(stage, step, instruction.Text, cached is not null);
        (Descriptor Layer, Digest DiffId)? layer = null;
        DateTimeOffset created;
        if (cached is not null)
        {
            layer = BuildCache.LayerOf(cached);
            created = cached.Created;
        }
        else
        {
            created = DateTimeOffset.UtcNow;
            if (plan.Execute is not null)
            {
                layer = await plan.Execute(state, line => Report(stage, step, instruction.Text, false, line), cancellationToken).ConfigureAwait(false);
            }

            await _cache.StoreAsync(key, layer is { } made ? BuildCache.ForLayer(made.Layer, made.DiffId, created) : new BuildCacheEntry { Created = created }, cancellationToken).ConfigureAwait(false);
        }

        var image = state.Image with
        {
            Created = created,
            Author = plan.Author ?? state.Image.Author,
            Config = plan.Configure(state.Config),
            RootFs = layer is { } l ? state.Image.RootFs with { DiffIds = [.. state.Image.RootFs.DiffIds, l.DiffId] } : state.Image.RootFs,
            History = [.. state.Image.History ?? [], new HistoryEntry { Created = created, CreatedBy = plan.CreatedBy, Comment = "containers build", EmptyLayer = layer is null ? true : null }],
        };
        return new StageState(image, layer is { } added ? [.. state.Layers, added.Layer] : state.Layers, key, plan.Args ?? state.Args) { CmdSet = state.CmdSet || instruction is CmdInstruction };
    }

    /// <summary>Gets the merged file tree of a stage's layers, reusing the tree of its longest prefix this engine already indexed.</summary>
    private Task<RootfsIndex> IndexAsync(IReadOnlyList<Descriptor> layers, CancellationToken cancellationToken)
    {
        if (layers.Count == 0)
        {
            return Task.FromResult(RootfsIndex.Empty);
        }

        // Shared with other builds of this engine: the indexing itself is not cancelled with this build, only the wait.
        var key = string.Join(',', layers.Select(l => l.Digest.ToString()));
        return _services.Indexes.GetOrAddAsync(key, () => Task.Run(async () =>
        {
            var parent = await IndexAsync(layers.Take(layers.Count - 1).ToList(), CancellationToken.None).ConfigureAwait(false);
            return await parent.AddLayerAsync(Content, layers[^1], CancellationToken.None).ConfigureAwait(false);
        })).WaitAsync(cancellationToken);
    }
}
