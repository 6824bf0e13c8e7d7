namespace Containers.Linux.Tests.Networking.Seam;

/// <summary>A kernel call as <see cref="FakeNetworkKernel"/> records it: where, which <c>INetworkLinks</c> or <c>IRtnetlink</c> member, on what, and the errno answered.</summary>
internal sealed record NetworkCall(string Namespace, string Operation, string Subject, int Errno)
{
    public override string ToString() => $"{Namespace}: {Operation} {Subject}{(Errno != 0 ? " -> " + Errno : string.Empty)}";
}
