using System.Runtime.Versioning;

// The command line drives the Linux runtime; its tests run on Linux.
[assembly: SupportedOSPlatform("linux")]
