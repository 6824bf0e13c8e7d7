using System.Runtime.Versioning;

// The Linux components' tests run only on Linux.
[assembly: SupportedOSPlatform("linux")]
