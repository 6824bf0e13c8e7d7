using Microsoft.Extensions.Logging;

namespace Containers.Registry;

/// <summary>The registry client's log messages: pulls, retries, authentication challenges and mirror fallbacks.</summary>
internal static partial class RegistryLog
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Pulling {Reference}")]
    public static partial void PullStarted(ILogger logger, string reference);

    [LoggerMessage(EventId = 101, Level = LogLevel.Debug, Message = "Layer {Digest} of {Reference}: {Bytes} bytes {How}")]
    public static partial void LayerPulled(ILogger logger, string digest, string reference, long bytes, string how);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "Pulled {Reference} from {Host}: manifest {Digest}, {Layers} layers")]
    public static partial void PullDone(ILogger logger, string reference, string host, string digest, int layers);

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "Mirror {Mirror} failed to serve {Reference}, trying the next source: {Reason}")]
    public static partial void MirrorFallback(ILogger logger, string mirror, string reference, string reason);

    [LoggerMessage(EventId = 104, Level = LogLevel.Warning, Message = "Retrying a request to {Host} (attempt {Attempt}) in {Delay} after {Outcome}")]
    public static partial void Retrying(ILogger logger, string host, int attempt, TimeSpan delay, string outcome);

    [LoggerMessage(EventId = 105, Level = LogLevel.Debug, Message = "{Host} asked for authentication for {Scope}")]
    public static partial void AuthChallenge(ILogger logger, string host, string scope);
}
