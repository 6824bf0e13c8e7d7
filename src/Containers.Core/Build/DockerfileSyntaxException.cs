namespace Containers.Build;

/// <summary>Reports a Dockerfile that cannot be parsed or whose variables cannot be expanded, with the place of the error.</summary>
public sealed class DockerfileSyntaxException : ContainersException
{
    /// <summary>Initializes a new instance naming the file, the line (1-based) and the instruction at fault.</summary>
    public DockerfileSyntaxException(string fileName, int line, string instruction, string problem)
        : base($"{fileName}:{line}: {(instruction.Length == 0 ? string.Empty : instruction + ": ")}{problem}; fix the Dockerfile and build again")
    {
        FileName = fileName;
        Line = line;
        Instruction = instruction;
        Problem = problem;
    }

    /// <summary>Gets the Dockerfile's name as given to the parser.</summary>
    public string FileName { get; }

    /// <summary>Gets the 1-based line where the instruction at fault starts.</summary>
    public int Line { get; }

    /// <summary>Gets the instruction keyword (<c>COPY</c>), or empty when the error is outside one (a directive).</summary>
    public string Instruction { get; }

    /// <summary>Gets what is wrong, without the location.</summary>
    public string Problem { get; }
}
