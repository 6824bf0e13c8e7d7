namespace Containers.Containers;

/// <summary>Reports container settings that cannot be applied: an unknown user, a malformed limit, an unknown capability.</summary>
public sealed class InvalidContainerConfigurationException : ContainersException
{
    /// <summary>Initializes a new instance naming the setting and the problem.</summary>
    public InvalidContainerConfigurationException(string setting, string message)
        : base(message)
    {
        Setting = setting;
    }

    /// <summary>Gets the setting that was refused (<c>user</c>, <c>memory</c>, ...).</summary>
    public string Setting { get; }
}
