//! The plugin server: the only module that knows gRPC, protobuf and go-plugin.
//!
//! `run` checks the magic cookie, negotiates the protocol, generates the TLS identity, binds the
//! listener, prints the handshake line, and serves `tfplugin6.Provider` plus go-plugin's
//! controller, stdio, broker and health services until Terraform calls
//! `GRPCController.Shutdown`, after which the process exits promptly.
//!
//! Invariants: nothing but the handshake line reaches stdout (in `--debug` mode, the reattach
//! instructions); SIGINT is ignored when launched by Terraform (Terraform sends StopProvider
//! instead); the server ends within about a second of Terraform's death when Terraform could not
//! call `Shutdown`; gRPC messages up to 256 MiB are accepted both ways.
//!
//! Depends on `proto`, `framework`, `logging`. Must not know about AWS or SageMaker.

pub mod grpc;
pub mod tls;
pub mod transport;

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio_stream::Stream;
use tonic::{Request, Response, Status, Streaming};

use crate::framework;
use crate::proto::{health, plugin as goplugin, tfplugin6};
use transport::{Listener, MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE};

const MAX_MESSAGE: usize = 256 << 20;

/// Entry point of the binary. Returns the process exit code.
pub fn run(make_provider: fn() -> Arc<dyn framework::Provider>) -> i32 {
    crate::logging::install_panic_hook();
    let debug = std::env::args().skip(1).any(|a| a == "--debug" || a == "-debug");
    if !debug && std::env::var(MAGIC_COOKIE_KEY).as_deref() != Ok(MAGIC_COOKIE_VALUE) {
        eprintln!(
            "This binary is a plugin for Terraform (the SageMaker Pipelines provider). It is not meant to be run directly:\n\
             declare it in required_providers and run terraform. To attach a debugger, run it with --debug."
        );
        return 1;
    }
    let version =
        match transport::negotiate(std::env::var("PLUGIN_PROTOCOL_VERSIONS").ok().as_deref()) {
            Ok(v) => v,
            Err(why) => {
                eprintln!("terraform-provider-sagemaker: {why}");
                return 1;
            }
        };
    let rt = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("terraform-provider-sagemaker: cannot start the async runtime: {e}");
            return 1;
        }
    };
    let result = rt.block_on(async move {
        if debug {
            serve_debug(make_provider()).await
        } else {
            serve(version, make_provider()).await
        }
    });
    match result {
        Ok(()) => 0,
        Err(e) => {
            crate::logging::error("plugin server failed", &[("error", &e)]);
            eprintln!("terraform-provider-sagemaker: {e}");
            1
        }
    }
}

async fn serve(version: u32, provider: Arc<dyn framework::Provider>) -> Result<(), String> {
    // Before anything that takes time: a Terraform that dies during start-up is noticed too.
    let terraform = std::os::unix::process::parent_id();
    let client_cert = std::env::var("PLUGIN_CLIENT_CERT").ok().filter(|s| !s.trim().is_empty());
    let (tls, cert_field) = match client_cert {
        Some(pem) => {
            let id = tls::ServerIdentity::generate()
                .map_err(|e| format!("generating the TLS certificate: {e}"))?;
            let cfg = tls::server_config(&id, &pem).map_err(|e| format!("configuring TLS: {e}"))?;
            (Some(cfg), Some(id.handshake_field()))
        }
        None => (None, None),
    };
    let listener = Listener::bind(std::env::var_os("SAGEMAKER_PROVIDER_TCP").is_some())
        .map_err(|e| format!("binding the plugin listener: {e}"))?;
    let socket = listener.socket_path();
    let line = transport::handshake_line(version, &listener, cert_field.as_deref());
    {
        let mut out = std::io::stdout().lock();
        out.write_all(line.as_bytes())
            .and_then(|_| out.flush())
            .map_err(|e| format!("writing the handshake: {e}"))?;
    }
    ignore_sigint();
    let (shutdown_tx, shutdown_rx) = watch::channel(false);
    exit_with_parent(terraform, shutdown_tx.clone());
    let incoming = transport::incoming(listener, tls);
    let result = serve_incoming(provider, incoming, shutdown_tx, shutdown_rx).await;
    if let Some(p) = socket {
        let _ = std::fs::remove_file(p);
    }
    result
}

/// Serves every service on `incoming` until `Shutdown` is called. Shared by the real server,
/// debug mode and the in-process protocol tests.
pub async fn serve_incoming<S, IO>(
    provider: Arc<dyn framework::Provider>,
    incoming: S,
    shutdown_tx: watch::Sender<bool>,
    mut shutdown_rx: watch::Receiver<bool>,
) -> Result<(), String>
where
    S: Stream<Item = std::io::Result<IO>> + Send + 'static,
    IO: tokio::io::AsyncRead
        + tokio::io::AsyncWrite
        + tonic::transport::server::Connected
        + Unpin
        + Send
        + 'static,
{
    let provider_svc =
        tfplugin6::provider_server::ProviderServer::new(grpc::ProviderService::new(provider))
            .max_decoding_message_size(MAX_MESSAGE)
            .max_encoding_message_size(MAX_MESSAGE);
    let controller = goplugin::grpc_controller_server::GrpcControllerServer::new(Controller {
        shutdown: shutdown_tx,
    });
    let stdio = goplugin::grpc_stdio_server::GrpcStdioServer::new(Stdio);
    let broker = goplugin::grpc_broker_server::GrpcBrokerServer::new(Broker);
    let health_svc = health::health_server::HealthServer::new(Health);
    let mut rx = shutdown_rx.clone();
    let signal = async move {
        let _ = rx.wait_for(|s| *s).await;
    };
    let server = tonic::transport::Server::builder()
        .add_service(provider_svc)
        .add_service(controller)
        .add_service(stdio)
        .add_service(broker)
        .add_service(health_svc)
        .serve_with_incoming_shutdown(incoming, signal);
    tokio::pin!(server);
    tokio::select! {
        r = &mut server => return r.map_err(|e| e.to_string()),
        _ = shutdown_rx.wait_for(|s| *s) => {}
    }
    // Graceful drain, but never past Terraform's two-second grace period.
    let _ = tokio::time::timeout(Duration::from_millis(500), server).await;
    Ok(())
}

