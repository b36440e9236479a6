//! Links the shipped binary as the root package's build script does (see ../build.rs): not
//! position-independent, so its code and read-only data need no relocation at start and stay
//! clean, shared pages.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
