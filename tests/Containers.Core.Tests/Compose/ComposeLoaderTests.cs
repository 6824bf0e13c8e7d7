using Containers.Compose;
using Containers.Containers;
using Containers.Testing;
using Containers.Volumes;

namespace Containers.Core.Tests.Compose;

/// <summary>Reading Compose files: the model, interpolation, merging, and every error kind naming file, line and key.</summary>
public sealed class ComposeLoaderTests : IDisposable
{
    private readonly TempDirectory _dir = new("compose-load");

    public void Dispose() => _dir.Dispose();

    private string Write(string name, string text)
    {
        var path = _dir.Combine(name);
        File.WriteAllText(path, text.ReplaceLineEndings("\n"));
        return path;
    }

    private ComposeProject Load(string text, IReadOnlyDictionary<string, string>? environment = null, ComposeLoadOptions? options = null) =>
        ComposeLoader.Load((options ?? new ComposeLoadOptions()) with
        {
            Files = [Write("compose.yaml", text)],
            Environment = environment ?? new Dictionary<string, string>(),
        });

    private ComposeFileException Fails(string text, IReadOnlyDictionary<string, string>? environment = null)
    {
        var act = () => Load(text, environment);
        return act.Should().Throw<ComposeFileException>().Which;
    }

    [Fact]
    public void Reads_services_with_every_supported_form()
    {
        Write(".env", "TAG=1.2\nPORT=8080\n");
        Write("web.env", "FROM_FILE=yes\nSHARED=file\n");
        var project = Load("""
            name: Demo_App
            services:
              web:
                image: "app:${TAG}"
                command: sh -c 'echo "hi there"'
                entrypoint: ["/bin/sh", "-c"]
                env_file: web.env
                environment:
                  SHARED: env
                  PLAIN: $$literal
                ports:
                  - "${PORT}:80"
                  - target: 443
                    published: "9443"
                    host_ip: 127.0.0.1
                expose: ["9000"]
                volumes:
                  - data:/data:ro
                  - ./site:/site
                  - type: tmpfs
                    target: /scratch
                    tmpfs: { size: 1m }
                networks:
                  back:
                    aliases: [www]
                depends_on:
                  db:
                    condition: service_healthy
                  job:
                    condition: service_completed_successfully
                healthcheck:
                  test: wget -q -O- http://localhost/
                  interval: 2s
                  retries: 5
                restart: on-failure:3
                user: "1000"
                working_dir: /site
                labels: ["tier=front"]
                deploy: { replicas: 2 }
              db:
                image: busybox
                environment: ["A=1", "B"]
                healthcheck: { test: ["CMD", "true"] }
                networks: [back, default]
              job:
                image: busybox
                command: ["true"]
              debug:
                image: busybox
                profiles: [debug]
            volumes:
              data:
            networks:
              back:
            """);

        project.Name.Should().Be("demo_app");
        project.Services.Keys.Should().BeEquivalentTo("web", "db", "job");
        project.StartOrder.Should().Equal("db", "job", "web");
        var web = project.Services["web"];
        web.Image.Should().Be("app:1.2");
        web.Command.Should().Equal("sh", "-c", "echo \"hi there\"");
        web.Entrypoint.Should().Equal("/bin/sh", "-c");
        web.Environment.Should().Contain(new Dictionary<string, string> { ["FROM_FILE"] = "yes", ["SHARED"] = "env", ["PLAIN"] = "$literal" });
        web.Ports.Select(p => (p.HostIp, p.HostPort, p.ContainerPort)).Should().Equal(("0.0.0.0", 8080, 80), ("127.0.0.1", 9443, 443));
        web.Volumes.Should().HaveCount(3);
        web.Volumes[0].Should().Match<ContainerMount>(m => m.Type == MountType.Volume && m.Source == "demo_app_data" && m.ReadOnly);
        web.Volumes[1].Should().Match<ContainerMount>(m => m.Type == MountType.Bind && m.Source == _dir.Combine("site"));
        web.Volumes[2].Should().Match<ContainerMount>(m => m.Type == MountType.Tmpfs && m.TmpfsSize == 1 << 20);
        web.Networks["back"].Should().Equal("www");
        web.DependsOn.Should().BeEquivalentTo([new ServiceDependency("db", DependencyCondition.Healthy), new ServiceDependency("job", DependencyCondition.CompletedSuccessfully)]);
        web.HealthCheck!.Test.Should().Equal("CMD-SHELL", "wget -q -O- http://localhost/");
        web.HealthCheck.Interval.Should().Be(TimeSpan.FromSeconds(2));
        web.Restart.Should().Be(new RestartPolicy("on-failure", 3));
        web.Replicas.Should().Be(2);
        web.Labels.Should().Contain("tier", "front");
        project.Services["db"].Environment.Should().ContainKey("A").And.NotContainKey("B");
        project.Services["db"].Networks.Keys.Should().BeEquivalentTo("back", "default");
        project.Networks["back"].Name.Should().Be("demo_app_back");
        project.Networks["default"].Name.Should().Be("demo_app_default");
    }

