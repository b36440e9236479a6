//! The SageMaker Pipelines provider: its configuration, and the list of resources and data
//! sources it serves.
//!
//! Configuration follows the AWS provider's arguments and precedence (provider block, then the
//! environment, then the shared files): credentials (static keys, shared files, `assume_role`,
//! `assume_role_with_web_identity`), endpoints, CA bundle, proxies, and the limits every AWS
//! call runs with (`max_retries`, `retry_mode`, `call_timeout`, `operation_timeout`; validated
//! strictly, never coerced or echoed in full). Checks of one attribute are declared on it;
//! checks across attributes are in `validate`; what needs the environment or a file (the CA
//! bundle, web identity fallbacks, proxies from the environment) in `configure`
//! ([`settings_from`]). Unless `skip_credentials_validation` is set, the credentials are checked
//! with STS GetCallerIdentity, as the AWS provider does, but lazily: before the first SageMaker
//! or S3 call of the process, not in `configure`. So a configuration that makes no AWS call
//! (step resources and the offline definition and policy data sources) needs no credentials,
//! and processes that never call AWS (schema loads, validation) stay cheap. [`aws_diag`] is the one way an AWS failure becomes a diagnostic, for resources
//! and data sources alike.
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

use crate::aws::config::Secret;
use crate::aws::{AwsError, AwsSettings, ErrorKind, SageMaker, Service};
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
    /// What this configuration's pipeline creates did to names (see [`ml_pipeline::Claims`]).
    pub(crate) claims: ml_pipeline::Claims,
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

/// Durations STS takes for a role session: 15 minutes to 12 hours.
fn session_duration(text: &str) -> bool {
    parse_duration(text)
        .is_ok_and(|d| d >= Duration::from_secs(900) && d <= Duration::from_secs(12 * 3600))
}

/// A role ARN as STS takes it (`AssumeRole`, `AssumeRoleWithWebIdentity`): IAM role paths may
/// hold any printable character, so this is looser than SageMaker's `RoleArn` pattern
/// (`steps::common::valid_role_arn`).
fn sts_role_arn(text: &str) -> bool {
    regex_lite::Regex::new(r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/\S+$")
        .is_ok_and(|re| re.is_match(text))
}

/// A role session name as STS takes it: 2 to 64 of letters, digits and `_+=,.@-`.
fn session_name(text: &str) -> bool {
    (2..=64).contains(&text.len())
        && text.chars().all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c))
}

const SESSION_NAME_DETAIL: &str =
    "Use 2 to 64 letters, digits and the characters _+=,.@- (no spaces), e.g. \"terraform-ci\".";

/// A session policy: a JSON object (IAM checks the rest).
fn json_object(text: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(text).is_ok_and(|v| v.is_object())
}

const POLICY_DETAIL: &str = "A session policy is an IAM policy document as JSON, e.g. jsonencode({ Version = \"2012-10-17\", Statement = [...] }) or data.aws_iam_policy_document.x.json.";

fn url_with_scheme(text: &str) -> bool {
    (text.starts_with("http://") || text.starts_with("https://")) && text.len() > "https://".len()
}

const ROLE_ARN_DETAIL: &str =
    "Use an IAM role ARN such as \"arn:aws:iam::123456789012:role/terraform\".";
const DURATION_DETAIL: &str = "Write a duration from 15m to 12h with units m or h (s and ms are accepted too), e.g. \"1h\" or \"1h30m\".";

fn string_set() -> Type {
    Type::Set(Box::new(Type::String))
}

