//! The `terraform-provider-sagemaker` binary: a thin shell over the library.

fn main() {
    // One malloc arena: the few helper threads (DNS lookups) would otherwise each get their own
    // heap, paid in resident memory by every one of the short-lived processes Terraform starts.
    #[cfg(target_env = "gnu")]
    // SAFETY: called before any other thread exists; mallopt only adjusts allocator tuning.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
    std::process::exit(sagemaker_provider::plugin::run(sagemaker_provider::provider::new));
}
