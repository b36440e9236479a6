//! The go-plugin transport: the listener, the handshake line, and the stream of (optionally TLS)
//! connections fed to the gRPC server.
//!
//! Invariants:
//! - the handshake line is the first and only thing this process writes to stdout;
//! - it never carries a seventh field unless `PLUGIN_MULTIPLEX_GRPC` is set (older go-plugin
//!   clients glue a seventh field onto the certificate and fail to decode it) — and since we do
//!   not multiplex, we never print one;
//! - when Terraform passed `PLUGIN_CLIENT_CERT`, every connection is TLS with the pinned client
//!   certificate; a connection that fails the TLS handshake is dropped and never reaches gRPC;
//! - listeners bind a private unix socket or 127.0.0.1 only.
//!
//! Depends on `tls`. Must not know about Terraform values or the provider.

use std::io;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream, UnixListener, UnixStream};
use tokio::sync::mpsc;
use tokio_rustls::TlsAcceptor;

/// The magic cookie Terraform sets for every provider it launches.
pub const MAGIC_COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";
pub const MAGIC_COOKIE_VALUE: &str =
    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

/// The one plugin protocol version we serve.
pub const PROTOCOL_VERSION: u32 = 6;

/// Picks our protocol version from Terraform's `PLUGIN_PROTOCOL_VERSIONS` (`"5,6"`), or explains
/// why we cannot serve this Terraform.
pub fn negotiate(versions: Option<&str>) -> Result<u32, String> {
    let Some(list) = versions.filter(|s| !s.trim().is_empty()) else {
        // An old host that sends no list: go-plugin then uses the server's version as is.
        return Ok(PROTOCOL_VERSION);
    };
    if list.split(',').any(|v| v.trim() == PROTOCOL_VERSION.to_string()) {
        Ok(PROTOCOL_VERSION)
    } else {
        Err(format!(
            "this provider speaks Terraform plugin protocol {PROTOCOL_VERSION} (Terraform 1.0 and newer), but this Terraform offers only [{list}]"
        ))
    }
}

pub enum Listener {
    Unix(UnixListener, PathBuf),
    Tcp(TcpListener),
}

impl Listener {
    /// A unix socket in `PLUGIN_UNIX_SOCKET_DIR` or the temp dir, or 127.0.0.1 TCP when
    /// `tcp` is true (or the socket cannot be created).
    pub fn bind(tcp: bool) -> io::Result<Listener> {
        if !tcp {
            let dir = std::env::var_os("PLUGIN_UNIX_SOCKET_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(std::env::temp_dir);
            let path = dir.join(format!("plugin{}", uuid::Uuid::new_v4().simple()));
            match UnixListener::bind(&path) {
                Ok(l) => return Ok(Listener::Unix(l, path)),
                Err(e) => crate::logging::warn(
                    "unix socket unavailable, falling back to TCP",
                    &[("error", &e.to_string())],
                ),
            }
        }
        let std_listener = std::net::TcpListener::bind(("127.0.0.1", 0))?;
        std_listener.set_nonblocking(true)?;
        Ok(Listener::Tcp(TcpListener::from_std(std_listener)?))
    }

    pub fn network(&self) -> &'static str {
        match self {
            Listener::Unix(..) => "unix",
            Listener::Tcp(_) => "tcp",
        }
    }

    pub fn address(&self) -> String {
        match self {
            Listener::Unix(_, p) => p.display().to_string(),
            Listener::Tcp(l) => l.local_addr().map(|a| a.to_string()).unwrap_or_default(),
        }
    }

    pub fn socket_path(&self) -> Option<PathBuf> {
        match self {
            Listener::Unix(_, p) => Some(p.clone()),
            Listener::Tcp(_) => None,
        }
    }

    async fn accept(&self) -> io::Result<Stream> {
        match self {
            Listener::Unix(l, _) => l.accept().await.map(|(s, _)| Stream::Unix(s)),
            Listener::Tcp(l) => l.accept().await.map(|(s, _)| {
                let _ = s.set_nodelay(true);
                Stream::Tcp(s)
            }),
        }
    }
}