pub fn provider_schema() -> Schema {
    use framework::validators::{one_of, string_check, string_length};
    Schema::new(
        Block::new("The SageMaker Pipelines provider. Its arguments follow the AWS provider's names and meanings. Credentials come, first found wins, from the provider block (`access_key`/`secret_key`/`token`, else its `profile`, which the environment's keys do not override), the environment (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`), the shared credentials and config files (the `profile` or `AWS_PROFILE`: keys, SSO, `credential_process`, `role_arn` chains), `AWS_WEB_IDENTITY_TOKEN_FILE` with `AWS_ROLE_ARN`, then container and instance roles; `assume_role_with_web_identity` replaces those base credentials and `assume_role` assumes a role with them. Every other argument, too, wins over its environment variable, which wins over the shared config file.")
            .attr(Attribute::optional("region", Type::String, "AWS region, e.g. `us-east-1`. Defaults to `AWS_REGION` / `AWS_DEFAULT_REGION` or the profile's region. A misspelt name (`us-east1`, `US-EAST-1`, an availability zone) is an error with the nearest region; any other name the provider does not know (a region newer than it) is a warning."))
            .attr(Attribute::optional("profile", Type::String, "Named profile from the shared AWS config and credentials files. Set here, it is what the provider uses even when `AWS_ACCESS_KEY_ID` is set (as in CI), so each aliased provider configuration deploys with its own profile. Unset, the environment's keys come first, then `AWS_PROFILE`, else `default`. A profile named here (or in `AWS_PROFILE`, when no keys are set) that neither file defines is an error naming the profiles they do define, and so is one without credentials while `AWS_ACCESS_KEY_ID` is set: the provider never falls back to the environment's keys for it (`default` excepted)."))
            .attr(Attribute::optional("access_key", Type::String, "AWS access key id, with `secret_key` (and `token` for temporary credentials). Wins over `AWS_ACCESS_KEY_ID` and the shared files. Prefer the environment or a profile to keeping keys in configuration.").sensitive())
            .attr(Attribute::optional("secret_key", Type::String, "AWS secret access key, with `access_key`. Wins over `AWS_SECRET_ACCESS_KEY`.").sensitive())
            .attr(Attribute::optional("token", Type::String, "Session token of temporary credentials, with `access_key` and `secret_key`. Wins over `AWS_SESSION_TOKEN`.").sensitive())
            .attr(Attribute::optional("shared_config_files", Type::List(Box::new(Type::String)), "Paths of the shared config files to read, instead of the default (`AWS_CONFIG_FILE`, else `~/.aws/config`). `~` is the home folder."))
            .attr(Attribute::optional("shared_credentials_files", Type::List(Box::new(Type::String)), "Paths of the shared credentials files to read, instead of the default (`AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`). `~` is the home folder."))
            .attr(Attribute::optional("default_tags", Type::Map(Box::new(Type::String)), "Tags merged into every pipeline's `tags_all`; a pipeline's own `tags` win per key."))
            .attr(Attribute::optional("max_retries", Type::Number, "Maximum attempts per AWS call, the first included, for calls that are throttled or fail on the way (connection errors, timeouts, HTTP 5xx); not for what another attempt cannot change (an HTTP 500 answered with an HTML page, which is how an endpoint says it lacks the operation, and a TLS certificate that is not trusted); a whole number from 0 to 100 (0 and 1 both mean a single attempt). Defaults to `AWS_MAX_ATTEMPTS`, else 25, as in the AWS provider."))
            .attr(Attribute::optional("retry_mode", Type::String, "How the SDK retries: `adaptive` (retries with backoff, and throttling also slows the client down, so a throttled `apply` of many pipelines eases off) or `standard` (retries with backoff only). Defaults to `AWS_RETRY_MODE`, else `adaptive` (the AWS provider's default is `standard`; this provider keeps `adaptive`, what it has always used). Under heavy throttling, `adaptive` waits before sending too, so an apply of many pipelines takes longer (measured at 30 % throttled answers: 20 pipelines created in about a minute, against seconds with `standard`) and, with a short `operation_timeout`, a call can run out of time before its retries are used: choose `standard` or a longer `operation_timeout` there. The shared config file's `retry_mode` is not read.").validate(one_of(&["standard", "adaptive"])))
            .attr(Attribute::optional("call_timeout", Type::String, "Longest wait for the answer to one attempt of an AWS call (the connection included), as a duration such as `30s`, `2m` or `1m30s` (units `ms`, `s`, `m`, `h`). An attempt that times out is retried. From `1s` to `1h`; defaults to `30s`."))
            .attr(Attribute::optional("operation_timeout", Type::String, "Longest time for a whole AWS call, every attempt and backoff wait included, as a duration such as `3m`. When it passes, the call fails with a timeout error, so an endpoint that accepts connections but never answers ends `plan` and `apply` within this time per call (a create whose answer did not come is then checked with one more call, so it can take twice as long; a call that never connected sent nothing and is not checked). From `1s` to `24h`; defaults to `3m`."))
            .attr(Attribute::optional("skip_credentials_validation", Type::Bool, "Skip checking the credentials with STS GetCallerIdentity. Defaults to `false`: as in the AWS provider, the credentials every call will use (assumed roles included) are checked with one GetCallerIdentity call (to `endpoints.sts`), and a clear error says when they do not work. Unlike the AWS provider, the check runs before the provider's first SageMaker or S3 call in a Terraform command, not when the provider is configured: a configuration that calls no AWS API (step resources and the offline `sagemaker_ml_pipeline_definition` and `sagemaker_ml_pipeline_policy` data sources) needs no credentials. Set `true` for endpoints without STS (some local emulators) or to save that call; bad credentials then fail at the first SageMaker call."))
            .attr(Attribute::optional("custom_ca_bundle", Type::String, "Path of a PEM file of CA certificates to trust for HTTPS instead of the system's (for TLS-intercepting proxies or private endpoints). Defaults to `AWS_CA_BUNDLE`. Checked when the provider is configured: the file must be readable and hold at least one valid certificate. It is read again when the first HTTPS connection is made, so it must stay in place.").validate(string_length(1, 4096)))
            .attr(Attribute::optional("http_proxy", Type::String, "URL of the proxy for `http://` endpoints, e.g. `http://proxy.internal:3128` (user and password may be in the URL). Defaults to `HTTP_PROXY` / `http_proxy`, then `ALL_PROXY` / `all_proxy`.").validate(string_check(url_with_scheme, "Invalid http_proxy", "Use an http:// or https:// proxy URL (SOCKS proxies are not supported), e.g. \"http://proxy.internal:3128\".")))
            .attr(Attribute::optional("https_proxy", Type::String, "URL of the proxy for `https://` endpoints (every AWS endpoint), e.g. `http://proxy.internal:3128`. Defaults to `HTTPS_PROXY` / `https_proxy`, then `ALL_PROXY` / `all_proxy`. Unlike old AWS provider versions, `http_proxy` is not used for HTTPS.").validate(string_check(url_with_scheme, "Invalid https_proxy", "Use an http:// or https:// proxy URL (SOCKS proxies are not supported), e.g. \"http://proxy.internal:3128\".")))
            .attr(Attribute::optional("no_proxy", Type::String, "Comma-separated hosts, domains (`.internal`), IP addresses and CIDR blocks reached without the proxies, e.g. `localhost,127.0.0.1,.internal`. Defaults to `NO_PROXY` / `no_proxy`."))
            .block(NestedBlock::single(
                "assume_role",
                Block::new("Assume this IAM role (STS AssumeRole) with the base credentials, or with `assume_role_with_web_identity`'s session when that is set too; every AWS call then uses the role's session, refreshed before it expires. As in the AWS provider.")
                    .attr(Attribute::required("role_arn", Type::String, "ARN of the role to assume.").validate(string_check(sts_role_arn, "Invalid assume_role.role_arn", ROLE_ARN_DETAIL)))
                    .attr(Attribute::optional("session_name", Type::String, "Name of the role session, seen in CloudTrail. Defaults to `terraform-provider-sagemaker-<unix time in ms>`.").validate(string_check(session_name, "Invalid assume_role.session_name", SESSION_NAME_DETAIL)))
                    .attr(Attribute::optional("external_id", Type::String, "External id the role's trust policy requires, if any.").validate(string_length(2, 1224)))
                    .attr(Attribute::optional("duration", Type::String, "Lifetime of the role session, from `15m` to `12h` (at most the role's maximum session duration). Defaults to `1h`.").validate(string_check(session_duration, "Invalid assume_role.duration", DURATION_DETAIL)))
                    .attr(Attribute::optional("policy", Type::String, "IAM policy JSON further restricting the session (a session policy).").validate(string_check(json_object, "Invalid assume_role.policy", POLICY_DETAIL)))
                    .attr(Attribute::optional("policy_arns", string_set(), "ARNs of managed IAM policies further restricting the session."))
                    .attr(Attribute::optional("tags", Type::Map(Box::new(Type::String)), "Session tags."))
                    .attr(Attribute::optional("transitive_tag_keys", string_set(), "Keys of session `tags` that stay with the session through later role chaining."))
                    .attr(Attribute::optional("source_identity", Type::String, "Source identity of the session (the human or application behind it), kept through role chaining.").validate(string_check(session_name, "Invalid assume_role.source_identity", SESSION_NAME_DETAIL))),
            ))
            .block(NestedBlock::single(
                "assume_role_with_web_identity",
                Block::new("Get the base credentials by assuming a role with an OIDC web identity token (STS AssumeRoleWithWebIdentity, e.g. a CI job's token), instead of the chain described above. As in the AWS provider.")
                    .attr(Attribute::optional("role_arn", Type::String, "ARN of the role to assume. Defaults to `AWS_ROLE_ARN`.").validate(string_check(sts_role_arn, "Invalid assume_role_with_web_identity.role_arn", ROLE_ARN_DETAIL)))
                    .attr(Attribute::optional("session_name", Type::String, "Name of the role session. Defaults to `AWS_ROLE_SESSION_NAME`, else `terraform-provider-sagemaker-<unix time in ms>`.").validate(string_check(session_name, "Invalid assume_role_with_web_identity.session_name", SESSION_NAME_DETAIL)))
                    .attr(Attribute::optional("web_identity_token", Type::String, "The OIDC token itself. Conflicts with `web_identity_token_file`.").sensitive())
                    .attr(Attribute::optional("web_identity_token_file", Type::String, "Path of a file holding the OIDC token, read again whenever the session is renewed. Defaults to `AWS_WEB_IDENTITY_TOKEN_FILE` when `web_identity_token` is not set."))
                    .attr(Attribute::optional("duration", Type::String, "Lifetime of the role session, from `15m` to `12h`. Defaults to `1h`.").validate(string_check(session_duration, "Invalid assume_role_with_web_identity.duration", DURATION_DETAIL)))
                    .attr(Attribute::optional("policy", Type::String, "IAM policy JSON further restricting the session.").validate(string_check(json_object, "Invalid assume_role_with_web_identity.policy", POLICY_DETAIL)))
                    .attr(Attribute::optional("policy_arns", string_set(), "ARNs of managed IAM policies further restricting the session.")),
            ))
            .block(NestedBlock::single(
                "endpoints",
                Block::new("Custom service endpoints, e.g. a local SageMaker endpoint for testing. Each wins over `AWS_ENDPOINT_URL_<SERVICE>` (e.g. `AWS_ENDPOINT_URL_SAGEMAKER`), which wins over `AWS_ENDPOINT_URL` and the shared config file.")
                    .attr(Attribute::optional("sagemaker", Type::String, "SageMaker API endpoint URL, e.g. `http://127.0.0.1:5000`."))
                    .attr(Attribute::optional("s3", Type::String, "S3 endpoint URL, for the definitions a pipeline's `definition_s3` block uploads, e.g. `http://127.0.0.1:5000` or an S3 VPC endpoint. With a custom S3 endpoint (here or from `AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL`) requests use path-style addressing (`<endpoint>/<bucket>/<key>`), which S3 emulators need."))
                    .attr(Attribute::optional("sts", Type::String, "STS endpoint URL, for `assume_role`, `assume_role_with_web_identity` (or `AWS_ROLE_ARN` with `AWS_WEB_IDENTITY_TOKEN_FILE`) and the credential validation (GetCallerIdentity); defaults to `AWS_ENDPOINT_URL_STS`, else the region's STS endpoint. A profile's own `role_arn` chain calls STS where `AWS_ENDPOINT_URL_STS` or the profile's `services` section says.")),
            )),
    )
}

fn check_url(config: &Value, diags: &mut Diagnostics) {
    let Some(ep) = config.get("endpoints").filter(|e| !e.is_null() && !e.is_unknown()) else {
        return;
    };
    for svc in ["sagemaker", "s3", "sts"] {
        if let Known::Value(url) = model::string(ep, svc) {
            if let Some(why) = endpoint_problem(&url) {
                diags.error_at(
                    AttrPath::root("endpoints").attr(svc),
                    format!("Invalid {svc} endpoint {:?}", shorten(&url)),
                    format!("{why}. {ENDPOINT_DETAIL}"),
                );
            }
        }
    }
}

const ENDPOINT_DETAIL: &str = "Endpoints are absolute URLs with a scheme and a host, e.g. \"http://127.0.0.1:5000\" or \"https://api.sagemaker.us-east-1.amazonaws.com\".";

/// Why `url` cannot be an endpoint (the SDK would fail every call with "not a valid URI", after
/// retries, as if the endpoint had not answered); `None` when it can.
fn endpoint_problem(url: &str) -> Option<&'static str> {
    let Some(rest) = url.strip_prefix("http://").or_else(|| url.strip_prefix("https://")) else {
        return Some("It has no http:// or https:// scheme");
    };
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some("It holds a space or a control character");
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let (host, port) = match authority.strip_prefix('[') {
        Some(v6) => match v6.split_once(']') {
            Some((h, tail)) => (h, tail.strip_prefix(':')),
            None => return Some("Its IPv6 host has no closing ]"),
        },
        None => match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        },
    };
    if host.is_empty() {
        return Some("It has no host");
    }
    if let Some(p) = port {
        if p.is_empty() || p.parse::<u16>().map_or(true, |n| n == 0) {
            return Some("Its port is not a number from 1 to 65535");
        }
    }
    None
}

