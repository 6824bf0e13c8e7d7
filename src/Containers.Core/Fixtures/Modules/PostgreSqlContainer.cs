using System.Data.Common;
using System.Globalization;

namespace Containers.Fixtures;

/// <summary>A running PostgreSQL fixture; disposing it removes the container and its data.</summary>
public sealed class PostgreSqlContainer : FixtureContainer
{
    internal PostgreSqlContainer(FixtureContainer started, string database, string username, string password)
        : base(started)
    {
        Database = database;
        Username = username;
        Password = password;
    }

    /// <summary>Gets the database name.</summary>
    public string Database { get; }

    /// <summary>Gets the superuser's name.</summary>
    public string Username { get; }

    /// <summary>Gets the superuser's password.</summary>
    public string Password { get; }

    /// <summary>Gets the host port the server answers on, at <see cref="FixtureContainer.Host"/>.</summary>
    public int Port => GetMappedPort(PostgreSqlBuilder.Port);

    /// <summary>Gets an ADO.NET connection string (the keywords Npgsql reads): <c>Host=127.0.0.1;Port=...;Database=...;Username=...;Password=...</c>.</summary>
    /// <remarks>Values are quoted as connection strings need, so a password may hold <c>;</c> or quotes.</remarks>
    public string ConnectionString => new DbConnectionStringBuilder
    {
        ["Host"] = Host,
        ["Port"] = Port.ToString(CultureInfo.InvariantCulture),
        ["Database"] = Database,
        ["Username"] = Username,
        ["Password"] = Password,
    }.ConnectionString;
}
