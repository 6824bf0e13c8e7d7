using Containers.Cli.Cli;

namespace Containers.Cli.Tests;

/// <summary>The pull and push progress display: lines redrawn in place on a terminal, plain status lines otherwise.</summary>
public sealed class ProgressDisplayTests
{
    [Fact]
    public void Redirected_output_gets_one_plain_line_per_status_change()
    {
        using var output = new StringWriter();
        var display = new ProgressDisplay(output, interactive: false);
        display.Update("aaa", "Waiting", 0, 100, false);
        display.Update("aaa", "Downloading", 10, 100, true);
        display.Update("aaa", "Downloading", 90, 100, true);
        display.Update("bbb", "Already exists", 5, 5, false);
        display.Update("aaa", "Pull complete", 100, 100, false);
        display.Finish();

        output.ToString().Should().Be("aaa: Waiting\naaa: Downloading\nbbb: Already exists\naaa: Pull complete\n");
    }

    [Fact]
    public void A_terminal_gets_every_line_redrawn_in_place_with_a_bar()
    {
        using var output = new StringWriter();
        var display = new ProgressDisplay(output, interactive: true);
        display.Update("aaa", "Downloading", 0, 1000, true);
        display.Update("bbb", "Downloading", 500, 1000, true);
        display.Update("aaa", "Pull complete", 1000, 1000, false);
        display.Finish();

        var text = output.ToString();
        text.Should().StartWith("\u001b[2Kaaa: Downloading [" + new string(' ', 30) + "] 0B/1kB\n");
        text.Should().Contain("\u001b[1F").And.Contain("\u001b[2F", "later redraws move back over the lines drawn");
        text.Should().Contain("\u001b[2Kbbb: Downloading [==============>               ] 500B/1kB\n");
        text.Should().EndWith("\u001b[2F\u001b[2Kaaa: Pull complete\n\u001b[2Kbbb: Downloading [==============>               ] 500B/1kB\n");
    }

    [Theory]
    [InlineData(0, 100, "                              ")]
    [InlineData(100, 100, "=============================>")]
    [InlineData(150, 100, "=============================>")]
    [InlineData(5, 0, "=============================>")]
    public void The_bar_is_clamped_to_its_width(long bytes, long total, string expected) =>
        ProgressDisplay.Bar(bytes, total).Should().Be(expected);
}
