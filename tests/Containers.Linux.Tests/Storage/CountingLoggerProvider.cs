using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Containers.Linux.Tests.Storage;

/// <summary>Collects every log message of every engine it is added to, to count events such as layer unpacks.</summary>
internal sealed class CountingLoggerProvider
{
    public ConcurrentQueue<string> Messages { get; } = new();

    /// <summary>Makes every <see cref="ILogger{T}"/> of the engine write here.</summary>
    public void AddTo(IServiceCollection services)
    {
        services.AddSingleton(this);
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
    }

    private sealed class Logger<T>(CountingLoggerProvider provider) : ILogger<T>
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            provider.Messages.Enqueue(formatter(state, exception));
    }
}