    [Fact]
    public void Interpolation_takes_defaults_and_the_environment_over_dot_env()
    {
        Write(".env", "FROM_DOTENV=dotenv\nBOTH=dotenv\nEMPTY=\n");
        var project = Load("""
            services:
              s:
                image: busybox
                environment:
                  A: ${UNSET:-fallback}
                  B: ${EMPTY-kept}
                  C: ${EMPTY:-replaced}
                  D: ${BOTH}
                  E: ${FROM_DOTENV:+set}
                  F: ${UNSET:-${FROM_DOTENV}}
                  G: $$HOME
            """, new Dictionary<string, string> { ["BOTH"] = "environment" });

        project.Services["s"].Environment.Should().Contain(new Dictionary<string, string>
        {
            ["A"] = "fallback", ["B"] = string.Empty, ["C"] = "replaced", ["D"] = "environment", ["E"] = "set", ["F"] = "dotenv", ["G"] = "$HOME",
        });
    }

    [Fact]
    public void Project_name_comes_from_the_flag_then_the_environment_then_the_file_then_the_directory()
    {
        const string text = "name: fromfile\nservices:\n  s:\n    image: busybox\n";
        Load(text, options: new ComposeLoadOptions { ProjectName = "Flag" }).Name.Should().Be("flag");
        Load(text, new Dictionary<string, string> { ["COMPOSE_PROJECT_NAME"] = "env" }).Name.Should().Be("env");
        Load(text).Name.Should().Be("fromfile");
        Load("services:\n  s:\n    image: busybox\n").Name.Should().Be(ComposeLoader.NormalizeProjectName(Path.GetFileName(_dir.Path)));
    }

    [Fact]
    public void Extends_include_profiles_and_scale_apply()
    {
        Write("other.yaml", "services:\n  side:\n    image: busybox\n    volumes: [./here:/here]\n");
        Directory.CreateDirectory(_dir.Combine("sub"));
        Write("sub/inner.yaml", "services:\n  inner:\n    image: busybox\n    volumes: [./x:/x]\n");
        var project = Load("""
            include:
              - other.yaml
              - path: sub/inner.yaml
            services:
              base:
                image: busybox
                environment: { A: "1", B: "1" }
                ports: ["80"]
              child:
                extends: base
                environment: { B: "2" }
                ports: ["81"]
              tools:
                image: busybox
                profiles: [tools]
            """, options: new ComposeLoadOptions { Profiles = ["tools"], Scale = new Dictionary<string, int> { ["child"] = 3 } });

        var child = project.Services["child"];
        child.Image.Should().Be("busybox");
        child.Environment.Should().Contain(new Dictionary<string, string> { ["A"] = "1", ["B"] = "2" });
        child.Ports.Select(p => p.ContainerPort).Should().Equal(80, 81);
        child.Replicas.Should().Be(3);
        project.Services.Should().ContainKeys("side", "inner", "tools");
        project.Services["inner"].Volumes[0].Source.Should().Be(_dir.Combine("sub", "x"), "an included file's paths resolve against its own directory");
    }

    [Fact]
    public void An_override_file_merges_onto_the_first()
    {
        var first = Write("compose.yaml", "services:\n  s:\n    image: busybox\n    environment: { A: '1' }\n    ports: ['80']\n");
        var second = Write("compose.override.yaml", "services:\n  s:\n    environment: { B: '2' }\n    ports: ['81']\n    command: ['true']\n");
        var project = ComposeLoader.Load(new ComposeLoadOptions { Files = [first, second], Environment = new Dictionary<string, string>() });
        project.Services["s"].Environment.Should().Contain(new Dictionary<string, string> { ["A"] = "1", ["B"] = "2" });
        project.Services["s"].Ports.Should().HaveCount(2);
        project.Services["s"].Command.Should().Equal("true");
    }

    [Fact]
    public void An_unknown_key_names_file_line_and_key()
    {
        var error = Fails("services:\n  web:\n    image: busybox\n    portz: ['80']\n");
        error.Kind.Should().Be(ComposeErrorKind.UnknownKey);
        error.File.Should().Be(_dir.Combine("compose.yaml"));
        error.Line.Should().Be(4);
        error.Key.Should().Be("services.web.portz");
        error.Message.Should().StartWith($"{_dir.Combine("compose.yaml")}:4: services.web.portz: unknown key 'portz'");
    }

    [Fact]
    public void An_unknown_top_level_key_is_refused_and_x_keys_are_not()
    {
        Fails("servics:\n  web:\n    image: busybox\n").Should().Match<ComposeFileException>(e => e.Kind == ComposeErrorKind.UnknownKey && e.Line == 1 && e.Key == "servics");
        Load("x-common: &c\n  image: busybox\nservices:\n  web:\n    <<: *c\n").Services["web"].Image.Should().Be("busybox");
    }

