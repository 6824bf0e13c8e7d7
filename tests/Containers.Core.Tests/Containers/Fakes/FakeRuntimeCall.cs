namespace Containers.Core.Tests.Containers.Fakes;

/// <summary>One call the engine made to <see cref="FakeContainerRuntime"/> or <see cref="FakeContainerRootfs"/>, as tests assert on them.</summary>
/// <param name="Operation">What was asked: <c>create</c>, <c>create-detached</c>, <c>start</c>, <c>signal</c>, <c>pause</c>, <c>resume</c>, <c>delete</c>, <c>stats</c>, <c>top</c>, <c>exec</c>, <c>mount</c>, <c>unmount</c>, <c>remove</c>.</param>
/// <param name="ContainerId">The container it was for (for a signal, the container of the signalled process; empty when no container owns it).</param>
/// <param name="Signal">The signal's number, for <c>signal</c>.</param>
/// <param name="Delivered">For <c>signal</c>, whether a live process received it (the runtime's answer).</param>
public sealed record FakeRuntimeCall(string Operation, string ContainerId, int Signal = 0, bool Delivered = false);
