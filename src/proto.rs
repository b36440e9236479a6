//! Generated gRPC protocol code (messages and server traits).
//!
//! This is the only place generated protocol code lives: `build.rs` compiles
//! `proto/*.proto` and the modules below include the result. Only the plugin
//! server module may use these types; everything else in the crate works with
//! the provider's own domain types and never touches wire messages.

/// Terraform plugin protocol 6 (`tfplugin6.Provider`).
#[allow(clippy::all, clippy::pedantic, missing_docs, rustdoc::all, unreachable_pub)]
pub mod tfplugin6 {
    tonic::include_proto!("tfplugin6");
}

/// go-plugin's companion services (`plugin.GRPCController`, `plugin.GRPCStdio`,
/// `plugin.GRPCBroker`).
#[allow(clippy::all, clippy::pedantic, missing_docs, rustdoc::all, unreachable_pub)]
pub mod plugin {
    tonic::include_proto!("plugin");
}

/// Standard gRPC health checking (`grpc.health.v1.Health`).
#[allow(clippy::all, clippy::pedantic, missing_docs, rustdoc::all, unreachable_pub)]
pub mod health {
    tonic::include_proto!("grpc.health.v1");
}