    [Theory]
    [InlineData("services:\n  web:\n    image: busybox\n    ports: '80:80'\n", 4, "services.web.ports")]
    [InlineData("services:\n  web:\n    image: busybox\n    deploy:\n      replicas: many\n", 5, "services.web.deploy.replicas")]
    [InlineData("services:\n  web:\n    image: [busybox]\n", 3, "services.web.image")]
    [InlineData("services:\n  web:\n    image: busybox\n    healthcheck:\n      interval: soon\n", 5, "services.web.healthcheck.interval")]
    [InlineData("services:\n  web:\n    image: busybox\n    environment: 3\n", 4, "services.web.environment")]
    public void A_wrong_type_names_file_line_and_key(string text, int line, string key)
    {
        var error = Fails(text);
        error.Kind.Should().Be(ComposeErrorKind.WrongType);
        (error.File, error.Line, error.Key).Should().Be((_dir.Combine("compose.yaml"), line, key));
    }

    [Theory]
    [InlineData("services:\n  web:\n    image: busybox:${TAG\n", "'${' is not closed")]
    [InlineData("services:\n  web:\n    image: busybox\n    environment:\n      A: ${TAG:?set TAG to the version}\n", "required variable TAG is missing: set TAG to the version")]
    [InlineData("services:\n  web:\n    image: busybox:${1TAG}\n", "must start with a letter")]
    [InlineData("services:\n  web:\n    image: busybox:$-\n", "write $$ for a literal $")]
    public void A_bad_interpolation_names_file_line_and_key(string text, string problem)
    {
        var error = Fails(text);
        error.Kind.Should().Be(ComposeErrorKind.Interpolation);
        error.File.Should().Be(_dir.Combine("compose.yaml"));
        error.Line.Should().Be(text.Split('\n').TakeWhile(l => !l.Contains('$')).Count() + 1);
        error.Key.Should().StartWith("services.web.");
        error.Problem.Should().Contain(problem);
    }

    [Fact]
    public void A_dependency_cycle_is_refused_naming_file_line_and_key()
    {
        var error = Fails("""
            services:
              a:
                image: busybox
                depends_on: [b]
              b:
                image: busybox
                depends_on:
                  c:
                    condition: service_started
              c:
                image: busybox
                depends_on: [a]
            """);
        error.Kind.Should().Be(ComposeErrorKind.DependencyCycle);
        (error.Line, error.Key).Should().Be((4, "services.a.depends_on.b"));
        error.Problem.Should().Contain("a -> b -> c -> a");
    }

    [Fact]
    public void A_missing_service_in_depends_on_names_file_line_and_key()
    {
        var error = Fails("services:\n  web:\n    image: busybox\n    depends_on:\n      - db\n");
        error.Kind.Should().Be(ComposeErrorKind.MissingReference);
        (error.File, error.Line, error.Key).Should().Be((_dir.Combine("compose.yaml"), 5, "services.web.depends_on.db"));
        error.Problem.Should().Contain("no such service: 'db'");
    }

    [Fact]
    public void An_undeclared_named_volume_or_network_is_refused()
    {
        Fails("services:\n  web:\n    image: busybox\n    volumes: ['data:/data']\n").Should().Match<ComposeFileException>(e => e.Kind == ComposeErrorKind.MissingReference && e.Line == 4 && e.Key == "services.web.volumes[0]");
        Fails("services:\n  web:\n    image: busybox\n    networks: [back]\n").Should().Match<ComposeFileException>(e => e.Kind == ComposeErrorKind.MissingReference && e.Line == 4);
    }

    [Fact]
    public void An_error_in_an_override_file_names_that_file()
    {
        var first = Write("compose.yaml", "services:\n  s:\n    image: busybox\n");
        var second = Write("compose.override.yaml", "services:\n  s:\n    restart: sometimes\n");
        var act = () => ComposeLoader.Load(new ComposeLoadOptions { Files = [first, second], Environment = new Dictionary<string, string>() });
        act.Should().Throw<ComposeFileException>().Which.Should().Match<ComposeFileException>(e => e.File == second && e.Line == 3 && e.Key == "services.s.restart" && e.Kind == ComposeErrorKind.InvalidValue);
    }

    [Fact]
    public void Config_writes_yaml_that_reads_back_to_the_same_project()
    {
        var project = Load("services:\n  web:\n    image: busybox\n    command: echo hi\n    ports: ['127.0.0.1::80']\n    depends_on: { db: { condition: service_healthy } }\n  db:\n    image: busybox\n    healthcheck: { test: 'true', interval: 1s }\n");
        var yaml = ComposeWriter.ToYaml(project);
        var again = ComposeLoader.Load(new ComposeLoadOptions { Files = [Write("again.yaml", yaml)], Environment = new Dictionary<string, string>() });
        ComposeWriter.ToYaml(again).Should().Be(yaml);
        ComposeWriter.ConfigHash(again.Services["web"]).Should().Be(ComposeWriter.ConfigHash(project.Services["web"]));
    }
}