/// `CORE|APP|NETWORK|ADDRESS|PROTOCOL|SERVERCERT`, exactly as go-plugin parses it.
pub fn handshake_line(version: u32, listener: &Listener, cert_field: Option<&str>) -> String {
    format!(
        "1|{version}|{}|{}|grpc|{}\n",
        listener.network(),
        listener.address(),
        cert_field.unwrap_or("")
    )
}

/// A raw accepted connection.
pub enum Stream {
    Unix(UnixStream),
    Tcp(TcpStream),
}

/// What gRPC sees: a plaintext stream (h2c) or a TLS session over one.
pub enum Conn {
    Plain(Stream),
    Tls(Box<tokio_rustls::server::TlsStream<Stream>>),
}

macro_rules! delegate_io {
    ($t:ty, $($variant:path),+) => {
        impl AsyncRead for $t {
            fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
                match self.get_mut() { $($variant(s) => Pin::new(s).poll_read(cx, buf),)+ }
            }
        }
        impl AsyncWrite for $t {
            fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
                match self.get_mut() { $($variant(s) => Pin::new(s).poll_write(cx, buf),)+ }
            }
            fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                match self.get_mut() { $($variant(s) => Pin::new(s).poll_flush(cx),)+ }
            }
            fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                match self.get_mut() { $($variant(s) => Pin::new(s).poll_shutdown(cx),)+ }
            }
        }
    };
}

delegate_io!(Stream, Stream::Unix, Stream::Tcp);
delegate_io!(Conn, Conn::Plain, Conn::Tls);

impl tonic::transport::server::Connected for Conn {
    type ConnectInfo = ();
    fn connect_info(&self) -> Self::ConnectInfo {}
}

/// Accepts connections forever, performing the TLS handshake (when configured) off the accept
/// loop so one slow or hostile peer cannot block Terraform's connection.
pub fn incoming(
    listener: Listener,
    tls: Option<Arc<rustls::ServerConfig>>,
) -> tokio_stream::wrappers::ReceiverStream<io::Result<Conn>> {
    let (tx, rx) = mpsc::channel(16);
    let acceptor = tls.map(TlsAcceptor::from);
    tokio::spawn(async move {
        loop {
            let stream = match listener.accept().await {
                Ok(s) => s,
                Err(e) => {
                    crate::logging::warn("accept failed", &[("error", &e.to_string())]);
                    continue;
                }
            };
            let tx = tx.clone();
            match &acceptor {
                None => {
                    if tx.send(Ok(Conn::Plain(stream))).await.is_err() {
                        return;
                    }
                }
                Some(acceptor) => {
                    let acceptor = acceptor.clone();
                    tokio::spawn(async move {
                        match tokio::time::timeout(
                            std::time::Duration::from_secs(10),
                            acceptor.accept(stream),
                        )
                        .await
                        {
                            Ok(Ok(tls)) => {
                                let _ = tx.send(Ok(Conn::Tls(Box::new(tls)))).await;
                            }
                            Ok(Err(e)) => crate::logging::warn(
                                "rejected a connection: TLS handshake failed",
                                &[("error", &e.to_string())],
                            ),
                            Err(_) => crate::logging::warn(
                                "rejected a connection: TLS handshake timed out",
                                &[],
                            ),
                        }
                    });
                }
            }
        }
    });
    tokio_stream::wrappers::ReceiverStream::new(rx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation_picks_six_or_explains() {
        assert_eq!(negotiate(Some("5,6")), Ok(6));
        assert_eq!(negotiate(Some("6,5")), Ok(6));
        assert_eq!(negotiate(None), Ok(6));
        let err = negotiate(Some("4,5")).unwrap_err();
        assert!(err.contains("protocol 6"), "{err}");
    }

    #[tokio::test]
    async fn handshake_line_has_six_fields_and_no_mux_flag() {
        let l = Listener::bind(false).expect("bind");
        let line = handshake_line(6, &l, Some("QUJD"));
        let fields: Vec<&str> = line.trim_end().split('|').collect();
        assert_eq!(fields.len(), 6, "{line}");
        assert_eq!(&fields[..3], &["1", "6", "unix"]);
        assert_eq!(fields[4], "grpc");
        assert!(line.ends_with('\n'));
        if let Some(p) = l.socket_path() {
            let _ = std::fs::remove_file(p);
        }
        let t = Listener::bind(true).expect("tcp");
        assert!(t.address().starts_with("127.0.0.1:"));
    }
}
