using System.Runtime.Versioning;

// An OCI runtime for Linux: it drives namespaces, cgroups and mounts.
[assembly: SupportedOSPlatform("linux")]
