//! The SageMaker Pipelines provider: its configuration, and the list of resources and data
//! sources it serves.
//!
//! Configuration is the standard AWS chain (`aws-config`) plus the provider block's overrides,
//! including the limits every AWS call runs with (`max_retries`, `call_timeout`,
//! `operation_timeout`; validated strictly, never coerced or echoed in full). Nothing heavy
//! happens here: the AWS client is created on first use, so the many short-lived provider
//! processes Terraform starts (schema loads, validation) stay cheap. [`aws_diag`] is the one way
//! an AWS failure becomes a diagnostic, for resources and data sources alike.
//!
//! Depends on `framework`, `compiler`, `aws`. Must not know about gRPC or msgpack.

pub mod data_ml_pipeline;
pub mod golden;
pub mod ml_pipeline;
pub mod ml_pipeline_definition;
pub mod ml_pipeline_execution;
pub mod ml_pipeline_policy;
pub mod model;
pub mod steps;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

use crate::aws::{AwsError, AwsSettings, SageMaker, Service};
use crate::framework::{
    self, AttrPath, Attribute, Block, Diagnostic, Diagnostics, NestedBlock, ProviderHooks, Schema,
};
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
            let mut r: Vec<Arc<dyn framework::Resource<ProviderData>>> = vec![
                Arc::new(ml_pipeline::MlPipeline),
                Arc::new(ml_pipeline_execution::MlPipelineExecution),
            ];
            r.extend(steps::all());
            r
        },
        vec![
            Arc::new(ml_pipeline_definition::MlPipelineDefinition),
            Arc::new(data_ml_pipeline::DeployedPipeline),
            Arc::new(ml_pipeline_policy::MlPipelinePolicy),
        ],
    ))
}

struct Hooks;

pub fn provider_schema() -> Schema {
    Schema::new(
        Block::new("The SageMaker Pipelines provider. Credentials and region come from the standard AWS chain (environment, shared config and credentials files, SSO, container and instance roles); the arguments below override it.")
            .attr(Attribute::optional("region", Type::String, "AWS region, e.g. `us-east-1`. Defaults to `AWS_REGION` / `AWS_DEFAULT_REGION` or the profile's region."))
            .attr(Attribute::optional("profile", Type::String, "Named profile from the shared AWS config and credentials files. Defaults to `AWS_PROFILE`."))
            .attr(Attribute::optional("default_tags", Type::Map(Box::new(Type::String)), "Tags merged into every pipeline's `tags_all`; a pipeline's own `tags` win per key."))
            .attr(Attribute::optional("max_retries", Type::Number, "Maximum attempts per AWS call, the first included, for calls that are throttled or fail on the way (connection errors, timeouts, HTTP 5xx); a whole number from 0 to 100 (0 and 1 both mean a single attempt). Retries use the SDK's adaptive mode: throttling also slows the client down. Defaults to 25, as in the AWS provider."))
            .attr(Attribute::optional("call_timeout", Type::String, "Longest wait for the answer to one attempt of an AWS call (the connection included), as a duration such as `30s`, `2m` or `1m30s` (units `ms`, `s`, `m`, `h`). An attempt that times out is retried. Defaults to `30s`."))
            .attr(Attribute::optional("operation_timeout", Type::String, "Longest time for a whole AWS call, every attempt and backoff wait included, as a duration such as `3m`. When it passes, the call fails with a timeout error, so an endpoint that accepts connections but never answers ends `plan` and `apply` within this time (per call). Defaults to `3m`."))
            .block(NestedBlock::single(
                "endpoints",
                Block::new("Custom service endpoints, e.g. a local SageMaker endpoint for testing. `AWS_ENDPOINT_URL_SAGEMAKER`, `AWS_ENDPOINT_URL_S3` and `AWS_ENDPOINT_URL` work too.")
                    .attr(Attribute::optional("sagemaker", Type::String, "SageMaker API endpoint URL, e.g. `http://127.0.0.1:5000`."))
                    .attr(Attribute::optional("s3", Type::String, "S3 endpoint URL, for the definitions a pipeline's `definition_s3` block uploads, e.g. `http://127.0.0.1:5000` or an S3 VPC endpoint. With a custom S3 endpoint (here or from `AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL`) requests use path-style addressing (`<endpoint>/<bucket>/<key>`), which S3 emulators need."))
                    .attr(Attribute::optional("sts", Type::String, "STS endpoint URL. Accepted for compatibility with the AWS provider's `endpoints` block; this provider makes no STS calls of its own yet.")),
            )),
    )
}

