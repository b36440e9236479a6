//! The AWS adapter: SageMaker pipeline calls through `aws-sdk-sagemaker`.
//!
//! It knows SageMaker, not Terraform: inputs and outputs are plain Rust structs, errors are
//! [`AwsError`] values with a message in the form "creating SageMaker Pipeline (name): cause".
//! Credentials, region and retries come from the standard AWS chain (`aws-config`), overridden
//! by whatever the provider block sets. The client is built lazily, on the first call that
//! needs it, so a Terraform run that never talks to AWS (validate, a plan of only step
//! resources) never loads credentials.
//!
//! Must not know about Terraform values, schemas or diagnostics, and never logs a credential.

use std::collections::BTreeMap;

use aws_sdk_sagemaker::error::{DisplayErrorContext, ProvideErrorMetadata};
use aws_sdk_sagemaker::types::{ParallelismConfiguration, Tag};
use aws_sdk_sagemaker::Client;
use tokio::sync::OnceCell;

/// Settings from the provider block; `None` means "use the standard AWS chain".
#[derive(Clone, Debug, Default)]
pub struct AwsSettings {
    pub region: Option<String>,
    pub profile: Option<String>,
    pub sagemaker_endpoint: Option<String>,
    pub max_retries: Option<u32>,
}

/// What we send to create or update a pipeline.
#[derive(Clone, Debug, PartialEq)]
pub struct PipelineSpec {
    pub name: String,
    pub role_arn: String,
    pub definition: String,
    pub display_name: Option<String>,
    pub description: Option<String>,
    pub max_parallel_execution_steps: Option<i32>,
    pub tags: BTreeMap<String, String>,
}

/// What SageMaker reports about a deployed pipeline.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DeployedPipeline {
    pub arn: String,
    pub name: String,
    pub role_arn: String,
    pub definition: String,
    pub display_name: Option<String>,
    pub description: Option<String>,
    pub status: Option<String>,
    pub max_parallel_execution_steps: Option<i32>,
    pub tags: BTreeMap<String, String>,
}

#[derive(Debug)]
pub struct AwsError {
    pub message: String,
    /// The service's error code, e.g. `ValidationException`, when there was one.
    pub code: Option<String>,
}

impl std::fmt::Display for AwsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for AwsError {}

fn aws_err<E>(action: &str, name: &str, e: aws_sdk_sagemaker::error::SdkError<E>) -> AwsError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let code = e.as_service_error().and_then(|s| s.code()).map(str::to_string);
    AwsError { message: format!("{action} SageMaker Pipeline ({name}): {}", DisplayErrorContext(&e)), code }
}

/// SageMaker says "not found" in two ways: `ResourceNotFound`, and (for DescribePipeline in
/// some implementations, including the local endpoint) a `ValidationException` whose message
/// says the pipeline could not be found or does not exist.
fn is_not_found(code: Option<&str>, message: Option<&str>) -> bool {
    let msg = message.unwrap_or_default().to_ascii_lowercase();
    match code {
        Some("ResourceNotFound") | Some("ResourceNotFoundException") => true,
        Some("ValidationException") => {
            msg.contains("could not find") || msg.contains("does not exist") || msg.contains("not found")
        }
        _ => false,
    }
}

pub struct SageMaker {
    settings: AwsSettings,
    client: OnceCell<Client>,
}

impl SageMaker {
    pub fn new(settings: AwsSettings) -> Self {
        SageMaker { settings, client: OnceCell::new() }
    }

