//! Protocol tests: the real provider binary, started the way Terraform starts it, driven over
//! real gRPC calls on its socket with mutually authenticated TLS.
//!
//! These cover what Terraform itself never shows clearly: the handshake line, the pinned client
//! certificate (a peer without it must fail the TLS handshake), unknown values in requests,
//! UNIMPLEMENTED for RPCs we do not serve, and prompt exit on `GRPCController.Shutdown`.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use sagemaker_provider::proto::plugin::grpc_controller_client::GrpcControllerClient;
use sagemaker_provider::proto::tfplugin6 as pb;
use sagemaker_provider::proto::tfplugin6::provider_client::ProviderClient;
use sagemaker_provider::tfvalue::{msgpack, Type, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::UnixStream;
use tonic::transport::{Channel, Endpoint, Uri};

const COOKIE: &str = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

/// A client identity shaped like Terraform's: ECDSA P-521, self-signed, CA-flagged.
struct ClientIdentity {
    cert_pem: String,
    cert_der: Vec<u8>,
    key_der: Vec<u8>,
}

fn terraform_like_identity() -> ClientIdentity {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P521_SHA512).expect("P-521 key");
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_string()]).expect("params");
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params.extended_key_usages = vec![
        rcgen::ExtendedKeyUsagePurpose::ClientAuth,
        rcgen::ExtendedKeyUsagePurpose::ServerAuth,
    ];
    params.key_usages = vec![
        rcgen::KeyUsagePurpose::DigitalSignature,
        rcgen::KeyUsagePurpose::KeyEncipherment,
        rcgen::KeyUsagePurpose::KeyAgreement,
        rcgen::KeyUsagePurpose::KeyCertSign,
    ];
    let cert = params.self_signed(&key).expect("self-signed");
    ClientIdentity {
        cert_pem: cert.pem(),
        cert_der: cert.der().to_vec(),
        key_der: key.serialize_der(),
    }
}

struct Plugin {
    child: Child,
    socket: String,
    server_cert: Vec<u8>,
}

impl Drop for Plugin {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_plugin(client_cert_pem: Option<&str>) -> Plugin {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_terraform-provider-sagemaker"));
    cmd.env("TF_PLUGIN_MAGIC_COOKIE", COOKIE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "5,6")
        .env("PLUGIN_MIN_PORT", "10000")
        .env("PLUGIN_MAX_PORT", "25000")
        .env_remove("PLUGIN_CLIENT_CERT")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if let Some(pem) = client_cert_pem {
        cmd.env("PLUGIN_CLIENT_CERT", pem);
    }
    let mut child = cmd.spawn().expect("spawn provider");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("handshake line");
    let fields: Vec<&str> = line.trim_end().split('|').collect();
    assert_eq!(fields.len(), 6, "handshake: {line:?}");
    assert_eq!(&fields[..3], &["1", "6", "unix"], "handshake: {line:?}");
    assert_eq!(fields[4], "grpc");
    use base64::Engine;
    let server_cert = if fields[5].is_empty() {
        Vec::new()
    } else {
        assert!(!fields[5].contains('='), "certificate field must be unpadded base64");
        base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(fields[5])
            .expect("server cert base64")
    };
    Plugin { child, socket: fields[3].to_string(), server_cert }
}

/// Trusts exactly the certificate the plugin printed, as go-plugin does.
#[derive(Debug)]
struct PinnedServer(Vec<u8>, Arc<rustls::crypto::CryptoProvider>);

impl ServerCertVerifier for PinnedServer {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if end_entity.as_ref() == self.0.as_slice() {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General("unexpected server certificate".into()))
        }
    }
    fn verify_tls12_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(m, c, d, &self.1.signature_verification_algorithms)
    }
    fn verify_tls13_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(m, c, d, &self.1.signature_verification_algorithms)
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.1.signature_verification_algorithms.supported_schemes()
    }
}

fn client_tls(server_cert: &[u8], identity: Option<&ClientIdentity>) -> tokio_rustls::TlsConnector {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .expect("versions")
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(PinnedServer(server_cert.to_vec(), provider)));
    let mut cfg = match identity {
        Some(id) => builder
            .with_client_auth_cert(
                vec![CertificateDer::from(id.cert_der.clone())],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(id.key_der.clone())),
            )
            .expect("client cert"),
        None => builder.with_no_client_auth(),
    };
    cfg.alpn_protocols = vec![b"h2".to_vec()];
    tokio_rustls::TlsConnector::from(Arc::new(cfg))
}