fn check_url(config: &Value, diags: &mut Diagnostics) {
    let Some(ep) = config.get("endpoints").filter(|e| !e.is_null() && !e.is_unknown()) else {
        return;
    };
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
        // The number is checked as given, never coerced; messages do not repeat it (it may be
        // `1e400` or 400 digits long), the attribute path points at it.
        if let Some(n) = config.get("max_retries").and_then(|v| v.as_number()) {
            if !n.is_integer() {
                diags.error_at(
                    AttrPath::root("max_retries"),
                    "max_retries must be a whole number",
                    "Use a whole number of attempts between 0 and 100, e.g. 25.",
                );
            } else if !n.as_i64().is_some_and(|n| (0..=100).contains(&n)) {
                diags.error_at(
                    AttrPath::root("max_retries"),
                    "max_retries is out of range",
                    "Use a whole number of attempts between 0 and 100, e.g. 25 (the default).",
                );
            }
        }
        for (attr, max) in [
            ("call_timeout", Duration::from_secs(3600)),
            ("operation_timeout", Duration::from_secs(24 * 3600)),
        ] {
            if let Known::Value(text) = model::string(config, attr) {
                match parse_duration(&text) {
                    Some(d) if d >= Duration::from_secs(1) && d <= max => {}
                    Some(_) => diags.error_at(
                        AttrPath::root(attr),
                        format!("{attr} is out of range"),
                        format!("Use a duration from 1s to {}, e.g. \"{}\".", crate::aws::format_duration(max), default_duration(attr)),
                    ),
                    None => diags.error_at(
                        AttrPath::root(attr),
                        format!("Invalid {attr} {:?}", shorten(&text)),
                        format!("Write a duration as numbers with units ms, s, m or h, e.g. \"{}\" or \"1m30s\".", default_duration(attr)),
                    ),
                }
            }
        }
        if let Known::Value(r) = model::string(config, "region") {
            if r.is_empty()
                || !r.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            {
                diags.error_at(
                    AttrPath::root("region"),
                    format!("Invalid region {r:?}"),
                    "Use an AWS region name such as \"us-east-1\".",
                );
            }
        }
        check_url(config, &mut diags);
        diags
    }

    async fn configure(
        &self,
        _terraform_version: &str,
        config: &Value,
    ) -> Result<ProviderData, Diagnostics> {
        let diags = self.validate(config);
        if diags.has_errors() {
            return Err(diags);
        }
        let default_tags = model::string_map(config, "default_tags");
        let endpoints = config.get("endpoints").cloned().unwrap_or(Value::Null);
        let duration = |attr: &str| {
            model::string(config, attr).known().map(|t| t.and_then(|t| parse_duration(&t)))
        };
        let pieces = (
            model::string(config, "region").known(),
            model::string(config, "profile").known(),
            // validate() above accepted it: a whole number from 0 to 100, or null.
            model::int(config, "max_retries").known(),
            if endpoints.is_unknown() {
                None
            } else {
                model::string(&endpoints, "sagemaker").known()
            },
            duration("call_timeout"),
            duration("operation_timeout"),
        );
        let s3_endpoint =
            if endpoints.is_unknown() { None } else { model::string(&endpoints, "s3").known() };
        let sagemaker = match pieces {
            (
                Some(region),
                Some(profile),
                Some(max_retries),
                Some(sagemaker_endpoint),
                Some(call_timeout),
                Some(operation_timeout),
            ) if s3_endpoint.is_some() => Some(SageMaker::new(AwsSettings {
                region,
                profile,
                sagemaker_endpoint,
                s3_endpoint: s3_endpoint.flatten(),
                max_attempts: max_retries.and_then(|n| u32::try_from(n).ok()),
                call_timeout,
                operation_timeout,
            })),
            _ => None,
        };
        Ok(ProviderData { sagemaker, default_tags })
    }
}

