namespace Containers.Storage;

/// <summary>Describes one mount that shows a snapshot, in the terms of mount(8): a type, a source and options.</summary>
/// <param name="Type">The file system type: <c>overlay</c> or <c>bind</c>.</param>
/// <param name="Source">The device or directory to mount (for overlay, <c>overlay</c>).</param>
/// <param name="Options">The mount options, such as <c>ro</c>, <c>rbind</c>, <c>lowerdir=…</c>, <c>upperdir=…</c>, <c>workdir=…</c>.</param>
/// <remarks>An overlay's <c>lowerdir</c> lists layers topmost first, separated by <c>:</c>; it may exceed the one-page limit of mount(2), so mount it with the new mount API.</remarks>
public sealed record StorageMount(string Type, string Source, IReadOnlyList<string> Options);