#[async_trait]
impl ProviderHooks<ProviderData> for Hooks {
    fn schema(&self) -> Schema {
        provider_schema()
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        // A null in a list or map (`default_tags = { team = null }`) is reported, not dropped
        // (fresh-eyes finding), as in resources.
        let mut diags = steps::common::null_elements(config);
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
                    Ok(d) if d >= Duration::from_secs(1) && d <= max => {}
                    Ok(_) | Err(BadDuration::TooLong) => diags.error_at(
                        AttrPath::root(attr),
                        format!("{attr} is out of range"),
                        format!("Use a duration from 1s to {}, e.g. \"{}\".", crate::aws::format_duration(max), default_duration(attr)),
                    ),
                    Err(BadDuration::Malformed) => diags.error_at(
                        AttrPath::root(attr),
                        format!("Invalid {attr} {:?}", shorten(&text)),
                        format!("Write a duration as numbers with units ms, s, m or h, e.g. \"{}\" or \"1m30s\".", default_duration(attr)),
                    ),
                }
            }
        }
        if let Known::Value(r) = model::string(config, "region") {
            check_region(&r, &mut diags);
        }
        let (call, overall) =
            (duration_of(config, "call_timeout"), duration_of(config, "operation_timeout"));
        let overall_or_default = overall.unwrap_or(crate::aws::DEFAULT_OPERATION_TIMEOUT);
        if call.is_some_and(|c| c > overall_or_default && c <= Duration::from_secs(3600)) {
            diags.push(
                Diagnostic::warning(
                    "call_timeout is longer than operation_timeout",
                    format!("One attempt may take call_timeout, but every operation, retries included, ends after operation_timeout ({}), so the call timeout is never reached. Make call_timeout shorter than operation_timeout.", crate::aws::format_duration(overall_or_default)),
                )
                .at(AttrPath::root("call_timeout")),
            );
        }
        check_url(config, &mut diags);
        check_credentials(config, &mut diags);
        diags
    }

    async fn configure(
        &self,
        _terraform_version: &str,
        config: &Value,
    ) -> Result<(ProviderData, Diagnostics), Diagnostics> {
        let diags = self.validate(config);
        if diags.has_errors() {
            return Err(diags);
        }
        let env = |k: &str| std::env::var(k).ok();
        // The environment's region, checked as the block's is: a misspelt one that still looks
        // like a region warns here (helper finding: `AWS_REGION=eu-wset-1` planned silently,
        // then the apply spent operation_timeout on DNS); one that does not is an error from
        // `settings_from`.
        let mut warnings = Diagnostics::new();
        if let Some((v, _, found)) = environment_region(config, &env) {
            for d in found.0.into_iter().filter(|d| d.severity != crate::framework::Severity::Error)
            {
                warnings.push(Diagnostic::warning(format!("{} (from {v})", d.summary), d.detail));
            }
        }
        let default_tags = model::string_map(config, "default_tags");
        // Everything but the tags must be known to build a client; default_tags may stay unknown.
        let known = match config.as_map() {
            Some(m) => {
                m.iter().filter(|(k, _)| k.as_str() != "default_tags").all(|(_, v)| v.is_known())
            }
            None => true,
        };
        if !known {
            let data = ProviderData { sagemaker: None, default_tags, claims: Default::default() };
            return Ok((data, warnings));
        }
        let settings = settings_from(config, &env)?;
        check_profile(&settings, &env).await?;
        let sagemaker = SageMaker::new(settings);
        let data =
            ProviderData { sagemaker: Some(sagemaker), default_tags, claims: Default::default() };
        Ok((data, warnings))
    }
}

/// The regions SageMaker runs in, as of this provider's release (AWS's regional services
/// list): commercial, China, GovCloud, the isolated partitions and the European Sovereign Cloud.
const KNOWN_REGIONS: &[&str] = &[
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-south-1",
    "ap-south-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-south-1",
    "eu-south-2",
    "eu-north-1",
    "il-central-1",
    "me-south-1",
    "me-central-1",
    "mx-central-1",
    "sa-east-1",
    "cn-north-1",
    "cn-northwest-1",
    "us-gov-west-1",
    "us-gov-east-1",
    "us-iso-east-1",
    "us-iso-west-1",
    "us-isob-east-1",
    "us-isof-south-1",
    "us-isof-east-1",
    "eu-isoe-west-1",
    "eusc-de-east-1",
];

/// A region name is `<area>-<words>-<number>` in lower case (`us-east-1`, `us-gov-west-1`).
/// Capitals, spaces or other characters, or a misspelling of a known region (`us-east1`, an
/// availability zone `us-east-1a`), are an error with the nearest known region. Any other name
/// the provider does not know is a warning, so a region newer than the provider still works.
fn check_region(region: &str, diags: &mut Diagnostics) {
    let parts: Vec<&str> = region.split('-').collect();
    let letters = |p: &str| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase());
    let well_formed = parts.len() >= 3
        && (2..=4).contains(&parts[0].len())
        && parts[..parts.len() - 1].iter().all(|p| letters(p))
        && parts
            .last()
            .is_some_and(|n| (1..=2).contains(&n.len()) && n.chars().all(|c| c.is_ascii_digit()));
    if well_formed && KNOWN_REGIONS.contains(&region) {
        return;
    }
    let hint = crate::compiler::expr::did_you_mean(region, KNOWN_REGIONS.iter().copied())
        .map(|r| format!("Did you mean {r:?}? "))
        .unwrap_or_default();
    let valid_chars = !region.is_empty()
        && region.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    // A name that is not a misspelling of a known region (a local emulator's "local", a
    // region newer than the provider) only warns: an error would block what worked before.
    if well_formed || (valid_chars && hint.is_empty()) {
        diags.push(
            Diagnostic::warning(
                format!("Unknown region {region:?}"),
                format!("{hint}{region:?} is not a region this provider knows SageMaker in. If it is a region newer than the provider, ignore this warning; otherwise use a region name such as \"us-east-1\"."),
            )
            .at(AttrPath::root("region")),
        );
    } else {
        diags.error_at(
            AttrPath::root("region"),
            format!("Invalid region {:?}", shorten(region)),
            format!("{hint}A region name is an area, a direction and a number, in lower case and joined by hyphens: \"us-east-1\", \"eu-central-2\", \"us-gov-west-1\"."),
        );
    }
}

/// The region the environment gives when the block gives none (`AWS_REGION`, else
/// `AWS_DEFAULT_REGION`): which variable gave it, the region, and what [`check_region`] finds
/// (an error is `settings_from`'s to report, a warning `configure`'s).
fn environment_region(
    config: &Value,
    env: &dyn Fn(&str) -> Option<String>,
) -> Option<(&'static str, String, Diagnostics)> {
    if model::string(config, "region") != Known::Null {
        return None;
    }
    let (v, r) = ["AWS_REGION", "AWS_DEFAULT_REGION"]
        .into_iter()
        .find_map(|v| env(v).filter(|r| !r.is_empty()).map(|r| (v, r)))?;
    let mut found = Diagnostics::new();
    check_region(&r, &mut found);
    Some((v, r, found))
}

/// Cross-attribute checks of the credential settings (each at the attribute to fix).
fn check_credentials(config: &Value, diags: &mut Diagnostics) {
    let set = |attr: &str| matches!(model::string(config, attr), Known::Value(_));
    let unknown = |attr: &str| matches!(model::string(config, attr), Known::Unknown);
    if set("access_key") && !set("secret_key") && !unknown("secret_key") {
        diags.error_at(
            AttrPath::root("secret_key"),
            "access_key is set without secret_key",
            "Static credentials need both access_key and secret_key (and token for temporary credentials). Set secret_key, or remove access_key to use the environment or a profile.",
        );
    }
    if set("secret_key") && !set("access_key") && !unknown("access_key") {
        diags.error_at(
            AttrPath::root("access_key"),
            "secret_key is set without access_key",
            "Static credentials need both access_key and secret_key. Set access_key, or remove secret_key.",
        );
    }
    if set("token") && !set("access_key") && !unknown("access_key") {
        diags.error_at(
            AttrPath::root("token"),
            "token is set without access_key and secret_key",
            "A session token belongs to temporary credentials: set access_key and secret_key too, or remove token.",
        );
    }
    for block in ["assume_role", "assume_role_with_web_identity"] {
        let Some(r) = config.get(block).filter(|r| !r.is_null() && !r.is_unknown()) else {
            continue;
        };
        for arn in model::string_list(r, "policy_arns").value().unwrap_or_default() {
            if !(arn.starts_with("arn:aws") && arn.contains(":iam::") && arn.contains(":policy/")) {
                diags.error_at(
                    AttrPath::root(block).attr("policy_arns"),
                    format!("Not a managed policy ARN: {:?}", shorten(&arn)),
                    "policy_arns takes ARNs of managed IAM policies, e.g. \"arn:aws:iam::aws:policy/ReadOnlyAccess\" or \"arn:aws:iam::123456789012:policy/ml-deploy\".",
                );
            }
        }
        if block == "assume_role" {
            let tags = model::string_map(r, "tags").value().unwrap_or_default();
            if tags.keys().any(|k| k.is_empty()) {
                diags.error_at(
                    AttrPath::root(block).attr("tags"),
                    "A session tag has an empty key",
                    "Session tag keys are 1 to 128 characters: give the tag a key, or remove it.",
                );
            }
            for key in model::string_list(r, "transitive_tag_keys").value().unwrap_or_default() {
                let tagged = tags.keys().any(|t| t.eq_ignore_ascii_case(&key));
                if !tagged && model::string_map(r, "tags") != Known::Unknown {
                    diags.error_at(
                        AttrPath::root(block).attr("transitive_tag_keys"),
                        format!("Transitive tag key {:?} is not a session tag", shorten(&key)),
                        "Each key in transitive_tag_keys must be a key of assume_role.tags: add the tag, or remove the key.",
                    );
                }
            }
        }
    }
    if set("access_key")
        && config.get("assume_role_with_web_identity").is_some_and(|w| !w.is_null())
    {
        diags.push(
            Diagnostic::warning(
                "access_key is not used with assume_role_with_web_identity",
                "AssumeRoleWithWebIdentity takes the OIDC token, not keys, and its session replaces them as the base credentials. Remove access_key and secret_key, or remove assume_role_with_web_identity to use the keys (assume_role then assumes its role with them).",
            )
            .at(AttrPath::root("access_key")),
        );
    }
    if let Some(w) = config.get("assume_role_with_web_identity").filter(|w| !w.is_null()) {
        if matches!(model::string(w, "web_identity_token"), Known::Value(_))
            && matches!(model::string(w, "web_identity_token_file"), Known::Value(_))
        {
            diags.error_at(
                AttrPath::root("assume_role_with_web_identity").attr("web_identity_token_file"),
                "Both web_identity_token and web_identity_token_file are set",
                "Give the token one way: the token itself in web_identity_token, or the path of a file holding it in web_identity_token_file.",
            );
        }
    }
}

