//! terraform-provider-sagemaker: a Terraform provider for Amazon SageMaker Pipelines.
//!
//! Layers point one way (see ARCHITECTURE.md):
//! `main -> plugin (gRPC edge) -> framework -> {tfvalue, diag, schema}` and
//! `provider -> {compiler, aws, framework}`. Only `plugin` and `proto` know the wire protocol;
//! the compiler is pure; the AWS adapter knows SageMaker, not Terraform.

pub mod aws;
pub mod compiler;
pub mod framework;
pub mod logging;
pub mod plugin;
pub mod proto;
pub mod provider;
pub mod stop;
pub mod tfvalue;

/// The provider's source address, as users write it in `required_providers`.
pub const PROVIDER_ADDRESS: &str = "registry.terraform.io/sagemaker-pipelines/sagemaker";
