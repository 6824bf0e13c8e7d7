using Containers.Linux.Networking;
using Containers.Linux.Networking.Nft;

namespace Containers.Linux.Tests.Networking.Seam;

/// <summary>
/// An in-memory <see cref="IFirewall"/>: the host's <c>ip</c> tables by name, each replaced whole or deleted as the kernel's
/// transaction does; a replacement can be made to fail, which leaves the tables as they were.
/// </summary>
internal sealed class FakeFirewall : IFirewall
{
    private int _failures;

    /// <summary>Gets the tables, by name.</summary>
    public Dictionary<string, NftTable> Tables { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets how many transactions were committed.</summary>
    public int Commits { get; private set; }

    /// <summary>Makes the next <paramref name="times"/> replacements fail as a refused rule does.</summary>
    public void Fail(int times = int.MaxValue) => _failures = times;

    /// <summary>Returns the rules of a table's chain as <c>nft list</c> prints them.</summary>
    public IReadOnlyList<string> Rules(string table, string chain) =>
        Tables.TryGetValue(table, out var found) ? found.Rules.Where(r => r.Chain == chain).Select(r => r.ToString()).ToList() : [];

    public void Replace(NftTable table, bool delete = false)
    {
        lock (Tables)
        {
            if (_failures > 0)
            {
                _failures--;
                throw new NetworkSetupException($"creating table ip {table.Name}", "ENOENT (No such file or directory)");
            }

            Tables.Remove(table.Name);
            if (!delete)
            {
                Tables[table.Name] = table;
            }

            Commits++;
        }
    }
}