/// The profile the configuration names (the block's `profile`, else `AWS_PROFILE`) must be in
/// the shared files the provider reads. A missing one is an error rather than a fall back to
/// whatever other credentials the environment holds (another account), as in the AWS provider.
async fn check_profile(
    s: &AwsSettings,
    env: &(dyn Fn(&str) -> Option<String> + Sync),
) -> Result<(), Diagnostics> {
    use crate::aws::config::{self as awsconf, ProfileProblem};
    let env_keys = env("AWS_ACCESS_KEY_ID").is_some_and(|k| !k.is_empty());
    let (name, from_block) = match (&s.profile, env("AWS_PROFILE").filter(|p| !p.is_empty())) {
        (Some(p), _) => (p.clone(), true),
        // Keys in the block or the environment win over AWS_PROFILE: it is not used for
        // credentials, so a leftover one (CI) is no mistake.
        (None, Some(p)) if s.access_key.is_none() && !env_keys => (p, false),
        _ => return Ok(()),
    };
    let source = if from_block { "The provider block's profile" } else { "AWS_PROFILE" };
    let problem = match awsconf::check_profile(
        &name,
        s.shared_config_files.as_deref(),
        s.shared_credentials_files.as_deref(),
        env,
    )
    .await
    {
        Ok(()) => return Ok(()),
        Err(p) => p,
    };
    let d = match problem {
        // A profile without credentials is harmful only where the environment's keys would be
        // taken instead (another account, silently); with keys in the block or a web identity
        // session the profile gives no credentials anyway, and without keys anywhere the chain
        // goes on to container and instance roles, as in the AWS provider.
        ProfileProblem::NoCredentials
            if !env_keys || s.access_key.is_some() || s.web_identity.is_some() =>
        {
            return Ok(())
        }
        ProfileProblem::NoCredentials => Diagnostic::error(
            format!("AWS profile {:?} holds no credentials", shorten(&name)),
            format!("{source} names {:?}, which the shared files define without credentials (no aws_access_key_id, role_arn, credential_process, SSO or web identity settings), so the provider would sign with AWS_ACCESS_KEY_ID from the environment instead, possibly another account. Add its credentials to the profile (e.g. `aws configure --profile {}`, or a role_arn with source_profile), or, to take credentials from the environment, remove the profile and set the region in the provider block or AWS_REGION. The provider does not fall back to other credentials for a profile it is told to use.", shorten(&name), shorten(&name)),
        ),
        ProfileProblem::Unreadable(why) => Diagnostic::error(
            format!("The shared AWS config files cannot be read for profile {:?}", shorten(&name)),
            format!("{why}. Fix the file, or point shared_config_files / shared_credentials_files (AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE) at the files that define the profile."),
        ),
        ProfileProblem::Missing { files, profiles } => {
            let read = files
                .iter()
                .map(|(f, found)| if *found { f.clone() } else { format!("{f} (not found)") })
                .collect::<Vec<_>>()
                .join(", ");
            let defined = if profiles.is_empty() {
                "They define no profile.".to_string()
            } else {
                let shown = profiles.iter().take(20).cloned().collect::<Vec<_>>().join(", ");
                let more = if profiles.len() > 20 { ", ..." } else { "" };
                let hint = crate::compiler::expr::did_you_mean(&name, profiles.iter().map(String::as_str))
                    .map(|p| format!(" Did you mean {p:?}?"))
                    .unwrap_or_default();
                format!("They define: {shown}{more}.{hint}")
            };
            Diagnostic::error(
                format!("AWS profile {:?} not found", shorten(&name)),
                format!("{source} names {:?}, which no shared config or credentials file the provider reads defines. Files read: {read}. {defined} Fix the name, or add the profile to one of those files (e.g. `aws configure --profile {}`). The provider does not fall back to other credentials when the profile it is told to use is missing.", shorten(&name), shorten(&name)),
            )
        }
    };
    Err(if from_block { d.at(AttrPath::root("profile")) } else { d }.into())
}

/// `(the ARN's region, the provider's)` when `id` is an ARN of another region than the one `sm`
/// sends to: SageMaker is asked by name there, so it would find another pipeline, or none.
pub(crate) async fn arn_in_other_region(sm: &SageMaker, id: &str) -> Option<(String, String)> {
    let arn_region = id.split(':').nth(3).filter(|r| id.starts_with("arn:") && !r.is_empty())?;
    let ours = sm.region().await?;
    (ours != arn_region).then(|| (arn_region.to_string(), ours))
}

/// The account of an ARN (`arn:aws:sagemaker:<region>:<account>:pipeline/<name>`); `None` for
/// a name, or an ARN without one.
pub(crate) fn arn_account(arn: &str) -> Option<&str> {
    arn.strip_prefix("arn:")?.split(':').nth(3).filter(|a| !a.is_empty())
}

/// The diagnostic of a failed credential validation (STS GetCallerIdentity).
fn credentials_diag(e: &AwsError) -> Diagnostic {
    let cause = e.cause();
    if matches!(e.kind, ErrorKind::Unreachable | ErrorKind::Connection | ErrorKind::Timeout) {
        // Nothing says the credentials are wrong: STS was not reached, or did not answer.
        return Diagnostic::error(
            if e.kind == ErrorKind::Unreachable {
                "The provider could not reach STS to validate its AWS credentials"
            } else {
                "The provider got no answer from STS to validate its AWS credentials"
            },
            format!(
                "{}{}\n({})\n\nThe provider checks its credentials with STS GetCallerIdentity before its first SageMaker or S3 call. {}For an endpoint without STS (some local emulators), set skip_credentials_validation = true.",
                cause,
                if cause.ends_with('.') { "" } else { "." },
                e.location(),
                if crate::aws::certificate_refused(&cause) {
                    // Helper finding: behind a TLS-intercepting proxy this is the first error
                    // a user sees, and it did not say how to trust the proxy's CA.
                    "The endpoint's TLS certificate is not trusted: for a TLS-intercepting proxy or a private CA, give the CA certificates in custom_ca_bundle (or AWS_CA_BUNDLE). ".to_string()
                } else {
                    format!("Check the STS endpoint ({}) and the region, and that the network (proxy, firewall, VPC endpoint) lets the provider reach it. ", endpoint_settings(Service::Sts))
                },
            ),
        );
    }
    Diagnostic::error(
        "The provider's AWS credentials could not be validated",
        format!(
            "{}{}\n({})\n\nThe provider checks its credentials with STS GetCallerIdentity before its first SageMaker or S3 call. Check which credentials it uses (access_key/secret_key, AWS_ACCESS_KEY_ID, AWS_PROFILE, the profile's SSO login, assume_role, assume_role_with_web_identity or AWS_ROLE_ARN) and that they have not expired; check endpoints.sts / AWS_ENDPOINT_URL_STS and the region. For an endpoint without STS (some local emulators), set skip_credentials_validation = true.",
            cause,
            if cause.ends_with('.') { "" } else { "." },
            e.location()
        ),
    )
}

fn duration_of(obj: &Value, attr: &str) -> Option<Duration> {
    model::string(obj, attr).value().and_then(|t| parse_duration(&t).ok())
}

fn strings(obj: &Value, attr: &str) -> Vec<String> {
    model::string_list(obj, attr).value().unwrap_or_default()
}

fn secret(obj: &Value, attr: &str) -> Option<Secret> {
    model::string(obj, attr).value().map(Secret::new)
}

