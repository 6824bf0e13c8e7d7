namespace Containers.Build;

/// <summary>Reports a <c>RUN</c> step whose command exited with a non-zero status.</summary>
public sealed class BuildStepFailedException : BuildException
{
    /// <summary>Initializes a new instance for the instruction and its exit code.</summary>
    public BuildStepFailedException(string fileName, int line, string instruction, int exitCode)
        : base($"{fileName}:{line}: '{instruction}' returned a non-zero code: {exitCode}; fix the command (its output is above) and build again")
    {
        Instruction = instruction;
        ExitCode = exitCode;
        Line = line;
    }

    /// <summary>Gets the instruction that failed.</summary>
    public string Instruction { get; }

    /// <summary>Gets the 1-based line of the instruction in the Dockerfile.</summary>
    public int Line { get; }

    /// <summary>Gets the command's exit code.</summary>
    public int ExitCode { get; }
}