fn default_duration(attr: &str) -> String {
    crate::aws::format_duration(if attr == "call_timeout" {
        crate::aws::DEFAULT_CALL_TIMEOUT
    } else {
        crate::aws::DEFAULT_OPERATION_TIMEOUT
    })
}

/// At most 40 characters of user text for a message, so a pasted blob is not echoed whole.
fn shorten(text: &str) -> String {
    if text.chars().count() <= 40 {
        text.to_string()
    } else {
        format!("{}...", text.chars().take(37).collect::<String>())
    }
}

/// A Go-style duration as Terraform users write them: `30s`, `2m`, `1m30s`, `1.5h`, `500ms`.
/// `None` for anything else (no unit, unknown unit, negative, absurdly long).
pub fn parse_duration(text: &str) -> Option<Duration> {
    let mut rest = text.trim();
    if rest.is_empty() || rest.len() > 32 {
        return None;
    }
    let mut total = 0f64;
    while !rest.is_empty() {
        let num_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
        let (num, tail) = rest.split_at(num_len);
        let value: f64 = num.parse().ok()?;
        let unit_len = tail.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(tail.len());
        let (unit, tail) = tail.split_at(unit_len);
        let scale = match unit {
            "ms" => 0.001,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        total += value * scale;
        rest = tail;
    }
    (total.is_finite() && total < 1e9).then(|| Duration::from_secs_f64(total))
}

/// An AWS failure as a diagnostic. The summary (one sentence) names what failed; the detail
/// gives the API operation with the service's own error code and message, the endpoint, region
/// and request id, and advice only where the kind of failure calls for it: credentials and
/// permissions for auth errors, the endpoint for connection errors and timeouts, the retry
/// budget for throttling; nothing generic otherwise.
pub(crate) fn aws_diag(summary: impl Into<String>, e: &AwsError) -> Diagnostic {
    let cause = e.cause();
    let mut detail =
        format!("{}{}\n({})", cause, if cause.ends_with('.') { "" } else { "." }, e.location());
    if let Some(advice) = aws_advice(e) {
        detail.push_str("\n\n");
        detail.push_str(&advice);
    }
    Diagnostic::error(summary, detail)
}

/// The settings that choose a service's endpoint, for advice.
fn endpoint_settings(service: Service) -> &'static str {
    match service {
        Service::SageMaker => "endpoints.sagemaker, AWS_ENDPOINT_URL_SAGEMAKER or AWS_ENDPOINT_URL",
        Service::S3 => "endpoints.s3, AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL",
    }
}