    async fn client(&self) -> &Client {
        self.client
            .get_or_init(|| async {
                let s = &self.settings;
                let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest());
                if let Some(r) = &s.region {
                    loader = loader.region(aws_config::Region::new(r.clone()));
                }
                if let Some(p) = &s.profile {
                    loader = loader.profile_name(p);
                }
                if let Some(n) = s.max_retries {
                    loader = loader.retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(n.max(1)));
                }
                let shared = loader.load().await;
                let mut builder = aws_sdk_sagemaker::config::Builder::from(&shared);
                // A provider-block endpoint wins over the environment's; otherwise aws-config has
                // already applied AWS_ENDPOINT_URL_SAGEMAKER / AWS_ENDPOINT_URL.
                if let Some(ep) = &s.sagemaker_endpoint {
                    builder = builder.endpoint_url(ep);
                }
                Client::from_conf(builder.build())
            })
            .await
    }

    /// Fails early with a clear message when no region is known at all.
    pub async fn region(&self) -> Option<String> {
        self.client().await.config().region().map(|r| r.to_string())
    }

    pub async fn create(&self, spec: &PipelineSpec) -> Result<String, AwsError> {
        let out = self
            .client()
            .await
            .create_pipeline()
            .pipeline_name(&spec.name)
            .role_arn(&spec.role_arn)
            .pipeline_definition(&spec.definition)
            .set_pipeline_display_name(spec.display_name.clone())
            .set_pipeline_description(spec.description.clone())
            .set_parallelism_configuration(parallelism(spec.max_parallel_execution_steps))
            .set_tags(if spec.tags.is_empty() { None } else { Some(tags(&spec.tags)) })
            .client_request_token(uuid::Uuid::new_v4().simple().to_string())
            .send()
            .await
            .map_err(|e| aws_err("creating", &spec.name, e))?;
        Ok(out.pipeline_arn().unwrap_or_default().to_string())
    }

    pub async fn update(&self, spec: &PipelineSpec) -> Result<(), AwsError> {
        self.client()
            .await
            .update_pipeline()
            .pipeline_name(&spec.name)
            .role_arn(&spec.role_arn)
            .pipeline_definition(&spec.definition)
            .set_pipeline_display_name(spec.display_name.clone())
            .set_pipeline_description(spec.description.clone())
            .set_parallelism_configuration(parallelism(spec.max_parallel_execution_steps))
            .send()
            .await
            .map_err(|e| aws_err("updating", &spec.name, e))?;
        Ok(())
    }

    /// `Ok(None)` when the pipeline does not exist.
    pub async fn describe(&self, name: &str) -> Result<Option<DeployedPipeline>, AwsError> {
        let out = match self.client().await.describe_pipeline().pipeline_name(name).send().await {
            Ok(o) => o,
            Err(e) => {
                let se = e.as_service_error();
                if is_not_found(se.and_then(|s| s.code()), se.and_then(|s| s.message())) {
                    return Ok(None);
                }
                return Err(aws_err("reading", name, e));
            }
        };
        let arn = out.pipeline_arn().unwrap_or_default().to_string();
        let tags = if arn.is_empty() { BTreeMap::new() } else { self.list_tags(name, &arn).await? };
        Ok(Some(DeployedPipeline {
            arn,
            name: out.pipeline_name().unwrap_or(name).to_string(),
            role_arn: out.role_arn().unwrap_or_default().to_string(),
            definition: out.pipeline_definition().unwrap_or_default().to_string(),
            display_name: out.pipeline_display_name().map(str::to_string),
            description: out.pipeline_description().map(str::to_string),
            status: out.pipeline_status().map(|s| s.as_str().to_string()),
            max_parallel_execution_steps: out.parallelism_configuration().and_then(|p| p.max_parallel_execution_steps()),
            tags,
        }))
    }

    /// `Ok(false)` when there was nothing to delete.
    pub async fn delete(&self, name: &str) -> Result<bool, AwsError> {
        match self
            .client()
            .await
            .delete_pipeline()
            .pipeline_name(name)
            .client_request_token(uuid::Uuid::new_v4().simple().to_string())
            .send()
            .await
        {
            Ok(_) => Ok(true),
            Err(e) => {
                let se = e.as_service_error();
                if is_not_found(se.and_then(|s| s.code()), se.and_then(|s| s.message())) {
                    Ok(false)
                } else {
                    Err(aws_err("deleting", name, e))
                }
            }
        }
    }

    pub async fn list_tags(&self, name: &str, arn: &str) -> Result<BTreeMap<String, String>, AwsError> {
        let mut out = BTreeMap::new();
        let mut token: Option<String> = None;
        loop {
            let page = self
                .client()
                .await
                .list_tags()
                .resource_arn(arn)
                .max_results(100)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| aws_err("listing tags of", name, e))?;
            // Later entries win, so a duplicated key reads as its most recent value.
            for t in page.tags() {
                // `aws:` tags belong to AWS (e.g. CloudFormation's); they can be neither set nor removed.
                if let Some(k) = t.key().filter(|k| !k.starts_with("aws:")) {
                    out.insert(k.to_string(), t.value().unwrap_or_default().to_string());
                }
            }
            match page.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => return Ok(out),
            }
        }
    }

    /// Applies exactly the difference between two tag sets.
    pub async fn update_tags(
        &self,
        name: &str,
        arn: &str,
        old: &BTreeMap<String, String>,
        new: &BTreeMap<String, String>,
    ) -> Result<(), AwsError> {
        let removed: Vec<String> = old.keys().filter(|k| !new.contains_key(*k)).cloned().collect();
        let changed: BTreeMap<String, String> =
            new.iter().filter(|(k, v)| old.get(*k) != Some(*v)).map(|(k, v)| (k.clone(), v.clone())).collect();
        let client = self.client().await;
        for chunk in removed.chunks(50) {
            client
                .delete_tags()
                .resource_arn(arn)
                .set_tag_keys(Some(chunk.to_vec()))
                .send()
                .await
                .map_err(|e| aws_err("untagging", name, e))?;
        }
        let changed: Vec<Tag> = tags(&changed);
        for chunk in changed.chunks(50) {
            client
                .add_tags()
                .resource_arn(arn)
                .set_tags(Some(chunk.to_vec()))
                .send()
                .await
                .map_err(|e| aws_err("tagging", name, e))?;
        }
        Ok(())
    }
}

fn parallelism(n: Option<i32>) -> Option<ParallelismConfiguration> {
    n.and_then(|n| Some(ParallelismConfiguration::builder().max_parallel_execution_steps(n).build()))
}

fn tags(map: &BTreeMap<String, String>) -> Vec<Tag> {
    map.iter().filter_map(|(k, v)| Some(Tag::builder().key(k).value(v).build())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_found_recognises_both_shapes() {
        assert!(is_not_found(Some("ResourceNotFound"), None));
        assert!(is_not_found(Some("ValidationException"), Some("Could not find pipeline with PipelineName x.")));
        assert!(is_not_found(Some("ValidationException"), Some("Pipeline 'x' does not exist.")));
        assert!(!is_not_found(Some("ValidationException"), Some("Name does not satisfy expression")));
        assert!(!is_not_found(Some("AccessDeniedException"), Some("not found")));
        assert!(!is_not_found(None, None));
    }
}
