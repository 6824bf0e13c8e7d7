using System.Runtime.Versioning;

// The runtime front end drives Linux namespaces and cgroups; its tests run on Linux as root.
[assembly: SupportedOSPlatform("linux")]
