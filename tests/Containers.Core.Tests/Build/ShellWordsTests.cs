using Containers.Build;

namespace Containers.Core.Tests.Build;

public sealed class ShellWordsTests
{
    private static readonly Dictionary<string, string> Env = new() { ["SET"] = "value", ["EMPTY"] = string.Empty, ["SPACED"] = "a b" };

    private static string Word(string raw) => new ShellWords('\\').Word(raw, n => Env.GetValueOrDefault(n));

    [Theory]
    [InlineData("$SET", "value")]
    [InlineData("${SET}x", "valuex")]
    [InlineData("${UNSET:-default}", "default")]
    [InlineData("${EMPTY:-default}", "default")]
    [InlineData("${EMPTY-default}", "")]
    [InlineData("${SET:+alt}", "alt")]
    [InlineData("${UNSET:+alt}", "")]
    [InlineData("${EMPTY+alt}", "alt")]
    [InlineData("${UNSET:-${SET}}", "value")]
    [InlineData("'$SET'", "$SET")]
    [InlineData("\"$SET a\"", "value a")]
    [InlineData("\\$SET", "$SET")]
    [InlineData("a\\ b", "a b")]
    [InlineData("$1", "$1")]
    public void Expands_as_docker(string raw, string expected) => Assert.Equal(expected, Word(raw));

    [Theory]
    [InlineData("${UNSET:?must be set}", "must be set")]
    [InlineData("'open", "unterminated single quote")]
    [InlineData("\"open", "unterminated double quote")]
    [InlineData("${SET", "bad substitution")]
    [InlineData("${SET/a/b}", "unsupported substitution")]
    public void Refuses_malformed_text(string raw, string problem) =>
        Assert.Contains(problem, Assert.Throws<FormatException>(() => Word(raw)).Message, StringComparison.Ordinal);

    [Fact]
    public void Words_split_on_unquoted_space() =>
        Assert.Equal(["a", "b c", "value"], new ShellWords('\\').Words("a \"b c\"  $SET", n => Env.GetValueOrDefault(n)));

    [Theory]
    [InlineData("*.log", "a.log", true)]
    [InlineData("*.log", "dir/a.log", false)]
    [InlineData("**/*.tmp", "x/y/z.tmp", true)]
    [InlineData("**/*.tmp", "z.tmp", true)]
    [InlineData("dir", "dir/inner/file", true)]
    [InlineData("/dir/a?", "dir/ab", true)]
    [InlineData("[a-c].txt", "b.txt", true)]
    public void Dockerignore_patterns_match_as_docker(string pattern, string path, bool excluded) =>
        Assert.Equal(excluded, DockerIgnore.Parse(pattern).IsExcluded(path));

    [Fact]
    public void Dockerignore_exceptions_and_last_match_win()
    {
        var ignore = DockerIgnore.Parse("*.log\n!keep.log\n# comment\ndocs\n!docs/README.md\n");
        Assert.True(ignore.IsExcluded("a.log"));
        Assert.False(ignore.IsExcluded("keep.log"));
        Assert.True(ignore.IsExcluded("docs/other.md"));
        Assert.False(ignore.IsExcluded("docs/README.md"));
    }
}