async fn channel(
    plugin: &Plugin,
    identity: Option<&ClientIdentity>,
) -> Result<Channel, tonic::transport::Error> {
    let socket = plugin.socket.clone();
    let tls = (!plugin.server_cert.is_empty()).then(|| client_tls(&plugin.server_cert, identity));
    Endpoint::try_from("http://localhost")
        .expect("endpoint")
        .connect_with_connector(tower::service_fn(move |_: Uri| {
            let socket = socket.clone();
            let tls = tls.clone();
            async move {
                let stream = UnixStream::connect(socket).await?;
                match tls {
                    Some(tls) => {
                        let name = ServerName::try_from("localhost").expect("name");
                        let s = tls.connect(name, stream).await?;
                        Ok::<_, std::io::Error>(hyper_util::rt::TokioIo::new(
                            Box::new(s) as Box<dyn IoStream>
                        ))
                    }
                    None => Ok(hyper_util::rt::TokioIo::new(Box::new(stream) as Box<dyn IoStream>)),
                }
            }
        }))
        .await
}

trait IoStream: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send {}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send> IoStream for T {}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime")
}

fn pipeline_type(schema: &pb::get_provider_schema::Response) -> Type {
    // Rebuild the value type from the schema Terraform sees, as Terraform does.
    fn block_type(b: &pb::schema::Block) -> Type {
        let mut attrs = std::collections::BTreeMap::new();
        for a in &b.attributes {
            attrs.insert(
                a.name.clone(),
                Type::from_json(std::str::from_utf8(&a.r#type).expect("utf8")).expect("type json"),
            );
        }
        for n in &b.block_types {
            let inner = block_type(n.block.as_ref().expect("block"));
            let ty = match n.nesting {
                1 => inner,
                2 => Type::List(Box::new(inner)),
                3 => Type::Set(Box::new(inner)),
                4 => Type::Map(Box::new(inner)),
                _ => inner,
            };
            attrs.insert(n.type_name.clone(), ty);
        }
        Type::Object(attrs)
    }
    block_type(schema.resource_schemas["sagemaker_ml_pipeline"].block.as_ref().expect("block"))
}

fn dv(v: &Value, ty: &Type) -> Option<pb::DynamicValue> {
    Some(pb::DynamicValue { msgpack: msgpack::encode(v, ty).expect("encode"), json: vec![] })
}

fn pipeline_config(name: Value, role: Value, steps: Value) -> Value {
    Value::object([
        ("id", Value::Null),
        ("name", name),
        ("arn", Value::Null),
        ("role_arn", role),
        ("display_name", Value::Null),
        ("description", Value::Null),
        ("steps", steps),
        ("tags", Value::Null),
        ("tags_all", Value::Null),
        ("definition_parts", Value::Null),
        ("definition_sha256", Value::Null),
        ("parameter", Value::List(vec![])),
        ("parallelism_config", Value::Null),
    ])
}

#[test]
fn terraform_like_client_gets_schema_over_mtls_and_shutdown_exits_promptly() {
    let id = terraform_like_identity();
    let mut plugin = start_plugin(Some(&id.cert_pem));
    assert!(
        !plugin.server_cert.is_empty(),
        "AutoMTLS requires the server certificate in the handshake"
    );
    rt().block_on(async {
        let ch = channel(&plugin, Some(&id)).await.expect("connect with Terraform's certificate");
        let schema = ProviderClient::new(ch.clone())
            .get_provider_schema(pb::get_provider_schema::Request {})
            .await
            .expect("GetProviderSchema")
            .into_inner();
        assert!(schema.provider.is_some());
        assert!(schema.resource_schemas.contains_key("sagemaker_ml_pipeline"));
        assert!(schema.diagnostics.is_empty());

        // An RPC we do not serve answers UNIMPLEMENTED rather than breaking the stream.
        let err = ProviderClient::new(ch.clone())
            .get_functions(pb::get_functions::Request {})
            .await
            .expect_err("GetFunctions is not served");
        assert_eq!(err.code(), tonic::Code::Unimplemented);

        let started = Instant::now();
        GrpcControllerClient::new(ch)
            .shutdown(sagemaker_provider::proto::plugin::Empty {})
            .await
            .expect("Shutdown");
        loop {
            if let Some(status) = plugin.child.try_wait().expect("wait") {
                assert!(status.success(), "exit status {status:?}");
                break;
            }
            assert!(
                started.elapsed() < Duration::from_millis(1500),
                "must exit well within Terraform's 2 s grace"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    });
    assert!(!std::path::Path::new(&plugin.socket).exists(), "the socket file is removed on exit");
}

#[test]
fn connection_without_terraforms_client_certificate_fails_the_tls_handshake() {
    let id = terraform_like_identity();
    let plugin = start_plugin(Some(&id.cert_pem));
    rt().block_on(async {
        // No client certificate at all.
        let stream = UnixStream::connect(&plugin.socket).await.expect("socket");
        let name = ServerName::try_from("localhost").expect("name");
        let outcome =
            match client_tls(&plugin.server_cert, None).connect(name.clone(), stream).await {
                // TLS 1.3 lets the client finish first; the server's rejection arrives on first read.
                Ok(mut s) => {
                    let _ = s.write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n").await;
                    let mut buf = [0u8; 64];
                    match s.read(&mut buf).await {
                        Ok(0) => Err("closed".to_string()),
                        Ok(_) => Ok(()),
                        Err(e) => Err(e.to_string()),
                    }
                }
                Err(e) => Err(e.to_string()),
            };
        assert!(outcome.is_err(), "a client without a certificate must be rejected");

        // A different P-521 certificate (same shape as Terraform's, not the one it passed).
        let other = terraform_like_identity();
        let rejected = match channel(&plugin, Some(&other)).await {
            Err(_) => true,
            Ok(ch) => ProviderClient::new(ch)
                .get_provider_schema(pb::get_provider_schema::Request {})
                .await
                .is_err(),
        };
        assert!(rejected, "a client with another certificate must be rejected");

        // Plaintext to a TLS server is no gRPC either.
        let mut s = UnixStream::connect(&plugin.socket).await.expect("socket");
        let _ = s.write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n").await;
        let mut buf = [0u8; 9];
        let r =
            tokio::time::timeout(Duration::from_secs(5), s.read(&mut buf)).await.expect("answered");
        assert!(
            !matches!(r, Ok(n) if n > 0 && buf[3] == 0x04),
            "no HTTP/2 SETTINGS frame over plaintext"
        );

        // And the right certificate still works afterwards: the server survived the rejections.
        let ch = channel(&plugin, Some(&id)).await.expect("connect");
        ProviderClient::new(ch)
            .get_provider_schema(pb::get_provider_schema::Request {})
            .await
            .expect("schema");
    });
}

#[test]
fn plan_with_unknown_values_keeps_them_unknown_and_reports_diagnostics_with_paths() {
    // TLS off (TF_DISABLE_PLUGIN_TLS): plain h2c, no certificate field.
    let plugin = start_plugin(None);
    assert!(plugin.server_cert.is_empty());
    rt().block_on(async {
        let ch = channel(&plugin, None).await.expect("h2c");
        let mut client = ProviderClient::new(ch);
        let schema = client
            .get_provider_schema(pb::get_provider_schema::Request {})
            .await
            .expect("schema")
            .into_inner();
        let ty = pipeline_type(&schema);
        let provider_cfg = Value::object([
            ("region", Value::Unknown),
            ("profile", Value::Null),
            ("default_tags", Value::Unknown),
            ("max_retries", Value::Null),
            ("call_timeout", Value::Null),
            ("operation_timeout", Value::Null),
            ("endpoints", Value::Null),
        ]);
        let provider_ty = Type::object([
            ("region", Type::String),
            ("profile", Type::String),
            ("default_tags", Type::map(Type::String)),
            ("max_retries", Type::Number),
            ("call_timeout", Type::String),
            ("operation_timeout", Type::String),
            (
                "endpoints",
                Type::object([
                    ("sagemaker", Type::String),
                    ("s3", Type::String),
                    ("sts", Type::String),
                ]),
            ),
        ]);
        let r = client
            .configure_provider(pb::configure_provider::Request {
                terraform_version: "1.0.3".into(),
                config: dv(&provider_cfg, &provider_ty),
                client_capabilities: None,
            })
            .await
            .expect("configure")
            .into_inner();
        assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);

        // Steps unknown (they come from a resource not yet created): definition stays unknown.
        let config =
            pipeline_config(Value::string("unknown-steps"), Value::Unknown, Value::Unknown);
        let plan = client
            .plan_resource_change(pb::plan_resource_change::Request {
                type_name: "sagemaker_ml_pipeline".into(),
                prior_state: dv(&Value::Null, &ty),
                proposed_new_state: dv(&config, &ty),
                config: dv(&config, &ty),
                ..Default::default()
            })
            .await
            .expect("plan")
            .into_inner();
        assert!(plan.diagnostics.is_empty(), "{:?}", plan.diagnostics);
        let planned =
            msgpack::decode(&plan.planned_state.expect("planned").msgpack, &ty).expect("decode");
        assert!(planned.get("definition_parts").is_some_and(Value::is_unknown));
        assert!(planned.get("definition_sha256").is_some_and(Value::is_unknown));
        assert!(planned.get("arn").is_some_and(Value::is_unknown));
        assert!(
            planned.get("role_arn").is_some_and(Value::is_unknown),
            "config unknowns stay unknown"
        );
        assert!(planned.get("tags_all").is_some_and(Value::is_unknown), "default_tags unknown");
        assert_eq!(planned.get_str("id"), Some("unknown-steps"));
        assert_eq!(planned.get_str("name"), Some("unknown-steps"));

        // Bad values: every problem, each with its attribute path.
        let bad = pipeline_config(
            Value::string("bad_name"),
            Value::string("arn:aws:iam::123456789012:role/r"),
            Value::list([Value::string("{")]),
        );
        let v = client
            .validate_resource_config(pb::validate_resource_config::Request {
                type_name: "sagemaker_ml_pipeline".into(),
                config: dv(&bad, &ty),
                client_capabilities: None,
            })
            .await
            .expect("validate")
            .into_inner();
        let paths: Vec<Vec<String>> = v
            .diagnostics
            .iter()
            .map(|d| {
                d.attribute
                    .as_ref()
                    .map(|a| {
                        a.steps
                            .iter()
                            .map(|s| match &s.selector {
                                Some(pb::attribute_path::step::Selector::AttributeName(n)) => {
                                    n.clone()
                                }
                                Some(pb::attribute_path::step::Selector::ElementKeyInt(i)) => {
                                    format!("[{i}]")
                                }
                                Some(pb::attribute_path::step::Selector::ElementKeyString(k)) => {
                                    format!("[{k:?}]")
                                }
                                None => "?".into(),
                            })
                            .collect()
                    })
                    .unwrap_or_default()
            })
            .collect();
        assert_eq!(
            paths,
            vec![vec!["name".to_string()], vec!["steps".to_string(), "[0]".to_string()]]
        );
        assert!(v
            .diagnostics
            .iter()
            .all(|d| d.severity == pb::diagnostic::Severity::Error as i32 && !d.detail.is_empty()));

        // A garbage DynamicValue is a diagnostic, not a crash.
        let v = client
            .validate_resource_config(pb::validate_resource_config::Request {
                type_name: "sagemaker_ml_pipeline".into(),
                config: Some(pb::DynamicValue { msgpack: vec![0xc1, 0xff, 0x00], json: vec![] }),
                client_capabilities: None,
            })
            .await
            .expect("validate")
            .into_inner();
        assert_eq!(v.diagnostics.len(), 1);

        // An unknown resource type is a diagnostic too.
        let v = client
            .validate_resource_config(pb::validate_resource_config::Request {
                type_name: "sagemaker_nope".into(),
                config: None,
                client_capabilities: None,
            })
            .await
            .expect("validate")
            .into_inner();
        assert!(v.diagnostics[0].summary.contains("sagemaker_nope"));

        // StopProvider answers with no error.
        let s =
            client.stop_provider(pb::stop_provider::Request {}).await.expect("stop").into_inner();
        assert_eq!(s.error, "");
    });
}

#[test]
fn run_by_hand_it_explains_itself_and_exits_non_zero() {
    let out = Command::new(env!("CARGO_BIN_EXE_terraform-provider-sagemaker"))
        .env_remove("TF_PLUGIN_MAGIC_COOKIE")
        .stdin(Stdio::null())
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(out.stdout.is_empty(), "nothing on stdout");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("plugin for Terraform"), "{err}");

    let out = Command::new(env!("CARGO_BIN_EXE_terraform-provider-sagemaker"))
        .env("TF_PLUGIN_MAGIC_COOKIE", COOKIE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "4,5")
        .stdin(Stdio::null())
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("protocol 6"));
}

mod in_process {
    //! The gRPC edge served in-process over a unix socket, with a provider whose handlers panic
    //! or hang: a panic must come back as an error diagnostic (the server survives), and
    //! StopProvider must cancel a hanging handler.

    use super::*;
    use async_trait::async_trait;
    use sagemaker_provider::framework::{
        self, Attribute, Block, Diagnostics, Framework, Outcome, PlanRequest, ProviderHooks,
        Resource, Schema,
    };

    struct Hooks;
    #[async_trait]
    impl ProviderHooks<()> for Hooks {
        fn schema(&self) -> Schema {
            Schema::new(Block::new("test provider"))
        }
        async fn configure(&self, _: &str, _: &Value) -> Result<((), Diagnostics), Diagnostics> {
            Ok(((), Diagnostics::new()))
        }
    }

    struct Faulty;
    #[async_trait]
    impl Resource<()> for Faulty {
        fn type_name(&self) -> &'static str {
            "test_faulty"
        }
        fn schema(&self) -> Schema {
            Schema::new(Block::new("faulty").attr(Attribute::required(
                "mode",
                Type::String,
                "panic or hang",
            )))
        }
        async fn plan(&self, _: &(), req: &PlanRequest, _: &mut Value, _: &mut Diagnostics) {
            match req.config.get_str("mode") {
                Some("panic") => panic!("deliberate panic in plan"),
                Some("hang") => tokio::time::sleep(Duration::from_secs(3600)).await,
                _ => {}
            }
        }
        async fn create(&self, _: &(), p: &Value) -> Outcome {
            Outcome { state: p.clone(), diagnostics: Diagnostics::new(), private: None }
        }
        async fn update(&self, _: &(), _: &Value, p: &Value) -> Outcome {
            Outcome { state: p.clone(), diagnostics: Diagnostics::new(), private: None }
        }
        async fn delete(&self, _: &(), _: &Value, _: &[u8]) -> Diagnostics {
            Diagnostics::new()
        }
        async fn read(&self, _: &(), s: &Value) -> (Value, Diagnostics) {
            (s.clone(), Diagnostics::new())
        }
    }

    #[test]
    fn a_panicking_handler_is_a_diagnostic_and_stop_cancels_a_hanging_one() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("plugin.sock");
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("rt");
        rt.block_on(async {
            let listener = tokio::net::UnixListener::bind(&path).expect("bind");
            let provider: Arc<dyn framework::Provider> =
                Arc::new(Framework::new(Box::new(Hooks), vec![Arc::new(Faulty)], vec![]));
            let (tx, rx) = tokio::sync::watch::channel(false);
            let incoming = async_stream(listener);
            let server = tokio::spawn(sagemaker_provider::plugin::serve_incoming(
                provider,
                incoming,
                tx.clone(),
                rx,
            ));
            let socket = path.to_string_lossy().to_string();
            let ch = Endpoint::try_from("http://localhost")
                .expect("endpoint")
                .connect_with_connector(tower::service_fn(move |_: Uri| {
                    let socket = socket.clone();
                    async move {
                        Ok::<_, std::io::Error>(hyper_util::rt::TokioIo::new(
                            UnixStream::connect(socket).await?,
                        ))
                    }
                }))
                .await
                .expect("connect");
            let mut client = ProviderClient::new(ch);
            client
                .configure_provider(pb::configure_provider::Request {
                    config: None,
                    ..Default::default()
                })
                .await
                .expect("configure");
            let ty = Type::object([("mode", Type::String)]);
            let plan = move |mode: &str| {
                let cfg = Value::object([("mode", Value::string(mode))]);
                pb::plan_resource_change::Request {
                    type_name: "test_faulty".into(),
                    prior_state: None,
                    proposed_new_state: dv(&cfg, &ty),
                    config: dv(&cfg, &ty),
                    ..Default::default()
                }
            };
            let r = client
                .plan_resource_change(plan("panic"))
                .await
                .expect("the server answers")
                .into_inner();
            assert_eq!(r.diagnostics.len(), 1, "{:?}", r.diagnostics);
            assert!(r.diagnostics[0].summary.contains("panicked"), "{:?}", r.diagnostics);
            // Still serving after the panic.
            let r = client
                .plan_resource_change(plan("fine"))
                .await
                .expect("still serving")
                .into_inner();
            assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);

            let mut hanging = client.clone();
            let pending =
                tokio::spawn(async move { hanging.plan_resource_change(plan("hang")).await });
            tokio::time::sleep(Duration::from_millis(200)).await;
            client.stop_provider(pb::stop_provider::Request {}).await.expect("stop");
            let r = tokio::time::timeout(Duration::from_secs(5), pending)
                .await
                .expect("StopProvider cancels the hanging handler promptly")
                .expect("join")
                .expect("answered")
                .into_inner();
            assert!(
                r.diagnostics.iter().any(|d| d.summary.contains("interrupted")),
                "{:?}",
                r.diagnostics
            );
            tx.send_replace(true);
            let _ = tokio::time::timeout(Duration::from_secs(2), server).await;
        });
    }

    fn async_stream(
        listener: tokio::net::UnixListener,
    ) -> impl tokio_stream::Stream<Item = std::io::Result<UnixConn>> + Send + 'static {
        use tokio_stream::StreamExt;
        tokio_stream::wrappers::UnixListenerStream::new(listener).map(|r| r.map(UnixConn))
    }

    /// A unix stream gRPC can serve (tonic needs `Connected`).
    pub struct UnixConn(UnixStream);

    impl tokio::io::AsyncRead for UnixConn {
        fn poll_read(
            self: std::pin::Pin<&mut Self>,
            cx: &mut std::task::Context<'_>,
            buf: &mut tokio::io::ReadBuf<'_>,
        ) -> std::task::Poll<std::io::Result<()>> {
            std::pin::Pin::new(&mut self.get_mut().0).poll_read(cx, buf)
        }
    }
    impl tokio::io::AsyncWrite for UnixConn {
        fn poll_write(
            self: std::pin::Pin<&mut Self>,
            cx: &mut std::task::Context<'_>,
            buf: &[u8],
        ) -> std::task::Poll<std::io::Result<usize>> {
            std::pin::Pin::new(&mut self.get_mut().0).poll_write(cx, buf)
        }
        fn poll_flush(
            self: std::pin::Pin<&mut Self>,
            cx: &mut std::task::Context<'_>,
        ) -> std::task::Poll<std::io::Result<()>> {
            std::pin::Pin::new(&mut self.get_mut().0).poll_flush(cx)
        }
        fn poll_shutdown(
            self: std::pin::Pin<&mut Self>,
            cx: &mut std::task::Context<'_>,
        ) -> std::task::Poll<std::io::Result<()>> {
            std::pin::Pin::new(&mut self.get_mut().0).poll_shutdown(cx)
        }
    }
    impl tonic::transport::server::Connected for UnixConn {
        type ConnectInfo = ();
        fn connect_info(&self) -> Self::ConnectInfo {}
    }
}

