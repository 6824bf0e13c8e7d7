namespace Containers.Images;

/// <summary>Names what is wrong with an image reference that could not be parsed.</summary>
public enum ReferenceError
{
    /// <summary>The reference is empty.</summary>
    Empty,

    /// <summary>The reference does not follow <c>[registry/]repository[:tag][@digest]</c>.</summary>
    InvalidFormat,

    /// <summary>The repository path holds uppercase letters; repository names must be lowercase.</summary>
    UppercaseName,

    /// <summary>A repository path component is empty or uses characters or separators the grammar forbids.</summary>
    InvalidName,

    /// <summary>The registry host or port is malformed.</summary>
    InvalidRegistry,

    /// <summary>The tag is empty, too long (over 128 characters) or holds forbidden characters.</summary>
    InvalidTag,

    /// <summary>The digest is malformed or uses an unsupported algorithm.</summary>
    InvalidDigest,

    /// <summary>The registry and repository together exceed 255 characters.</summary>
    NameTooLong,

    /// <summary>The name is a 64-character hexadecimal string, which would be confused with an image ID.</summary>
    AmbiguousIdentifier,
}
