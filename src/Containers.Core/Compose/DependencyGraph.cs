namespace Containers.Compose;

/// <summary>Orders services by <c>depends_on</c> and finds cycles, before anything starts.</summary>
internal static class DependencyGraph
{
    /// <summary>Returns a cycle as its service names (the first repeated at the end), or null when there is none.</summary>
    public static IReadOnlyList<string>? FindCycle(IReadOnlyDictionary<string, IReadOnlyList<string>> edges)
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 visiting, 2 done
        var stack = new List<string>();
        foreach (var start in edges.Keys.Order(StringComparer.Ordinal))
        {
            if (Visit(start) is { } cycle)
            {
                return cycle;
            }
        }

        return null;

        IReadOnlyList<string>? Visit(string node)
        {
            if (state.TryGetValue(node, out var s))
            {
                return s == 1 ? [.. stack[stack.IndexOf(node)..], node] : null;
            }

            state[node] = 1;
            stack.Add(node);
            foreach (var next in edges.TryGetValue(node, out var list) ? list : [])
            {
                if (Visit(next) is { } cycle)
                {
                    return cycle;
                }
            }

            stack.RemoveAt(stack.Count - 1);
            state[node] = 2;
            return null;
        }
    }

    /// <summary>Orders services so that each follows those it depends on; independent ones by name.</summary>
    public static IReadOnlyList<string> Order(IReadOnlyDictionary<string, ServiceConfig> services)
    {
        var result = new List<string>();
        var done = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in services.Keys.Order(StringComparer.Ordinal))
        {
            Add(name, 0);
        }

        return result;

        void Add(string name, int depth)
        {
            if (done.Contains(name) || !services.TryGetValue(name, out var service) || depth > services.Count)
            {
                return;
            }

            foreach (var dependency in service.DependsOn.Select(d => d.Service).Order(StringComparer.Ordinal))
            {
                Add(dependency, depth + 1);
            }

            if (done.Add(name))
            {
                result.Add(name);
            }
        }
    }
}