/// The AWS settings of a wholly known, validated provider configuration, with the environment
/// fallbacks aws-config does not apply itself (`AWS_CA_BUNDLE`, `AWS_RETRY_MODE`, the proxy
/// variables, `AWS_ROLE_ARN`, `AWS_ROLE_SESSION_NAME`, `AWS_WEB_IDENTITY_TOKEN_FILE`) read
/// through `env`. Files named in it are checked here, so a mistake is a diagnostic now.
fn settings_from(
    config: &Value,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<AwsSettings, Diagnostics> {
    use crate::aws::config::{self as awsconf, block_or_env};
    let mut diags = Diagnostics::new();
    let endpoints = config.get("endpoints").cloned().unwrap_or(Value::Null);
    let ca_path = model::string(config, "custom_ca_bundle").value();
    let from_block = ca_path.is_some();
    let home = |p: String| awsconf::expand_home(p, env);
    let ca_bundle = match block_or_env(ca_path, env, &["AWS_CA_BUNDLE"]).map(home) {
        None => None,
        Some(path) => match awsconf::check_ca_bundle(&path) {
            Ok(()) => Some(path),
            Err(why) => {
                let (path, source) = if from_block {
                    (Some(AttrPath::root("custom_ca_bundle")), "custom_ca_bundle")
                } else {
                    (None, "AWS_CA_BUNDLE")
                };
                let d = Diagnostic::error(
                    format!("The CA bundle in {source} cannot be used"),
                    format!("{why}. Give the path of a readable PEM file of CA certificates (-----BEGIN CERTIFICATE----- blocks), or remove {source}."),
                );
                diags.push(match path {
                    Some(p) => d.at(p),
                    None => d,
                });
                None
            }
        },
    };
    // The environment's region, when the block gives none: checked as the block's is (an error
    // here; a well-formed unknown one is a warning of `configure`).
    if let Some((v, r, found)) = environment_region(config, env) {
        let error = found.iter().find(|d| d.severity == crate::framework::Severity::Error);
        if let Some(detail) = error.map(|d| d.detail.clone()) {
            diags.error(format!("{v} is not a region: {:?}", shorten(&r)), detail);
        }
    }
    // The environment's endpoints, for the services the block gives none (the block's own are
    // checked at validate).
    let mut env_attempts = None;
    let from_env = env("AWS_MAX_ATTEMPTS").filter(|t| !t.trim().is_empty());
    if let Some(text) = from_env.filter(|_| config.get("max_retries").is_none_or(Value::is_null)) {
        match text.trim().parse::<u32>() {
            // 0 means "the default", as in the AWS SDKs.
            Ok(0) => {}
            Ok(n) if n <= 100 => env_attempts = Some(n),
            _ => diags.error(
                format!("AWS_MAX_ATTEMPTS is not a number of attempts: {:?}", shorten(&text)),
                "Set AWS_MAX_ATTEMPTS to a whole number from 0 (the default) to 100, or unset it, or set max_retries in the provider block, which wins over it.",
            ),
        }
    }
    let mut env_endpoints = BTreeMap::new();
    for (svc, var) in [
        ("sagemaker", "AWS_ENDPOINT_URL_SAGEMAKER"),
        ("s3", "AWS_ENDPOINT_URL_S3"),
        ("sts", "AWS_ENDPOINT_URL_STS"),
    ] {
        if model::string(&endpoints, svc).value().is_none() {
            if let Some((v, url)) = [var, "AWS_ENDPOINT_URL"]
                .into_iter()
                .find_map(|v| env(v).filter(|u| !u.is_empty()).map(|u| (v, u)))
            {
                env_endpoints.insert(v, url);
            }
        }
    }
    for (v, url) in env_endpoints {
        if let Some(why) = endpoint_problem(&url) {
            diags.error(
                format!("{v} is not an endpoint URL: {:?}", shorten(&url)),
                format!("{why}. {ENDPOINT_DETAIL} Fix the variable, or set the service's URL in the provider block's endpoints."),
            );
        }
    }
    let proxies = awsconf::resolve_proxies(
        awsconf::Proxies {
            http: model::string(config, "http_proxy").value(),
            https: model::string(config, "https_proxy").value(),
            no_proxy: model::string(config, "no_proxy").value(),
        },
        env,
    );
    for (attr, url) in [("http_proxy", &proxies.http), ("https_proxy", &proxies.https)] {
        if let Some(url) = url {
            if aws_smithy_http_client::proxy::ProxyConfig::all(url.as_str()).is_err() {
                diags.error_at(
                    AttrPath::root(attr),
                    format!("Invalid {attr}"),
                    format!("The {attr} setting (or its environment variable, {}) is not a proxy URL the provider can use. Use an http:// or https:// URL (SOCKS proxies are not supported), e.g. \"http://proxy.internal:3128\".", attr.to_ascii_uppercase()),
                );
            }
        }
    }
    let retry_mode = awsconf::resolve_retry_mode(
        model::string(config, "retry_mode").value().and_then(|m| awsconf::RetryMode::parse(&m)),
        env,
    );
    let assume_role =
        config.get("assume_role").filter(|r| !r.is_null()).map(|r| awsconf::AssumeRole {
            role_arn: model::string(r, "role_arn").value().unwrap_or_default(),
            session_name: model::string(r, "session_name").value(),
            external_id: model::string(r, "external_id").value(),
            duration: duration_of(r, "duration"),
            policy: model::string(r, "policy").value(),
            policy_arns: strings(r, "policy_arns"),
            tags: model::string_map(r, "tags").value().unwrap_or_default(),
            transitive_tag_keys: strings(r, "transitive_tag_keys"),
            source_identity: model::string(r, "source_identity").value(),
        });
    let web_identity = match config.get("assume_role_with_web_identity").filter(|w| !w.is_null()) {
        None => None,
        Some(w) => {
            let at = AttrPath::root("assume_role_with_web_identity");
            let role_arn =
                block_or_env(model::string(w, "role_arn").value(), env, &["AWS_ROLE_ARN"]);
            let token = match (
                secret(w, "web_identity_token"),
                block_or_env(
                    model::string(w, "web_identity_token_file").value(),
                    env,
                    &["AWS_WEB_IDENTITY_TOKEN_FILE"],
                )
                .map(home),
            ) {
                (Some(t), _) => Some(awsconf::WebToken::Inline(t)),
                (None, Some(f)) => Some(awsconf::WebToken::File(f)),
                (None, None) => None,
            };
            if role_arn.is_none() {
                diags.error_at(
                    at.clone().attr("role_arn"),
                    "assume_role_with_web_identity has no role_arn",
                    "Set role_arn in the block, or the AWS_ROLE_ARN environment variable.",
                );
            }
            if token.is_none() {
                diags.error_at(
                    at.clone().attr("web_identity_token_file"),
                    "assume_role_with_web_identity has no token",
                    "Set web_identity_token (the token) or web_identity_token_file (a file holding it) in the block, or the AWS_WEB_IDENTITY_TOKEN_FILE environment variable.",
                );
            }
            if let Some(awsconf::WebToken::File(path)) = &token {
                if let Err(e) = std::fs::metadata(path).and_then(|m| {
                    if m.is_file() {
                        Ok(())
                    } else {
                        Err(std::io::Error::other("not a file"))
                    }
                }) {
                    let from_block = model::string(w, "web_identity_token_file").value().is_some();
                    let d = Diagnostic::error(
                        "The web identity token file cannot be read",
                        format!("{path:?}: {e}. Give the path of the file your CI or cluster writes the OIDC token to{}.", if from_block { "" } else { " (here from AWS_WEB_IDENTITY_TOKEN_FILE)" }),
                    );
                    diags.push(if from_block {
                        d.at(at.clone().attr("web_identity_token_file"))
                    } else {
                        d
                    });
                }
            }
            match (role_arn, token) {
                (Some(role_arn), Some(token)) => Some(awsconf::WebIdentity {
                    role_arn,
                    session_name: block_or_env(
                        model::string(w, "session_name").value(),
                        env,
                        &["AWS_ROLE_SESSION_NAME"],
                    ),
                    token,
                    duration: duration_of(w, "duration"),
                    policy: model::string(w, "policy").value(),
                    policy_arns: strings(w, "policy_arns"),
                }),
                _ => None,
            }
        }
    };
    // The environment's web identity (IRSA, CI OIDC: AWS_ROLE_ARN with
    // AWS_WEB_IDENTITY_TOKEN_FILE) when nothing else names credentials (no keys in the block or
    // the environment, no profile in the block or AWS_PROFILE): the AWS provider's order. It
    // goes through the provider's own web identity provider, so `endpoints.sts` applies to it
    // (the SDK's chain sent it to the regional STS whatever the block said), and a missing
    // token file is an error now, naming the file (it surfaced as "No such file or directory"
    // at the first call).
    let other_credentials = model::string(config, "access_key").value().is_some()
        || model::string(config, "profile").value().is_some()
        || env("AWS_PROFILE").is_some_and(|p| !p.is_empty())
        || env("AWS_ACCESS_KEY_ID").is_some_and(|k| !k.is_empty());
    let mut web_identity = web_identity;
    if !other_credentials && web_identity.is_none() && !diags.has_errors() {
        if let (Some(role_arn), Some(path)) = (
            env("AWS_ROLE_ARN").filter(|v| !v.is_empty()),
            env("AWS_WEB_IDENTITY_TOKEN_FILE").filter(|v| !v.is_empty()).map(home),
        ) {
            if !std::path::Path::new(&path).is_file() {
                diags.error(
                    "The web identity token file in AWS_WEB_IDENTITY_TOKEN_FILE cannot be read",
                    format!("{path:?} is not a readable file. With AWS_ROLE_ARN set, the provider assumes that role with the OIDC token in this file: fix the path, or unset AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE to use other credentials."),
                );
            }
            web_identity = Some(awsconf::WebIdentity {
                role_arn,
                session_name: env("AWS_ROLE_SESSION_NAME").filter(|v| !v.is_empty()),
                token: awsconf::WebToken::File(path),
                duration: None,
                policy: None,
                policy_arns: Vec::new(),
            });
        }
    }
    if diags.has_errors() {
        return Err(diags);
    }
    let list = |attr: &str| -> Option<Vec<String>> {
        model::string_list(config, attr).value().map(|l| l.into_iter().map(home).collect())
    };
    Ok(AwsSettings {
        region: model::string(config, "region").value(),
        profile: model::string(config, "profile").value(),
        sagemaker_endpoint: model::string(&endpoints, "sagemaker").value(),
        sts_endpoint: model::string(&endpoints, "sts").value(),
        validate_credentials: config.get("skip_credentials_validation").and_then(|v| v.as_bool())
            != Some(true),
        s3_endpoint: model::string(&endpoints, "s3").value(),
        // validate() accepted it: a whole number from 0 to 100, or null; else AWS_MAX_ATTEMPTS,
        // as the AWS provider reads it (one that is not such a number is an error above).
        max_attempts: model::int(config, "max_retries")
            .value()
            .and_then(|n| u32::try_from(n).ok())
            .or(env_attempts),
        call_timeout: duration_of(config, "call_timeout"),
        operation_timeout: duration_of(config, "operation_timeout"),
        retry_mode,
        access_key: secret(config, "access_key"),
        secret_key: secret(config, "secret_key"),
        token: secret(config, "token"),
        shared_config_files: list("shared_config_files"),
        shared_credentials_files: list("shared_credentials_files"),
        assume_role,
        web_identity,
        ca_bundle,
        proxies,
    })
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

/// Why a duration was not taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BadDuration {
    /// Not a duration: no unit, an unknown unit, a sign, spaces, too long a text.
    Malformed,
    /// Well formed, but longer than [`LONGEST_DURATION`]: out of range for every setting.
    TooLong,
}

/// Longer than any duration a setting takes (about 31 years).
pub const LONGEST_DURATION: Duration = Duration::from_secs(1_000_000_000);

/// A Go-style duration as Terraform users write them: `30s`, `2m`, `1m30s`, `1.5h`, `500ms`.
pub fn parse_duration(text: &str) -> Result<Duration, BadDuration> {
    let mut rest = text.trim();
    if rest.is_empty() || rest.len() > 64 {
        return Err(BadDuration::Malformed);
    }
    let mut total = 0f64;
    while !rest.is_empty() {
        let num_len =
            rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).ok_or(BadDuration::Malformed)?;
        let (num, tail) = rest.split_at(num_len);
        let value: f64 = num.parse().map_err(|_| BadDuration::Malformed)?;
        let unit_len = tail.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(tail.len());
        let (unit, tail) = tail.split_at(unit_len);
        let scale = match unit {
            "ms" => 0.001,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return Err(BadDuration::Malformed),
        };
        total += value * scale;
        rest = tail;
    }
    if total.is_finite() && total <= LONGEST_DURATION.as_secs_f64() {
        Ok(Duration::from_secs_f64(total))
    } else {
        Err(BadDuration::TooLong)
    }
}

