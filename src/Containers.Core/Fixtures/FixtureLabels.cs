namespace Containers.Fixtures;

/// <summary>Names the labels every container a <see cref="ContainerBuilder"/> creates carries, so leftovers can be found.</summary>
public static class FixtureLabels
{
    /// <summary>Marks a fixture container: <c>org.dotnet.containers.fixture=true</c>.</summary>
    public const string Fixture = "org.dotnet.containers.fixture";

    /// <summary>Records the process ID of the process that started the fixture.</summary>
    public const string OwnerPid = "org.dotnet.containers.fixture.owner-pid";
}
