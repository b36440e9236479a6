//! The `terraform-provider-sagemaker` binary: a thin shell over the library.

fn main() {
    std::process::exit(sagemaker_provider::plugin::run(sagemaker_provider::provider::new));
}
