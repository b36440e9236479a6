//! The SageMaker Pipelines provider: its configuration, and the list of resources and data
//! sources it serves.
//!
//! Configuration is the standard AWS chain (`aws-config`) plus the provider block's overrides.
//! Nothing heavy happens here: the AWS client is created on first use, so the many short-lived
//! provider processes Terraform starts (schema loads, validation) stay cheap.
//!
//! Depends on `framework`, `compiler`, `aws`. Must not know about gRPC or msgpack.

pub mod data_ml_pipeline;
pub mod golden;
pub mod ml_pipeline;
pub mod ml_pipeline_definition;
pub mod model;
pub mod steps;

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;

use crate::aws::{AwsSettings, SageMaker};
use crate::framework::{self, Attribute, AttrPath, Block, Diagnostics, NestedBlock, ProviderHooks, Schema};
use crate::tfvalue::{Type, Value};
use model::Known;

/// What every resource call receives once Terraform has configured the provider.
pub struct ProviderData {
    /// `None` while the provider block still has unknown values (possible at plan time).
    pub sagemaker: Option<SageMaker>,
    /// `Known::Unknown` while `default_tags` is not yet known.
    pub default_tags: Known<BTreeMap<String, String>>,
}

impl ProviderData {
    /// The SageMaker client, or a diagnostic explaining why there is none yet.
    pub fn sagemaker(&self) -> Result<&SageMaker, Diagnostics> {
        self.sagemaker.as_ref().ok_or_else(|| {
            let mut d = Diagnostics::new();
            d.error(
                "Provider configuration is not known yet",
                "The provider block uses values that are only known after apply (for example an endpoint from another resource). Apply those resources first, e.g. with -target, then re-run.",
            );
            d
        })
    }
}

/// Builds the provider the plugin server serves.
pub fn new() -> Arc<dyn framework::Provider> {
    Arc::new(framework::Framework::new(
        Box::new(Hooks),
        {
            let mut r: Vec<Arc<dyn framework::Resource<ProviderData>>> = vec![Arc::new(ml_pipeline::MlPipeline)];
            r.extend(steps::all());
            r
        },
        vec![Arc::new(ml_pipeline_definition::MlPipelineDefinition), Arc::new(data_ml_pipeline::DeployedPipeline)],
    ))
}

struct Hooks;

pub fn provider_schema() -> Schema {
    Schema::new(
        Block::new("The SageMaker Pipelines provider. Credentials and region come from the standard AWS chain (environment, shared config and credentials files, SSO, container and instance roles); the arguments below override it.")
            .attr(Attribute::optional("region", Type::String, "AWS region, e.g. `us-east-1`. Defaults to `AWS_REGION` / `AWS_DEFAULT_REGION` or the profile's region."))
            .attr(Attribute::optional("profile", Type::String, "Named profile from the shared AWS config and credentials files. Defaults to `AWS_PROFILE`."))
            .attr(Attribute::optional("default_tags", Type::Map(Box::new(Type::String)), "Tags merged into every pipeline's `tags_all`; a pipeline's own `tags` win per key."))
            .attr(Attribute::optional("max_retries", Type::Number, "Maximum attempts for a throttled or failed AWS call (standard retry mode). Defaults to the AWS SDK's (3)."))
            .block(NestedBlock::single(
                "endpoints",
                Block::new("Custom service endpoints, e.g. a local SageMaker endpoint for testing. `AWS_ENDPOINT_URL_SAGEMAKER` and `AWS_ENDPOINT_URL` work too.")
                    .attr(Attribute::optional("sagemaker", Type::String, "SageMaker API endpoint URL, e.g. `http://127.0.0.1:5000`."))
                    .attr(Attribute::optional("s3", Type::String, "S3 endpoint URL. Accepted for compatibility with the AWS provider's `endpoints` block; this provider makes no S3 calls yet."))
                    .attr(Attribute::optional("sts", Type::String, "STS endpoint URL. Accepted for compatibility with the AWS provider's `endpoints` block; this provider makes no STS calls of its own yet.")),
            )),
    )
}

fn check_url(config: &Value, diags: &mut Diagnostics) {
    let Some(ep) = config.get("endpoints").filter(|e| !e.is_null() && !e.is_unknown()) else { return };
    for svc in ["sagemaker", "s3", "sts"] {
        if let Known::Value(url) = model::string(ep, svc) {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                diags.error_at(
                    AttrPath::root("endpoints").attr(svc),
                    format!("Invalid {svc} endpoint {url:?}"),
                    "Endpoints are absolute URLs with a scheme, e.g. \"http://127.0.0.1:5000\" or \"https://api.sagemaker.us-east-1.amazonaws.com\".",
                );
            }
        }
    }
}

