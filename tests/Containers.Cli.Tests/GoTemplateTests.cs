using System.Text.Json;
using Containers.Cli.Cli;

namespace Containers.Cli.Tests;

/// <summary>The Go template subset <c>--format</c> takes, against Go's output for the same template and data.</summary>
public sealed class GoTemplateTests
{
    private static readonly JsonElement Data = JsonDocument.Parse("""
        {"Id":"abc","State":{"Status":"running","ExitCode":0,"Running":true},"Config":{"Labels":{"b":"2","a":"1"},"Env":["A=1","B=2"]},
         "NetworkSettings":{"Networks":{"bridge":{"IPAddress":"10.0.0.2"}}},"Mounts":[],"Missing":null}
        """).RootElement;

    [Theory]
    [InlineData("{{.State.Status}}", "running")]
    [InlineData("id={{.Id}} exit={{.State.ExitCode}}", "id=abc exit=0")]
    [InlineData("{{json .Config.Labels}}", """{"b":"2","a":"1"}""")]
    [InlineData("{{index .Config.Labels \"a\"}}", "1")]
    [InlineData("{{index .Config.Env 1}}", "B=2")]
    [InlineData("{{range .Config.Env}}[{{.}}]{{end}}", "[A=1][B=2]")]
    [InlineData("{{range $k, $v := .Config.Labels}}{{$k}}{{$v}} {{end}}", "a1 b2 ")]
    [InlineData("{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", "10.0.0.2")]
    [InlineData("{{range .Mounts}}x{{else}}none{{end}}", "none")]
    [InlineData("{{if .State.Running}}up{{else}}down{{end}}", "up")]
    [InlineData("{{if eq1}}", null)]
    [InlineData("{{with .State}}{{.Status}}{{end}}", "running")]
    [InlineData("{{.Config.Labels}}", "map[a:1 b:2]")]
    [InlineData("{{.Config.Env}}", "[A=1 B=2]")]
    [InlineData("{{len .Config.Env}} {{join .Config.Env \",\"}}", "2 A=1,B=2")]
    [InlineData("{{.State.Status | upper}}", "RUNNING")]
    [InlineData("{{- .Id -}} ", "abc")]
    [InlineData("{{$s := .State}}{{$s.Status}}", "running")]
    [InlineData("{{.Missing}}", "<nil>")]
    public void Templates_print_what_go_prints(string template, string? expected)
    {
        if (expected is null)
        {
            FluentActions.Invoking(() => GoTemplate.Parse(template).Execute(Data)).Should().Throw<GoTemplateException>();
            return;
        }

        GoTemplate.Parse(template).Execute(Data).Should().Be(expected);
    }

    [Fact]
    public void A_missing_field_fails_as_docker_does()
    {
        var act = () => GoTemplate.Parse("{{.State.Nope}}").Execute(Data);

        act.Should().Throw<GoTemplateException>().WithMessage("template: :1:3: executing \"\" at <.State.Nope>: map has no entry for key \"Nope\"");
    }

    [Fact]
    public void An_unclosed_block_fails_to_parse()
    {
        FluentActions.Invoking(() => GoTemplate.Parse("{{range .Mounts}}x")).Should().Throw<GoTemplateException>().WithMessage("*range has no {{end}}*");
        FluentActions.Invoking(() => GoTemplate.Parse("{{.Id")).Should().Throw<GoTemplateException>().WithMessage("*unclosed action*");
    }
}
