namespace Containers.Volumes;

/// <summary>
/// Copies an image directory into an empty volume keeping ownership, modes, extended attributes, symbolic links and
/// device nodes; platform packages implement it (Core has no file-ownership APIs).
/// </summary>
public interface IVolumeContentCopier
{
    /// <summary>Copies the contents and the attributes of <paramref name="source"/> into the existing, empty <paramref name="destination"/>, never following symbolic links.</summary>
    void Copy(string source, string destination);
}
