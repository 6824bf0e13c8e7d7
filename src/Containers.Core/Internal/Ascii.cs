using System.Buffers;

namespace Containers.Internal;

/// <summary>Precomputed character sets for validating identifiers without regular expressions.</summary>
internal static class Ascii
{
    public static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");

    public static readonly SearchValues<char> LowerAlphaNumeric = SearchValues.Create("0123456789abcdefghijklmnopqrstuvwxyz");
}
