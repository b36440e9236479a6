//! Compiles the protocol definitions in `proto/` into Rust (server side only).
//!
//! The `.proto` files are parsed by `protox`, a pure-Rust compiler, so no
//! system `protoc` is needed. Its descriptor set is handed to
//! `tonic-prost-build`, which writes one module per protobuf package into
//! `OUT_DIR`; `src/proto.rs` includes them.

use std::path::Path;

const PROTO_DIR: &str = "proto";
const PROTO_FILES: [&str; 3] =
    ["proto/tfplugin6.proto", "proto/plugin.proto", "proto/health.proto"];

fn main() {
    println!("cargo:rerun-if-changed={PROTO_DIR}");
    for file in PROTO_FILES {
        println!("cargo:rerun-if-changed={file}");
    }
    println!("cargo:rerun-if-changed=build.rs");
    // Link the provider as a position-dependent executable: a PIE binary of this size carries
    // ~40,000 dynamic relocations, and applying them at every start reads ~1 MiB of relocation
    // records and dirties ~0.5 MiB of `.data.rel.ro`, in each of the many short-lived processes
    // Terraform starts (docs/benchmarks.md). The code is still compiled position-independent,
    // so only this link step changes.
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }

    if let Err(err) = generate() {
        // Multi-line protox diagnostics read better on their own lines.
        eprintln!("protocol code generation failed:\n{err}");
        std::process::exit(1);
    }
}

fn generate() -> Result<(), Box<dyn std::error::Error>> {
    debug_assert!(Path::new(PROTO_DIR).is_dir());

    // `google/protobuf/*.proto` imports resolve to the copies bundled with protox.
    let fds = protox::compile(PROTO_FILES, [PROTO_DIR])?;

    tonic_prost_build::configure()
        // Clients are generated too: the in-process protocol tests drive the server over real RPCs.
        .build_client(true)
        .build_server(true)
        // Methods we do not implement answer gRPC UNIMPLEMENTED by default.
        .generate_default_stubs(true)
        // We print our own, directory-wide rerun-if-changed lines above.
        .emit_rerun_if_changed(false)
        .compile_fds(fds)?;

    Ok(())
}
