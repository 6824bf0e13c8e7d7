using System.Runtime.Versioning;

// The packages' native parts and the consumer's containers run on Linux only.
[assembly: SupportedOSPlatform("linux")]