#[async_trait]
impl ProviderHooks<ProviderData> for Hooks {
    fn schema(&self) -> Schema {
        provider_schema()
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        let mut diags = Diagnostics::new();
        if let Known::Value(n) = model::int(config, "max_retries") {
            if !(0..=100).contains(&n) {
                diags.error_at(AttrPath::root("max_retries"), "max_retries out of range", "Use a whole number between 0 and 100.");
            }
        } else if let Some(v) = config.get("max_retries").and_then(|v| v.as_number()) {
            if !v.is_integer() {
                diags.error_at(AttrPath::root("max_retries"), "max_retries must be a whole number", "Use a whole number between 0 and 100, e.g. 10.");
            }
        }
        if let Known::Value(r) = model::string(config, "region") {
            if r.is_empty() || !r.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
                diags.error_at(AttrPath::root("region"), format!("Invalid region {r:?}"), "Use an AWS region name such as \"us-east-1\".");
            }
        }
        check_url(config, &mut diags);
        diags
    }

    async fn configure(&self, _terraform_version: &str, config: &Value) -> Result<ProviderData, Diagnostics> {
        let diags = self.validate(config);
        if diags.has_errors() {
            return Err(diags);
        }
        let default_tags = model::string_map(config, "default_tags");
        let endpoints = config.get("endpoints").cloned().unwrap_or(Value::Null);
        let pieces = (
            model::string(config, "region").known(),
            model::string(config, "profile").known(),
            model::int(config, "max_retries").known(),
            if endpoints.is_unknown() { None } else { model::string(&endpoints, "sagemaker").known() },
        );
        let sagemaker = match pieces {
            (Some(region), Some(profile), Some(max_retries), Some(sagemaker_endpoint)) => Some(SageMaker::new(AwsSettings {
                region,
                profile,
                sagemaker_endpoint,
                max_retries: max_retries.map(|n| n.clamp(0, 100) as u32),
            })),
            _ => None,
        };
        Ok(ProviderData { sagemaker, default_tags })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walk(block: &Block, path: &str, missing: &mut Vec<String>) {
        if block.description.trim().is_empty() {
            missing.push(format!("{path} (block)"));
        }
        for a in &block.attributes {
            if a.description.trim().is_empty() {
                missing.push(format!("{path}.{}", a.name));
            }
        }
        for b in &block.blocks {
            walk(&b.block, &format!("{path}.{}", b.name), missing);
        }
    }

    /// Every attribute and block of every schema carries a Markdown description.
    #[test]
    fn every_attribute_and_block_is_described() {
        let p = new();
        let mut missing = Vec::new();
        walk(&p.provider_schema().block, "provider", &mut missing);
        for (name, s) in p.resource_schemas() {
            walk(&s.block, name, &mut missing);
        }
        for (name, s) in p.data_source_schemas() {
            walk(&s.block, name, &mut missing);
        }
        assert!(missing.is_empty(), "undocumented: {missing:?}");
    }

    /// Terraform >= 1.1 refuses a provider with an invalid schema (found with Terraform 1.11).
    #[test]
    fn every_schema_passes_terraforms_internal_validation() {
        let p = new();
        let mut problems = Vec::new();
        framework::schema::internal_validate(&p.provider_schema().block, "provider", &mut problems);
        for (name, s) in p.resource_schemas().into_iter().chain(p.data_source_schemas()) {
            framework::schema::internal_validate(&s.block, name, &mut problems);
        }
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn validate_reports_each_bad_setting_with_its_path() {
        let cfg = Value::object([
            ("region", Value::string("US East")),
            ("profile", Value::Null),
            ("default_tags", Value::Null),
            ("max_retries", Value::from(-1i64)),
            ("endpoints", Value::object([("sagemaker", Value::string("127.0.0.1:5000")), ("s3", Value::Null), ("sts", Value::Null)])),
        ]);
        let d = Hooks.validate(&cfg);
        let paths: Vec<String> = d.iter().map(|d| d.path.clone().unwrap_or_default().to_string()).collect();
        assert_eq!(paths, vec!["max_retries", "region", "endpoints.sagemaker"]);
    }

    #[tokio::test]
    async fn unknown_provider_config_still_configures() {
        let cfg = Value::object([
            ("region", Value::Unknown),
            ("profile", Value::Null),
            ("default_tags", Value::Unknown),
            ("max_retries", Value::Null),
            ("endpoints", Value::Null),
        ]);
        let data = Hooks.configure("1.0.3", &cfg).await.map_err(|d| format!("{d:?}")).expect("configures");
        assert!(data.sagemaker.is_none());
        assert_eq!(data.default_tags, Known::Unknown);
    }
}