/// `--debug`: plaintext on a unix socket, printing what to put in `TF_REATTACH_PROVIDERS`.
async fn serve_debug(provider: Arc<dyn framework::Provider>) -> Result<(), String> {
    let listener = Listener::bind(false).map_err(|e| format!("binding the debug listener: {e}"))?;
    let socket = listener.socket_path();
    let reattach = serde_json::json!({
        crate::PROVIDER_ADDRESS: {
            "Protocol": "grpc",
            "ProtocolVersion": transport::PROTOCOL_VERSION,
            "Pid": std::process::id(),
            "Test": true,
            "Addr": {"Network": listener.network(), "String": listener.address()},
        }
    });
    println!(
        "Provider started in debug mode. To attach Terraform, set this in the shell that runs terraform:\n\n\
         \texport TF_REATTACH_PROVIDERS='{reattach}'\n\nPress Ctrl-C to stop the provider."
    );
    let _ = std::io::stdout().flush();
    let (shutdown_tx, shutdown_rx) = watch::channel(false);
    let stop = shutdown_tx.clone();
    tokio::spawn(async move {
        let _ = tokio::signal::ctrl_c().await;
        stop.send_replace(true);
    });
    let result =
        serve_incoming(provider, transport::incoming(listener, None), shutdown_tx, shutdown_rx)
            .await;
    if let Some(p) = socket {
        let _ = std::fs::remove_file(p);
    }
    result
}

/// Shuts the server down when Terraform, the process that started it, is gone without having
/// called `Shutdown` (killed): the provider is then re-parented, and would otherwise stay alive,
/// retrying AWS calls whose results nobody records (a fresh-eyes finding). Checked once a second.
fn exit_with_parent(parent: u32, shutdown: watch::Sender<bool>) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        loop {
            tick.tick().await;
            if std::os::unix::process::parent_id() != parent {
                crate::logging::warn(
                    "Terraform exited without shutting the provider down; exiting",
                    &[("terraform_pid", &parent.to_string())],
                );
                shutdown.send_replace(true);
                return;
            }
        }
    });
}

/// Terraform handles Ctrl-C itself (it calls StopProvider); the signal also reaches us through the
/// process group, and dying then would lose an apply in flight.
fn ignore_sigint() {
    use tokio::signal::unix::{signal, SignalKind};
    if let Ok(mut s) = signal(SignalKind::interrupt()) {
        tokio::spawn(async move {
            while s.recv().await.is_some() {
                crate::logging::debug("ignoring SIGINT; Terraform will call StopProvider", &[]);
            }
        });
    }
}

struct Controller {
    shutdown: watch::Sender<bool>,
}

#[tonic::async_trait]
impl goplugin::grpc_controller_server::GrpcController for Controller {
    async fn shutdown(
        &self,
        _req: Request<goplugin::Empty>,
    ) -> Result<Response<goplugin::Empty>, Status> {
        crate::logging::debug("shutdown requested by Terraform", &[]);
        self.shutdown.send_replace(true);
        Ok(Response::new(goplugin::Empty {}))
    }
}

use tonic::codegen::BoxStream;

struct Stdio;

#[tonic::async_trait]
impl goplugin::grpc_stdio_server::GrpcStdio for Stdio {
    async fn stream_stdio(
        &self,
        _req: Request<()>,
    ) -> Result<Response<BoxStream<goplugin::StdioData>>, Status> {
        // We never write to stdout/stderr through go-plugin's stdio channel: logs go to stderr.
        Ok(Response::new(Box::pin(tokio_stream::empty())))
    }
}

struct Broker;

#[tonic::async_trait]
impl goplugin::grpc_broker_server::GrpcBroker for Broker {
    async fn start_stream(
        &self,
        _req: Request<Streaming<goplugin::ConnInfo>>,
    ) -> Result<Response<BoxStream<goplugin::ConnInfo>>, Status> {
        // Terraform providers never broker extra connections.
        Ok(Response::new(Box::pin(tokio_stream::empty())))
    }
}

struct Health;

#[tonic::async_trait]
impl health::health_server::Health for Health {
    async fn check(
        &self,
        req: Request<health::HealthCheckRequest>,
    ) -> Result<Response<health::HealthCheckResponse>, Status> {
        let status = match req.get_ref().service.as_str() {
            "" | "plugin" => health::health_check_response::ServingStatus::Serving,
            _ => health::health_check_response::ServingStatus::ServiceUnknown,
        };
        Ok(Response::new(health::HealthCheckResponse { status: status as i32 }))
    }
}
