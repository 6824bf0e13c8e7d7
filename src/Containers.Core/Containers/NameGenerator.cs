using System.Security.Cryptography;

namespace Containers.Containers;

/// <summary>Makes Docker-style container names (<c>quirky_turing</c>) and checks user-given ones.</summary>
internal static class NameGenerator
{
    private static readonly string[] Adjectives =
    [
        "admiring", "agitated", "amazing", "awesome", "blissful", "bold", "brave", "busy", "clever", "cool", "dazzling", "eager",
        "elated", "epic", "festive", "focused", "friendly", "gallant", "happy", "hopeful", "jolly", "keen", "kind", "lucid",
        "modest", "nifty", "optimistic", "peaceful", "quirky", "relaxed", "serene", "sharp", "stoic", "tender", "vibrant", "zen",
    ];

    private static readonly string[] Surnames =
    [
        "babbage", "bardeen", "bell", "curie", "darwin", "dijkstra", "einstein", "euclid", "feynman", "franklin", "goldberg",
        "hamilton", "hopper", "hypatia", "kalam", "knuth", "lamport", "liskov", "lovelace", "mccarthy", "meitner", "noether",
        "pascal", "ritchie", "shannon", "thompson", "torvalds", "turing", "wozniak", "yalow",
    ];

    public static string Generate() =>
        Adjectives[RandomNumberGenerator.GetInt32(Adjectives.Length)] + "_" + Surnames[RandomNumberGenerator.GetInt32(Surnames.Length)];

    /// <summary>Checks Docker's rule: <c>[a-zA-Z0-9][a-zA-Z0-9_.-]+</c>.</summary>
    /// <exception cref="InvalidContainerConfigurationException">The name breaks it.</exception>
    public static string Validate(string name)
    {
        var trimmed = name.TrimStart('/');
        var valid = trimmed.Length >= 2 && char.IsAsciiLetterOrDigit(trimmed[0])
            && trimmed.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-');
        return valid ? trimmed : throw new InvalidContainerConfigurationException("name", $"Invalid container name ({name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
    }
}
