//! AutoMTLS for the go-plugin transport.
//!
//! Terraform generates a client certificate per provider launch (ECDSA P-521, self-signed,
//! CA-flagged) and passes it in `PLUGIN_CLIENT_CERT`. We generate our own server certificate
//! (SAN `localhost`), print it in the handshake line, and accept only connections that present
//! exactly Terraform's certificate: a pinned byte comparison, because stock verifiers reject a
//! CA-flagged end-entity certificate. Signatures are still checked (with aws-lc-rs, which can
//! verify P-521/SHA-512), so a peer must hold the matching private key. ALPN is `h2`.
//!
//! Depends on rustls and rcgen only. Must not know about gRPC services or Terraform values.

use std::sync::Arc;

use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{
    CertificateError, DigitallySignedStruct, DistinguishedName, ServerConfig, SignatureScheme,
};

/// The server's identity: its certificate (DER) and the matching PKCS#8 key.
pub struct ServerIdentity {
    pub cert_der: Vec<u8>,
    key_der: Vec<u8>,
}

impl ServerIdentity {
    /// A fresh self-signed P-256 certificate for `localhost`, valid for server and client auth.
    pub fn generate() -> Result<Self, String> {
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)
            .map_err(|e| e.to_string())?;
        let mut params = rcgen::CertificateParams::new(vec!["localhost".to_string()])
            .map_err(|e| e.to_string())?;
        let mut dn = rcgen::DistinguishedName::new();
        dn.push(rcgen::DnType::CommonName, "localhost");
        dn.push(rcgen::DnType::OrganizationName, "terraform-provider-sagemaker");
        params.distinguished_name = dn;
        params.extended_key_usages = vec![
            rcgen::ExtendedKeyUsagePurpose::ServerAuth,
            rcgen::ExtendedKeyUsagePurpose::ClientAuth,
        ];
        params.key_usages =
            vec![rcgen::KeyUsagePurpose::DigitalSignature, rcgen::KeyUsagePurpose::KeyEncipherment];
        let cert = params.self_signed(&key).map_err(|e| e.to_string())?;
        Ok(ServerIdentity { cert_der: cert.der().to_vec(), key_der: key.serialize_der() })
    }

    /// The handshake's sixth field: standard base64 of the DER certificate, without padding.
    pub fn handshake_field(&self) -> String {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD_NO_PAD.encode(&self.cert_der)
    }
}

/// Decodes the first certificate of a PEM text (Terraform's `PLUGIN_CLIENT_CERT`) to DER.
pub fn pem_to_der(pem: &str) -> Result<Vec<u8>, String> {
    use base64::Engine;
    let begin = "-----BEGIN CERTIFICATE-----";
    let end = "-----END CERTIFICATE-----";
    let start = pem.find(begin).ok_or("no BEGIN CERTIFICATE line")? + begin.len();
    let stop = pem[start..].find(end).ok_or("no END CERTIFICATE line")? + start;
    let body: String = pem[start..stop].chars().filter(|c| !c.is_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(body)
        .map_err(|e| format!("bad base64 in certificate: {e}"))
}

/// Accepts exactly one client certificate (byte-for-byte) and checks the handshake signature.
#[derive(Debug)]
struct PinnedClientCert {
    expected_der: Vec<u8>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ClientCertVerifier for PinnedClientCert {
    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        // An empty hint list makes Go clients send their only certificate.
        &[]
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        if end_entity.as_ref() == self.expected_der.as_slice() {
            Ok(ClientCertVerified::assertion())
        } else {
            Err(rustls::Error::InvalidCertificate(CertificateError::ApplicationVerificationFailure))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// The rustls configuration: our identity, mandatory pinned client auth, ALPN `h2`.
pub fn server_config(
    identity: &ServerIdentity,
    client_cert_pem: &str,
) -> Result<Arc<ServerConfig>, String> {
    let client_der = pem_to_der(client_cert_pem)?;
    let provider: Arc<CryptoProvider> = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let verifier = PinnedClientCert {
        expected_der: client_der,
        algorithms: provider.signature_verification_algorithms,
    };
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(identity.key_der.clone()));
    let mut cfg = ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(|e| e.to_string())?
        .with_client_cert_verifier(Arc::new(verifier))
        .with_single_cert(vec![CertificateDer::from(identity.cert_der.clone())], key)
        .map_err(|e| e.to_string())?;
    cfg.alpn_protocols = vec![b"h2".to_vec()];
    Ok(Arc::new(cfg))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handshake_field_is_unpadded_standard_base64_of_der() {
        let id = ServerIdentity::generate().expect("cert");
        let f = id.handshake_field();
        assert!(!f.contains('='));
        assert!(f.len() > 50, "go-plugin ignores a cert field of 50 characters or less");
        use base64::Engine;
        let der = base64::engine::general_purpose::STANDARD_NO_PAD.decode(&f).expect("decodes");
        assert_eq!(der, id.cert_der);
    }

    #[test]
    fn pem_roundtrip() {
        use base64::Engine;
        let der = vec![1u8, 2, 3, 4, 5, 250];
        let b64 = base64::engine::general_purpose::STANDARD.encode(&der);
        let pem = format!("-----BEGIN CERTIFICATE-----\n{b64}\n-----END CERTIFICATE-----\n");
        assert_eq!(pem_to_der(&pem).expect("der"), der);
        assert!(pem_to_der("garbage").is_err());
    }
}