/// "1 attempt", "25 attempts".
fn attempts(n: u32) -> String {
    if n == 1 {
        "1 attempt".to_string()
    } else {
        format!("{n} attempts")
    }
}

/// An AWS failure as a diagnostic. The summary (one sentence) names what failed; the detail
/// gives the API operation with the service's own error code and message, the endpoint, region
/// and request id, and advice only where the kind of failure calls for it: credentials and
/// permissions for auth errors, the endpoint for connection errors and timeouts, the retry
/// budget for throttling; nothing generic otherwise.
/// [`aws_diag`] as a warning, its detail followed by `note` (what the failure leaves, e.g. "the
/// pipeline is recorded in the state"), for a call whose failure the operation survives.
pub(crate) fn aws_warning(summary: impl Into<String>, e: &AwsError, note: &str) -> Diagnostic {
    let mut d = aws_diag(summary, e);
    d.severity = crate::framework::Severity::Warning;
    d.detail.push_str(note);
    d
}

pub(crate) fn aws_diag(summary: impl Into<String>, e: &AwsError) -> Diagnostic {
    // No region: no call can be signed or sent, whatever the endpoint (multi-account finding:
    // "no answer from the endpoint (missing signing region)" with network advice).
    if e.region.is_empty() && e.message.to_ascii_lowercase().contains("region") {
        return Diagnostic::error(
            "No AWS region is configured",
            format!(
                "{} ({}). The provider needs a region for every AWS call: set region in the provider block, AWS_REGION, or region in the profile it uses.",
                e.cause(),
                e.location()
            ),
        );
    }
    // The credential check that runs before the first call failed, not the call itself.
    if e.service == Service::Sts {
        return credentials_diag(e);
    }
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
        Service::Sts => "endpoints.sts, AWS_ENDPOINT_URL_STS or AWS_ENDPOINT_URL",
    }
}