#[test]
fn debug_mode_serves_plaintext_and_prints_reattach_instructions() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_terraform-provider-sagemaker"))
        .arg("--debug")
        .env_remove("TF_PLUGIN_MAGIC_COOKIE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn --debug");
    let stdout = child.stdout.take().expect("stdout");
    let mut reader = BufReader::new(stdout);
    let mut reattach = None;
    for _ in 0..20 {
        let mut line = String::new();
        if reader.read_line(&mut line).expect("read") == 0 {
            break;
        }
        if let Some(rest) = line.trim().strip_prefix("export TF_REATTACH_PROVIDERS='") {
            reattach = Some(rest.trim_end_matches('\'').to_string());
            break;
        }
    }
    let reattach: serde_json::Value =
        serde_json::from_str(&reattach.expect("reattach line")).expect("json");
    let entry = &reattach["registry.terraform.io/sagemaker-pipelines/sagemaker"];
    assert_eq!(entry["ProtocolVersion"], 6);
    assert_eq!(entry["Test"], true, "protocol 6 reattach requires Test: true");
    assert_eq!(entry["Pid"], child.id());
    let plugin = Plugin {
        child,
        socket: entry["Addr"]["String"].as_str().expect("addr").to_string(),
        server_cert: vec![],
    };
    rt().block_on(async {
        let ch = channel(&plugin, None).await.expect("plaintext");
        ProviderClient::new(ch)
            .get_provider_schema(pb::get_provider_schema::Request {})
            .await
            .expect("schema");
    });
}
