namespace Containers.Containers;

/// <summary>What a command run inside a container printed, and how it exited.</summary>
/// <param name="Stdout">Its standard output.</param>
/// <param name="Stderr">Its standard error.</param>
/// <param name="ExitCode">Its exit code (128 + signal when killed).</param>
public sealed record ExecResult(string Stdout, string Stderr, int ExitCode);