fn aws_advice(e: &AwsError) -> Option<String> {
    use crate::aws::{format_duration, ErrorKind};
    let l = e.limits;
    Some(match e.kind {
        // A refusal not in the service's format came from something in between, or from an
        // endpoint that is not the service's (helper finding: the credentials advice followed
        // the message's own hint that a proxy may be answering).
        ErrorKind::Auth if e.code.is_none() && e.message.contains(crate::aws::PROXY_HINT) => format!(
            "Something between the provider and {} (a proxy, a firewall) or an endpoint that is not {}'s refused the call. Check the endpoint (the provider's {}) and the proxy settings (https_proxy, HTTPS_PROXY, no_proxy); if the call does reach AWS, check that the credentials allow {}:{}.",
            e.service.name(),
            e.service.name(),
            endpoint_settings(e.service),
            e.service.iam_prefix(),
            e.operation,
        ),
        ErrorKind::Auth => format!(
            "AWS refused the credentials or their permissions. Check which credentials the provider uses (its profile, AWS_PROFILE, AWS_ACCESS_KEY_ID, an SSO login), that they have not expired, and that they allow {}:{} {}.",
            e.service.iam_prefix(),
            e.operation,
            match e.service {
                Service::SageMaker => format!("on pipeline {:?}", e.pipeline),
                Service::S3 => "on the definition_s3 bucket and key prefix".to_string(),
                Service::Sts => "for the provider's own identity".to_string(),
            }
        ),
        ErrorKind::Unreachable if crate::aws::certificate_refused(&e.message) => format!("No request reached {}, so nothing was changed there: the endpoint's TLS certificate is not trusted. For an endpoint behind a TLS-intercepting proxy or with a private CA, give the CA certificates in custom_ca_bundle (or AWS_CA_BUNDLE); otherwise check the endpoint (the provider's {}).", e.service.name(), endpoint_settings(e.service)),
        ErrorKind::Unreachable => format!("No request reached {}, so nothing was changed there. Check the endpoint (the provider's {}) and the region, and that the network (proxy, firewall, VPC endpoint) lets the provider reach it.", e.service.name(), endpoint_settings(e.service)),
        ErrorKind::Connection => format!("Check the endpoint (the provider's {}) and the region, and that the network (proxy, firewall, VPC endpoint) lets the provider reach it.", endpoint_settings(e.service)),
        ErrorKind::Timeout if e.last_refusal.is_some() => format!(
            "Before time ran out, {} answered the earlier attempts with {}: it was refusing the call, not silent. The retries (up to {}) did not fit in operation_timeout ({}). Re-run later, or raise operation_timeout in the provider block.",
            e.service.name(),
            e.last_refusal.as_deref().unwrap_or_default(),
            attempts(l.max_attempts),
            format_duration(l.operation_timeout),
        ),
        ErrorKind::Timeout => format!(
            "The endpoint did not answer within call_timeout ({}) per attempt or operation_timeout ({}) in all. Check the endpoint ({}) and the network; if the service is only slow, raise these settings in the provider block.",
            format_duration(l.call_timeout),
            format_duration(l.operation_timeout),
            endpoint_settings(e.service),
        ),
        ErrorKind::Throttled => format!(
            "{} was still throttling after {} (max_retries). Re-run later, or raise max_retries in the provider block.",
            e.service.name(),
            attempts(l.max_attempts)
        ),
        // Not retried: how an endpoint says it lacks the operation (helper finding: the advice
        // spoke of retries that never happened).
        ErrorKind::ServerError if e.message.contains(crate::aws::NOT_RETRIED_500) => format!("Check that the endpoint is {}'s (the provider's {}).", e.service.name(), endpoint_settings(e.service)),
        ErrorKind::ServerError => format!("{} was still failing after {} (max_retries); this is usually temporary. Re-run the command.", e.service.name(), attempts(l.max_attempts)),
        ErrorKind::Interrupted => "Terraform asked the provider to stop. Re-run the command to finish; the next plan reconciles whatever was applied.".to_string(),
        ErrorKind::Setup => "Check the provider's region and credentials settings (region, profile, assume_role, assume_role_with_web_identity, AWS_REGION, AWS_PROFILE).".to_string(),
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
            ("default_tags", Value::map([("team", Value::Null)])),
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
        assert_eq!(
            paths,
            vec!["default_tags[\"team\"]", "max_retries", "region", "endpoints.sagemaker"]
        );
    }

    /// Fresh-eyes finding: `region = "us-east1"` passed validation and every call failed at the
    /// endpoint; a well-formed unknown region (a new one) only warns.
    #[test]
    fn regions_are_checked_with_the_nearest_known_one() {
        let check = |r: &str| {
            let mut d = Diagnostics::new();
            check_region(r, &mut d);
            d.iter()
                .map(|d| format!("{:?}|{}|{}", d.severity, d.summary, d.detail))
                .collect::<Vec<_>>()
        };
        for ok in
            ["us-east-1", "us-gov-west-1", "cn-northwest-1", "eusc-de-east-1", "ap-southeast-7"]
        {
            assert_eq!(check(ok), Vec::<String>::new(), "{ok}");
        }
        let typo = check("us-east1");
        assert_eq!(typo.len(), 1);
        assert!(
            typo[0].starts_with("Error|Invalid region \"us-east1\"|Did you mean \"us-east-1\"?"),
            "{typo:?}"
        );
        let upper = check("EU-WEST-1");
        assert!(upper[0].contains("Did you mean \"eu-west-1\"?"), "{upper:?}");
        let new = check("eu-west-9");
        assert_eq!(new.len(), 1);
        assert!(new[0].starts_with("Warning|Unknown region \"eu-west-9\""), "{new:?}");
        assert!(check("").iter().any(|d| d.starts_with("Error|")));
        assert!(
            check("us-east-1a").iter().any(|d| d.starts_with("Error|")),
            "an availability zone"
        );
        let local = check("local");
        assert!(
            local.len() == 1 && local[0].starts_with("Warning|"),
            "an emulator's name: {local:?}"
        );
    }

    /// Fresh-eyes finding: these passed validate, and every call then failed with "not a valid
    /// URI" after its retries, reported as a lost answer ("not known whether created").
    #[test]
    fn endpoints_must_be_urls_the_sdk_can_send_to() {
        for ok in [
            "http://127.0.0.1:5000",
            "https://api.sagemaker.us-east-1.amazonaws.com",
            "http://[::1]:5000/",
            "http://[::1]",
            "https://vpce-1.sts.us-east-1.vpce.amazonaws.com/path",
        ] {
            assert_eq!(endpoint_problem(ok), None, "{ok}");
        }
        for bad in [
            "localhost:5611",
            "http://",
            "http://127.0.0.1:5611 ",
            "http://exa mple.com",
            "http://127.0.0.1:99999",
            "http://127.0.0.1:",
            "http://[::1",
        ] {
            assert!(endpoint_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn session_names_take_what_sts_takes() {
        for ok in ["ci", "terraform-ci", "a.b@c,d=e+f_g", &"x".repeat(64)] {
            assert!(session_name(ok), "{ok}");
        }
        for bad in ["x", "my session", "ci/job", "caf\u{e9}", &"x".repeat(65)] {
            assert!(!session_name(bad), "{bad}");
        }
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
        let data = Hooks
            .configure("1.0.3", &cfg)
            .await
            .map_err(|d| format!("{d:?}"))
            .expect("configures")
            .0;
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
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("1m30s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("1.5h"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        for bad in ["", "30", "s", "10 s", "-5s", "1d", "1e400s", "5sm", &"1".repeat(70)] {
            assert_eq!(parse_duration(bad), Err(BadDuration::Malformed), "{bad}");
        }
        // Well formed but absurd: out of range, not malformed.
        for long in ["1000000h", "99999999999999999999999999999999999999s", "277778h"] {
            assert_eq!(parse_duration(long), Err(BadDuration::TooLong), "{long}");
        }
        assert!(parse_duration("277777h").is_ok());
    }

    #[test]
    fn a_call_timeout_past_the_operation_timeout_warns() {
        let mut cfg = provider_config(Value::Null, Value::string("10m"));
        if let Value::Object(m) = &mut cfg {
            m.insert("operation_timeout".into(), Value::string("1m"));
        }
        let d = Hooks.validate(&cfg);
        assert!(!d.has_errors(), "{d:?}");
        assert_eq!(d.iter().count(), 1, "{d:?}");
        assert!(d.0[0].summary.contains("longer than operation_timeout"), "{d:?}");
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
        // A well-formed duration far beyond the limit is out of range, not "invalid".
        for text in ["2h", "1000000h", "99999999999999999999999999999999999s"] {
            let d = Hooks.validate(&provider_config(Value::Null, Value::string(text)));
            let summaries: Vec<_> = d.iter().map(|d| d.summary.as_str()).collect();
            assert_eq!(summaries, ["call_timeout is out of range"], "{text}");
        }
    }

    #[tokio::test]
    async fn configure_passes_limits_to_the_aws_client() {
        let mut cfg = provider_config(Value::from(7i64), Value::string("5s"));
        model::set(&mut cfg, "skip_credentials_validation", Value::from(true));
        let data = Hooks
            .configure("1.0.3", &cfg)
            .await
            .map_err(|d| format!("{d:?}"))
            .expect("configures")
            .0;
        let limits = data.sagemaker.as_ref().expect("client").limits();
        assert_eq!((limits.max_attempts, limits.call_timeout), (7, Duration::from_secs(5)));
        assert_eq!(limits.operation_timeout, crate::aws::DEFAULT_OPERATION_TIMEOUT);
    }

    fn paths(d: &Diagnostics) -> Vec<String> {
        d.iter().map(|d| d.path.clone().map(|p| p.to_string()).unwrap_or_default()).collect()
    }

    /// Issue 8: settings are checked declaratively, each mistake at its attribute path.
    #[test]
    fn credential_settings_are_validated_at_their_paths() {
        let p = new();
        let cfg = Value::object([
            ("access_key", Value::string("AKIAEXAMPLE")),
            ("token", Value::string("t")),
            ("retry_mode", Value::string("legacy")),
            ("https_proxy", Value::string("proxy:3128")),
            (
                "assume_role",
                Value::object([
                    ("role_arn", Value::string("my-role")),
                    ("duration", Value::string("5m")),
                ]),
            ),
            (
                "assume_role_with_web_identity",
                Value::object([
                    ("web_identity_token", Value::string("x")),
                    ("web_identity_token_file", Value::string("/t")),
                    ("duration", Value::string("an hour")),
                ]),
            ),
        ]);
        let d = p.validate_provider(&cfg);
        let mut got = paths(&d);
        got.sort();
        assert_eq!(
            got,
            vec![
                "access_key",
                "assume_role.duration",
                "assume_role.role_arn",
                "assume_role_with_web_identity.duration",
                "assume_role_with_web_identity.web_identity_token_file",
                "https_proxy",
                "retry_mode",
                "secret_key",
            ],
            "{d:?}"
        );
        // The secrets are not repeated in any message.
        for diag in d.iter() {
            assert!(!diag.summary.contains("AKIAEXAMPLE") && !diag.detail.contains("AKIAEXAMPLE"));
        }
        let ok = Value::object([
            ("access_key", Value::string("AKIAEXAMPLE")),
            ("secret_key", Value::string("s")),
            ("retry_mode", Value::string("standard")),
            (
                "assume_role",
                Value::object([
                    ("role_arn", Value::string("arn:aws:iam::123456789012:role/deploy")),
                    ("duration", Value::string("1h30m")),
                ]),
            ),
        ]);
        assert!(!p.validate_provider(&ok).has_errors(), "{:?}", p.validate_provider(&ok));
        let secret_only = Value::object([("secret_key", Value::string("s"))]);
        assert_eq!(paths(&p.validate_provider(&secret_only)), vec!["access_key"]);
    }

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn settings_take_the_block_over_the_environment() {
        let dir = tempfile::tempdir().expect("tempdir");
        let token_file = dir.path().join("token");
        std::fs::write(&token_file, "eyJ").expect("write");
        let token_path = token_file.to_string_lossy().into_owned();
        let home_dir = dir.path().to_string_lossy().into_owned();
        std::fs::create_dir(dir.path().join(".aws")).expect("mkdir");
        std::fs::write(dir.path().join(".aws/team"), "[profile team]\n").expect("write");
        let a_config = dir.path().join("config").to_string_lossy().into_owned();
        std::fs::write(&a_config, "").expect("write");
        let env = |k: &str| {
            match k {
                "HTTPS_PROXY" => Some("http://env-proxy:3128"),
                "AWS_RETRY_MODE" => Some("standard"),
                "AWS_ROLE_ARN" => Some("arn:aws:iam::123456789012:role/from-env"),
                "AWS_WEB_IDENTITY_TOKEN_FILE" => Some(token_path.as_str()),
                "AWS_ROLE_SESSION_NAME" => Some("env-session"),
                "HOME" => Some(home_dir.as_str()),
                _ => None,
            }
            .map(str::to_string)
        };
        let cfg = Value::object([
            ("access_key", Value::string("AKIAEXAMPLE")),
            ("secret_key", Value::string("secret")),
            ("https_proxy", Value::string("http://block-proxy:8080")),
            (
                "shared_config_files",
                Value::list([Value::string(a_config.clone()), Value::string("~/.aws/team")]),
            ),
            (
                "endpoints",
                Value::object([
                    ("sts", Value::string("http://127.0.0.1:1")),
                    ("sagemaker", Value::Null),
                ]),
            ),
            (
                "assume_role",
                Value::object([
                    ("role_arn", Value::string("arn:aws:iam::123456789012:role/deploy")),
                    ("duration", Value::string("2h")),
                    ("tags", Value::map([("team".to_string(), Value::string("ml"))])),
                    ("transitive_tag_keys", Value::Set(vec![Value::string("team")])),
                ]),
            ),
            ("assume_role_with_web_identity", Value::object([("role_arn", Value::Null)])),
        ]);
        let s = settings_from(&cfg, &env).map_err(|d| format!("{d:?}")).expect("settings");
        assert_eq!(s.proxies.https.as_deref(), Some("http://block-proxy:8080"));
        assert_eq!(s.retry_mode, crate::aws::config::RetryMode::Standard);
        assert_eq!(s.access_key.as_ref().map(|k| k.expose()), Some("AKIAEXAMPLE"));
        assert_eq!(
            s.shared_config_files,
            Some(vec![a_config.clone(), format!("{home_dir}/.aws/team")]),
            "~ is the home folder, as the docs say"
        );
        assert_eq!(s.shared_credentials_files, None);
        assert_eq!(s.sts_endpoint.as_deref(), Some("http://127.0.0.1:1"));
        let r = s.assume_role.expect("assume_role");
        assert_eq!(r.duration, Some(Duration::from_secs(7200)));
        assert_eq!(r.transitive_tag_keys, vec!["team".to_string()]);
        assert_eq!(r.tags.get("team").map(String::as_str), Some("ml"));
        let w = s.web_identity.expect("web identity from the environment");
        assert_eq!(w.role_arn, "arn:aws:iam::123456789012:role/from-env");
        assert_eq!(w.session_name.as_deref(), Some("env-session"));
        assert_eq!(w.token, crate::aws::config::WebToken::File(token_path.clone()));
        // Nothing in Debug output gives the secret away.
        let shown = format!("{:?}", settings_from(&cfg, &env).ok());
        assert!(!shown.contains("secret\"") && shown.contains("AwsSettings"), "{shown}");

        // Without the block, retry mode is adaptive and no proxy is used.
        let s =
            settings_from(&Value::object([("region", Value::Null)]), &no_env).expect("settings");
        assert_eq!(s.retry_mode, crate::aws::config::RetryMode::Adaptive);
        assert!(s.proxies.is_empty() && s.assume_role.is_none() && s.web_identity.is_none());
    }

    #[test]
    fn settings_report_what_only_the_environment_or_files_can_break() {
        let dir = tempfile::tempdir().expect("tempdir");
        let missing = dir.path().join("ca.pem").to_string_lossy().into_owned();
        let cfg = Value::object([
            ("custom_ca_bundle", Value::string(missing.clone())),
            (
                "assume_role_with_web_identity",
                Value::object([("session_name", Value::string("s"))]),
            ),
        ]);
        let d = settings_from(&cfg, &no_env).expect_err("errors");
        assert_eq!(
            paths(&d),
            vec![
                "custom_ca_bundle",
                "assume_role_with_web_identity.role_arn",
                "assume_role_with_web_identity.web_identity_token_file"
            ]
        );
        let ca = d.iter().next().expect("ca");
        assert!(ca.detail.contains("cannot read") && ca.detail.contains("ca.pem"), "{}", ca.detail);
        // From AWS_CA_BUNDLE: named as such, no attribute path.
        let env = move |k: &str| (k == "AWS_CA_BUNDLE").then(|| missing.clone());
        let d = settings_from(&Value::object([("region", Value::Null)]), &env).expect_err("error");
        assert_eq!(d.iter().count(), 1);
        let diag = d.iter().next().expect("one");
        assert!(diag.path.is_none() && diag.summary.contains("AWS_CA_BUNDLE"), "{diag:?}");
        // A bad proxy from the environment is reported too.
        let env = |k: &str| (k == "HTTP_PROXY").then(|| "http://[::1".to_string());
        let d = settings_from(&Value::object([("region", Value::Null)]), &env).expect_err("error");
        assert_eq!(paths(&d), vec!["http_proxy"]);
    }

    /// With validation on (the default), the first AWS call asks STS who the credentials are
    /// and fails with the credentials diagnostic when it cannot; configure itself calls nothing
    /// (offline configurations need no credentials). With skip_credentials_validation the call
    /// goes straight to SageMaker.
    #[tokio::test]
    async fn the_first_call_validates_credentials_unless_told_to_skip() {
        let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}", closed.local_addr().expect("addr"));
        drop(closed);
        let cfg = |skip: bool| {
            Value::object([
                ("region", Value::string("us-east-1")),
                ("access_key", Value::string("AKIAEXAMPLE")),
                ("secret_key", Value::string("secret")),
                ("max_retries", Value::from(1i64)),
                ("skip_credentials_validation", Value::from(skip)),
                (
                    "endpoints",
                    Value::object([
                        ("sts", Value::string(url.clone())),
                        ("sagemaker", Value::string(url.clone())),
                    ]),
                ),
            ])
        };
        let first_call = |data: ProviderData| async move {
            let sm = data.sagemaker.expect("a client");
            let e = sm.describe("churn").await.expect_err("nothing listens");
            aws_diag("Failed to read SageMaker pipeline \"churn\"", &e)
        };
        let data = Hooks
            .configure("1.0.3", &cfg(false))
            .await
            .map_err(|d| format!("{d:?}"))
            .expect("no call")
            .0;
        let diag = first_call(data).await;
        assert_eq!(
            diag.summary,
            "The provider could not reach STS to validate its AWS credentials"
        );
        assert!(
            diag.detail.starts_with("GetCallerIdentity failed")
                && diag.detail.contains(&url)
                && diag.detail.contains("skip_credentials_validation"),
            "{}",
            diag.detail
        );
        assert!(!diag.detail.contains("AKIAEXAMPLE"), "{}", diag.detail);
        let data = Hooks
            .configure("1.0.3", &cfg(true))
            .await
            .map_err(|d| format!("{d:?}"))
            .expect("configure")
            .0;
        let diag = first_call(data).await;
        assert!(
            diag.summary.contains("churn") && diag.detail.contains("DescribePipeline"),
            "{diag:?}"
        );
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
            last_refusal: None,
            no_effect: false,
        }
    }

    /// Multi-account finding: with no region, the credential check read as STS not answering
    /// ("missing signing region"), with network advice.
    #[test]
    fn no_region_says_so() {
        let e = AwsError {
            service: Service::Sts,
            operation: "GetCallerIdentity",
            region: String::new(),
            ..failure(
                crate::aws::ErrorKind::Timeout,
                None,
                "no answer from the endpoint (missing signing region)",
            )
        };
        let d = aws_diag("Failed to create SageMaker pipeline \"p\"", &e);
        assert_eq!(d.summary, "No AWS region is configured");
        assert!(d.detail.contains("set region in the provider block, AWS_REGION"), "{d:?}");
        assert!(!d.detail.contains("network"), "{d:?}");
    }

    /// The credential check's failure blames the credentials only when STS answered: an STS
    /// that could not be reached (fresh-eyes: "credentials could not be validated" for a
    /// refused connection) says so.
    #[test]
    fn the_credential_check_blames_credentials_only_when_sts_answered() {
        use crate::aws::ErrorKind;
        let sts = |kind, code: Option<&str>, message: &str| AwsError {
            service: Service::Sts,
            operation: "GetCallerIdentity",
            ..failure(kind, code, message)
        };
        let refused = aws_diag(
            "x",
            &sts(ErrorKind::Auth, Some("InvalidClientTokenId"), "The security token is invalid."),
        );
        assert_eq!(refused.summary, "The provider's AWS credentials could not be validated");
        assert!(refused.detail.starts_with("GetCallerIdentity failed: InvalidClientTokenId"));
        for (kind, summary) in [
            (ErrorKind::Unreachable, "could not reach STS"),
            (ErrorKind::Connection, "got no answer from STS"),
            (ErrorKind::Timeout, "got no answer from STS"),
        ] {
            let d = aws_diag("x", &sts(kind, None, "could not connect to the endpoint"));
            assert_eq!(
                d.summary,
                format!("The provider {summary} to validate its AWS credentials"),
                "{kind:?}"
            );
            assert!(d.detail.contains("endpoints.sts"), "{kind:?}: {}", d.detail);
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
