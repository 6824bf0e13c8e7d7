using System.Text;
using Containers.Oci;
using Containers.Oci.Runtime;

namespace Containers.Core.Tests.Oci;

/// <summary>
/// A runtime specification is read through the context it is written with (issue 15: one metadata build per process
/// instead of two); reading must stay as strict as the default context's.
/// </summary>
public sealed class RuntimeSpecReadTests
{
    [Fact]
    public void A_written_specification_reads_back_the_same()
    {
        var spec = new RuntimeSpec { Hostname = "a+b", Process = new RuntimeProcess { Args = ["/bin/true"], Cwd = "/", Env = ["A=1+2"] } };
        var bytes = OciSerializer.Serialize(spec);
        Encoding.UTF8.GetString(bytes).Should().Contain("a+b", "'+' is written as itself");

        var read = OciSerializer.ReadRuntimeSpec(bytes);
        read.Hostname.Should().Be("a+b");
        read.Process!.Args.Should().Equal("/bin/true");
        read.Process.Env.Should().Equal("A=1+2");
    }

    [Theory]
    [InlineData("""{"ociVersion":"1.2.0","ociVersion":"1.2.0"}""")]
    [InlineData("""{"ociVersion":"1.2.0" /* a comment */}""")]
    public void Duplicate_properties_and_comments_are_refused(string json)
    {
        var act = () => OciSerializer.ReadRuntimeSpec(Encoding.UTF8.GetBytes(json));
        act.Should().Throw<InvalidManifestException>();
    }
}
