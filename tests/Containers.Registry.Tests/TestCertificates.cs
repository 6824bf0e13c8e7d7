using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Containers.Registry.Tests;

/// <summary>Makes a throwaway certificate authority and a server certificate for 127.0.0.1, for TLS tests.</summary>
internal sealed class TestCertificates : IDisposable
{
    public TestCertificates()
    {
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=containers-test-ca", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        Authority = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));

        ServerKey = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", ServerKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        Server = request.Create(Authority, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(6), [1, 2, 3, 4]);
    }

    public X509Certificate2 Authority { get; }

    public X509Certificate2 Server { get; }

    public RSA ServerKey { get; }

    /// <summary>Writes the server certificate and key as PEM files and returns their paths.</summary>
    public (string Certificate, string Key) WritePem(string directory)
    {
        var certificate = Path.Combine(directory, "server.crt");
        var key = Path.Combine(directory, "server.key");
        File.WriteAllText(certificate, Server.ExportCertificatePem() + "\n" + Authority.ExportCertificatePem());
        File.WriteAllText(key, ServerKey.ExportPkcs8PrivateKeyPem());
        return (certificate, key);
    }

    public void Dispose()
    {
        Authority.Dispose();
        Server.Dispose();
        ServerKey.Dispose();
    }
}