fn aws_advice(e: &AwsError) -> Option<String> {
    use crate::aws::{format_duration, ErrorKind};
    let l = e.limits;
    Some(match e.kind {
        ErrorKind::Auth => format!(
            "AWS refused the credentials or their permissions. Check which credentials the provider uses (its profile, AWS_PROFILE, AWS_ACCESS_KEY_ID, an SSO login), that they have not expired, and that they allow {}:{} {}.",
            e.service.iam_prefix(),
            e.operation,
            match e.service {
                Service::SageMaker => format!("on pipeline {:?}", e.pipeline),
                Service::S3 => "on the definition_s3 bucket and key prefix".to_string(),
            }
        ),
        ErrorKind::Connection => format!("Check the endpoint (the provider's {}) and the region, and that the network (proxy, firewall, VPC endpoint) lets the provider reach it.", endpoint_settings(e.service)),
        ErrorKind::Timeout => format!(
            "The endpoint did not answer within call_timeout ({}) per attempt or operation_timeout ({}) in all. Check the endpoint ({}) and the network; if the service is only slow, raise these settings in the provider block.",
            format_duration(l.call_timeout),
            format_duration(l.operation_timeout),
            endpoint_settings(e.service),
        ),
        ErrorKind::Throttled => format!(
            "{} was still throttling when the retries (up to {} attempts) ran out. Re-run later, or raise max_retries in the provider block.",
            e.service.name(),
            l.max_attempts
        ),
        ErrorKind::ServerError => format!("{} was still failing when the retries (up to {} attempts) ran out; this is usually temporary. Re-run the command.", e.service.name(), l.max_attempts),
        ErrorKind::Interrupted => "Terraform asked the provider to stop. Re-run the command to finish; the next plan reconciles whatever was applied.".to_string(),
        ErrorKind::Setup => "Check the provider's region and credentials settings (region, profile, AWS_REGION, AWS_PROFILE).".to_string(),
        ErrorKind::NotFound | ErrorKind::AlreadyExists | ErrorKind::BadResponse | ErrorKind::Rejected => return None,
    })
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
            (
                "endpoints",
                Value::object([
                    ("sagemaker", Value::string("127.0.0.1:5000")),
                    ("s3", Value::Null),
                    ("sts", Value::Null),
                ]),
            ),
        ]);
        let d = Hooks.validate(&cfg);
        let paths: Vec<String> =
            d.iter().map(|d| d.path.clone().unwrap_or_default().to_string()).collect();
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
        let data =
            Hooks.configure("1.0.3", &cfg).await.map_err(|d| format!("{d:?}")).expect("configures");
        assert!(data.sagemaker.is_none());
        assert_eq!(data.default_tags, Known::Unknown);
    }

    fn provider_config(max_retries: Value, call_timeout: Value) -> Value {
        Value::object([
            ("region", Value::Null),
            ("profile", Value::Null),
            ("default_tags", Value::Null),
            ("max_retries", max_retries),
            ("call_timeout", call_timeout),
            ("operation_timeout", Value::Null),
            ("endpoints", Value::Null),
        ])
    }

    /// Issue 6: `max_retries = 1e400` fell back to the default silently, and a 400-digit number
    /// was echoed back in full.
    #[test]
    fn absurd_max_retries_are_errors_that_do_not_echo_the_number() {
        let huge = format!("1{}", "0".repeat(400));
        for text in ["1e400", huge.as_str(), "2.5", "-3", "101"] {
            let n = crate::tfvalue::Number::parse(text).expect("number");
            let d = Hooks.validate(&provider_config(Value::Number(n), Value::Null));
            assert_eq!(d.iter().count(), 1, "{text}: {d:?}");
            let diag = d.iter().next().expect("one");
            assert_eq!(diag.path.clone().map(|p| p.to_string()).as_deref(), Some("max_retries"));
            let shown = format!("{} {}", diag.summary, diag.detail);
            assert!(
                !shown.contains(text) && !shown.contains("1e400") && !shown.contains("0000000000"),
                "{text}: {shown}"
            );
        }
        for ok in ["0", "1", "25", "100"] {
            let n = crate::tfvalue::Number::parse(ok).expect("number");
            assert!(
                !Hooks.validate(&provider_config(Value::Number(n), Value::Null)).has_errors(),
                "{ok}"
            );
        }
    }

    #[test]
    fn durations_are_go_style() {
        assert_eq!(parse_duration("30s"), Some(Duration::from_secs(30)));
        assert_eq!(parse_duration("1m30s"), Some(Duration::from_secs(90)));
        assert_eq!(parse_duration("1.5h"), Some(Duration::from_secs(5400)));
        assert_eq!(parse_duration("500ms"), Some(Duration::from_millis(500)));
        for bad in ["", "30", "s", "10 s", "-5s", "1d", "1e400s", "5sm"] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }

    #[test]
    fn timeouts_are_validated_with_their_path() {
        for (text, want) in [("2s", 0), ("0s", 1), ("2h", 1), ("soon", 1), ("500ms", 1)] {
            let d = Hooks.validate(&provider_config(Value::Null, Value::string(text)));
            assert_eq!(d.iter().count(), want, "{text}: {d:?}");
            if want == 1 {
                assert_eq!(
                    d.iter().next().and_then(|d| d.path.clone()).map(|p| p.to_string()).as_deref(),
                    Some("call_timeout")
                );
            }
        }
        let long = "9".repeat(500) + "s";
        let d = Hooks.validate(&provider_config(Value::Null, Value::string(&long)));
        assert!(d.iter().all(|d| !d.summary.contains(&long) && !d.detail.contains(&long)));
    }

    #[tokio::test]
    async fn configure_passes_limits_to_the_aws_client() {
        let cfg = provider_config(Value::from(7i64), Value::string("5s"));
        let data =
            Hooks.configure("1.0.3", &cfg).await.map_err(|d| format!("{d:?}")).expect("configures");
        let limits = data.sagemaker.as_ref().expect("client").limits();
        assert_eq!((limits.max_attempts, limits.call_timeout), (7, Duration::from_secs(5)));
        assert_eq!(limits.operation_timeout, crate::aws::DEFAULT_OPERATION_TIMEOUT);
    }

    fn failure(kind: crate::aws::ErrorKind, code: Option<&str>, message: &str) -> AwsError {
        AwsError {
            service: crate::aws::Service::SageMaker,
            operation: "DescribePipeline",
            pipeline: "churn".into(),
            endpoint: "http://127.0.0.1:9".into(),
            region: "us-east-1".into(),
            kind,
            code: code.map(str::to_string),
            message: message.into(),
            request_id: None,
            limits: AwsSettings::default().limits(),
        }
    }

    /// Issue 6: every AWS failure ended with "check the credentials", whatever the cause.
    #[test]
    fn aws_diagnostics_advise_only_where_the_code_fits() {
        use crate::aws::ErrorKind;
        let auth = aws_diag(
            "Failed to read SageMaker pipeline \"churn\"",
            &failure(
                ErrorKind::Auth,
                Some("UnrecognizedClientException"),
                "The security token included in the request is invalid.",
            ),
        );
        assert!(auth.detail.starts_with("DescribePipeline failed: UnrecognizedClientException: The security token included in the request is invalid.\n(endpoint http://127.0.0.1:9, region us-east-1)"), "{}", auth.detail);
        assert!(
            auth.detail.contains("credentials") && !auth.detail.contains("endpoints.sagemaker")
        );
        let conn = aws_diag(
            "x",
            &failure(
                ErrorKind::Connection,
                None,
                "no answer from the endpoint (Connection refused (os error 111))",
            ),
        );
        assert!(
            conn.detail.contains("endpoints.sagemaker") && !conn.detail.contains("credentials"),
            "{}",
            conn.detail
        );
        let timeout = aws_diag("x", &failure(ErrorKind::Timeout, None, "no answer in time"));
        assert!(
            timeout.detail.contains("call_timeout (30s)")
                && timeout.detail.contains("operation_timeout (3m)"),
            "{}",
            timeout.detail
        );
        let rejected = aws_diag(
            "x",
            &failure(ErrorKind::Rejected, Some("ValidationException"), "Bad definition."),
        );
        assert_eq!(rejected.detail, "DescribePipeline failed: ValidationException: Bad definition.\n(endpoint http://127.0.0.1:9, region us-east-1)");
    }
}
