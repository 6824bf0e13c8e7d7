using System.Security.Cryptography;
using Containers.Linux.Native;

namespace Containers.Linux.Tests.Native;

/// <summary>The read end of a container's output pipe: every byte in order, end of stream when the writers close, and no thread-pool thread held while it waits.</summary>
public sealed class PipeReadStreamTests
{
    [Fact]
    public async Task Reads_every_byte_in_order_and_ends_when_the_writer_closes()
    {
        using var pipe = Pipe.Create();
        await using var reader = pipe.TakeReader();
        var data = RandomNumberGenerator.GetBytes(1_000_000); // more than the pipe and the hand-over hold at once
        var writing = Task.Run(async () =>
        {
            await using var writer = pipe.TakeWriter();
            for (var offset = 0; offset < data.Length; offset += 7_000)
            {
                await writer.WriteAsync(data.AsMemory(offset, Math.Min(7_000, data.Length - offset)));
            }
        });

        using var received = new MemoryStream();
        await reader.CopyToAsync(received, 4_096);
        await writing;
        received.ToArray().Should().Equal(data);
        (await reader.ReadAsync(new byte[16])).Should().Be(0, "the end of the stream stays the end");
    }

    [Fact]
    public async Task Waiting_reads_hold_no_thread_pool_thread()
    {
        // Far more pending reads than the pool has threads (FileStream's reads of a pipe each hold one, running or queued);
        // the writers are closed at the end, so nothing is left waiting either way.
        ThreadPool.GetMinThreads(out var minimum, out _);
        var pipes = Enumerable.Range(0, minimum + 32).Select(_ => Pipe.Create()).ToList();
        var readers = pipes.Select(p => p.TakeReader()).ToList();
        var pending = readers.Select(r => r.ReadAsync(new byte[1]).AsTask()).ToList();
        ThreadPool.GetAvailableThreads(out var available, out _);
        ThreadPool.GetMaxThreads(out var max, out _);
        var held = max - available + ThreadPool.PendingWorkItemCount; // a blocking read is a running or a queued work item
        held.Should().BeLessThan(pipes.Count, "pending pipe reads neither run nor wait on the pool");
        pending.Should().OnlyContain(t => !t.IsCompleted);

        foreach (var pipe in pipes)
        {
            pipe.Dispose(); // closes the write ends: every read ends
        }

        (await Task.WhenAll(pending)).Should().OnlyContain(n => n == 0);
        foreach (var reader in readers)
        {
            await reader.DisposeAsync();
        }
    }
}
