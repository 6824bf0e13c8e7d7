using Containers.Images;

namespace Containers.Build;

/// <summary>Configures an image build, as the flags of <c>docker build</c> do.</summary>
public sealed record BuildOptions
{
    /// <summary>Gets the names the built image gets (<c>-t</c>); none leaves it unnamed, found by its ID.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Gets the Dockerfile's path, relative to the context unless absolute; the default is <c>Dockerfile</c>.</summary>
    public string Dockerfile { get; init; } = "Dockerfile";

    /// <summary>Gets the build arguments (<c>--build-arg</c>), which set the values of the Dockerfile's <c>ARG</c>s.</summary>
    public IReadOnlyDictionary<string, string> BuildArgs { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets the stage to build (<c>--target</c>); the default is the last one. Only the stages it needs are built.</summary>
    public string? Target { get; init; }

    /// <summary>Gets a value indicating whether every step runs again instead of reusing cached layers (<c>--no-cache</c>).</summary>
    public bool NoCache { get; init; }

    /// <summary>Gets a value indicating whether base images are pulled even when the store has them (<c>--pull</c>); needs a registry client.</summary>
    public bool Pull { get; init; }

    /// <summary>Gets labels added to the image's configuration (<c>--label</c>).</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets the platform to build for; the default is the engine's.</summary>
    public Platform? Platform { get; init; }

    /// <summary>
    /// Gets the network <c>RUN</c> steps use: <c>none</c>, <c>host</c>, <c>bridge</c> or a network's name. When
    /// <see langword="null"/>, the engine's default network applies, as Docker's builder uses its default network.
    /// </summary>
    public string? Network { get; init; }
}
