//! The AWS adapter: SageMaker pipeline calls through `aws-sdk-sagemaker` (and the S3 objects of
//! definitions too large to send inline, through `aws-sdk-s3`).
//!
//! It knows SageMaker, not Terraform: inputs and outputs are plain Rust structs, failures are
//! [`AwsError`] values that say which operation failed for which pipeline, on which endpoint and
//! region, with the service's own error code and message (or, when no answer came, what went
//! wrong on the way: connection refused, reset, timed out), classified into an [`ErrorKind`] so
//! callers can react (not found, already exists, outcome unknown) and advise only where advice
//! fits. Credentials and region come from the standard AWS chain (`aws-config`), overridden by
//! whatever the provider block sets. The client is built lazily, on the first call that needs
//! it, so a Terraform run that never talks to AWS (validate, a plan of only step resources)
//! never loads credentials.
//!
//! Every call:
//! - is retried by the SDK in adaptive mode (throttling slows the client down), up to
//!   [`Limits::max_attempts`] attempts (default 25, as the AWS provider);
//! - has a per-attempt timeout ([`Limits::call_timeout`]), a connect timeout, and an overall
//!   timeout covering all attempts and backoff ([`Limits::operation_timeout`]), so a hung
//!   endpoint ends in an error within minutes, never hangs a run;
//! - ends early when Terraform asks the provider to stop (`crate::stop`), between or during
//!   attempts: retries and backoff waits are abandoned and the call fails with
//!   [`ErrorKind::Interrupted`] (only the settling calls, [`SageMaker::describe_settling`] and
//!   the run listing of [`executions`], run on, briefly, to learn what an interrupted create,
//!   update or run start left behind);
//! - is logged at DEBUG with operation, pipeline, endpoint, region, request id and duration.
//!
//! Idempotent create: [`SageMaker::create`] takes a `ClientRequestToken` from the caller, which
//! makes one token per planned create and reuses it for every attempt ([`request_token`]);
//! SageMaker answers a repeated token with the first result, so an attempt whose answer was lost
//! is not created twice. Adoption of a pipeline whose create outcome was lost across processes is
//! the caller's decision (it needs the definition's semantics), made from [`ErrorKind`] and
//! [`SageMaker::describe_settling`].
//!
//! Pipeline executions (start, describe, list, steps, stop) are in [`executions`], on the same
//! machinery; so are the S3 calls for definitions passed as `PipelineDefinitionS3Location`
//! ([`s3`]: its client is built from the same loaded configuration, on the first S3 call, and its
//! errors name the S3 endpoint and [`Service::S3`]).
//!
//! Must not know about Terraform values, schemas or diagnostics, and never logs a credential.

pub mod config;
pub mod executions;
pub mod s3;

use std::collections::BTreeMap;
use std::future::Future;
use std::time::{Duration, Instant};

use aws_sdk_sagemaker::config::http::HttpResponse;
use aws_sdk_sagemaker::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_sagemaker::operation::RequestId;
use aws_sdk_sagemaker::types::{
    ParallelismConfiguration, PipelineDefinitionS3Location, PipelineStatus, Tag,
};
use aws_sdk_sagemaker::Client;
use tokio::sync::OnceCell;

pub use s3::S3Object;

/// Attempts per call unless `max_retries` says otherwise (the AWS provider's default).
pub const DEFAULT_MAX_ATTEMPTS: u32 = 25;

/// The tag a create puts on a pipeline it takes over (one that already existed: the old object
/// of a `create_before_destroy` replacement, another workspace's): its value is the taking
/// object's token, kept in that object's private data. A delete by an object holding another
/// token keeps the pipeline. It is not one of the user's tags: reads leave it out.
pub const OWNER_TAG: &str = "terraform-provider-sagemaker:owner";
/// Longest wait for one attempt's answer unless `call_timeout` says otherwise. SageMaker's
/// pipeline calls answer in well under a second; 30 s leaves room for a slow network.
pub const DEFAULT_CALL_TIMEOUT: Duration = Duration::from_secs(30);
/// Longest time for a whole call, all attempts and backoff included, unless
/// `operation_timeout` says otherwise.
pub const DEFAULT_OPERATION_TIMEOUT: Duration = Duration::from_secs(180);
/// Longest wait for a TCP/TLS connection (capped by the per-attempt timeout).
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Settings from the provider block (environment fallbacks of the settings aws-config does not
/// read itself already resolved); `None` means "use the standard AWS chain" or the default.
/// `Debug` prints no credential ([`config::Secret`]).
#[derive(Clone, Debug, Default)]
pub struct AwsSettings {
    pub region: Option<String>,
    pub profile: Option<String>,
    pub sagemaker_endpoint: Option<String>,
    /// `endpoints.sts`: AssumeRole, AssumeRoleWithWebIdentity, GetCallerIdentity.
    pub sts_endpoint: Option<String>,
    /// The provider block's `endpoints.s3` (definitions uploaded with `definition_s3`).
    pub s3_endpoint: Option<String>,
    /// Attempts per call (the provider block's `max_retries`); at least 1.
    pub max_attempts: Option<u32>,
    pub call_timeout: Option<Duration>,
    pub operation_timeout: Option<Duration>,
    pub retry_mode: config::RetryMode,
    /// Static credentials from the block (both keys, or neither).
    pub access_key: Option<config::Secret>,
    pub secret_key: Option<config::Secret>,
    pub token: Option<config::Secret>,
    /// Replace the default shared config / credentials file when set.
    pub shared_config_files: Option<Vec<String>>,
    pub shared_credentials_files: Option<Vec<String>>,
    pub assume_role: Option<config::AssumeRole>,
    pub web_identity: Option<config::WebIdentity>,
    /// Path of a PEM file of certificates (checked when the provider was configured,
    /// [`config::check_ca_bundle`]) that replace the system's trusted roots. The HTTP client
    /// reads it when it builds its TLS layer, on the first `https://` request.
    pub ca_bundle: Option<String>,
    pub proxies: config::Proxies,
    /// Check the credentials with STS GetCallerIdentity before the first SageMaker or S3 call
    /// of this process (the provider's `skip_credentials_validation = false`).
    pub validate_credentials: bool,
}

/// The retry and timeout limits in force.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub max_attempts: u32,
    pub call_timeout: Duration,
    pub operation_timeout: Duration,
}

impl AwsSettings {
    pub fn limits(&self) -> Limits {
        Limits {
            max_attempts: self.max_attempts.unwrap_or(DEFAULT_MAX_ATTEMPTS).max(1),
            call_timeout: self.call_timeout.unwrap_or(DEFAULT_CALL_TIMEOUT),
            operation_timeout: self.operation_timeout.unwrap_or(DEFAULT_OPERATION_TIMEOUT),
        }
    }
}

/// A fresh `ClientRequestToken` for one planned create: `tf-` and 32 hex digits (SageMaker takes
/// 32-128 characters of letters, digits and hyphens).
///
/// Why one random token per create call rather than one derived from the plan: the token must
/// be the same for every attempt of one create, which this gives, and must differ between two
/// distinct creates of an identical pipeline (create, destroy, create again), which a hash of
/// the planned values would not: SageMaker would replay the first, long-deleted pipeline's
/// answer and Terraform would record a pipeline that does not exist. A token carried in the
/// plan's private data would not last longer either: `terraform apply` plans again right before
/// applying. What a token cannot cover (the provider killed mid-create, a re-apply with a new
/// token) is covered by adopting the pipeline when it is the one being created.
pub fn request_token() -> String {
    format!("tf-{}", uuid::Uuid::new_v4().simple())
}

/// Formats a duration the way the provider block takes it: `30s`, `3m`, `1m30s`, `250ms`.
pub fn format_duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms % 1000 != 0 {
        return format!("{ms}ms");
    }
    let s = ms / 1000;
    let (h, m, s) = (s / 3600, (s / 60) % 60, s % 60);
    let mut out = String::new();
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if m > 0 {
        out.push_str(&format!("{m}m"));
    }
    if s > 0 || out.is_empty() {
        out.push_str(&format!("{s}s"));
    }
    out
}

/// What we send to create or update a pipeline.
#[derive(Clone, Debug, PartialEq)]
pub struct PipelineSpec {
    pub name: String,
    pub role_arn: String,
    pub definition: String,
    /// Send the definition as `PipelineDefinitionS3Location` pointing at this object instead of
    /// inline; the caller has put `definition` there first ([`SageMaker::put_definition`]).
    pub definition_s3: Option<S3Object>,
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
    /// The value of its [`OWNER_TAG`], which `tags` leaves out.
    pub owner_mark: Option<String>,
}

impl DeployedPipeline {
    /// SageMaker is deleting it (in the background, after DeletePipeline): the name is not
    /// free yet, and the pipeline is about to vanish.
    pub fn is_deleting(&self) -> bool {
        self.status.as_deref() == Some(PipelineStatus::Deleting.as_str())
    }
}

/// What kind of failure an [`AwsError`] is, decided from the service's error code and HTTP
/// status, or from how the call failed when no answer came.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The pipeline does not exist.
    NotFound,
    /// CreatePipeline: a pipeline of that name exists already.
    AlreadyExists,
    /// The credentials were refused, expired, or lack permission.
    Auth,
    /// Still throttled after every attempt.
    Throttled,
    /// No answer within the per-attempt or overall timeout.
    Timeout,
    /// The connection broke before an answer arrived (or could not be made on the last attempt,
    /// after an earlier one may have got through).
    Connection,
    /// No attempt could connect to the endpoint (DNS, TCP or TLS failed every time): nothing was
    /// sent, so the call had no effect.
    Unreachable,
    /// HTTP 5xx after every attempt (an HTML 500 after one: it is not retried).
    ServerError,
    /// An answer below 400 that could not be read (not the service's format), or a refusal in
    /// another format after an earlier attempt was lost.
    BadResponse,
    /// Terraform asked the provider to stop before the call finished.
    Interrupted,
    /// Any other refusal by the service (validation errors, limits, conflicts).
    Rejected,
    /// The request could not even be built (e.g. no region, no credentials found).
    Setup,
}

impl ErrorKind {
    /// True when the call may have taken effect although it failed: its last attempt's answer
    /// is missing, so an earlier or the last attempt may have been carried out.
    pub fn outcome_unknown(self) -> bool {
        matches!(
            self,
            ErrorKind::Timeout
                | ErrorKind::Connection
                | ErrorKind::ServerError
                | ErrorKind::BadResponse
                | ErrorKind::Interrupted
                | ErrorKind::Throttled
        )
    }
}

/// How often [`SageMaker::wait_deleted`] asks whether a deletion has finished.
const DELETE_POLL: Duration = Duration::from_secs(2);

/// Longest wait for the one call that settles what a stop request interrupted.
const SETTLE_AFTER_STOP: Duration = Duration::from_secs(10);

/// The services the adapter calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Service {
    SageMaker,
    /// Definitions stored in S3 (`s3`).
    S3,
    /// The credential check and role sessions (`config`).
    Sts,
}

impl Service {
    /// The prefix of the service's IAM actions, e.g. `sagemaker` in `sagemaker:CreatePipeline`.
    pub fn iam_prefix(self) -> &'static str {
        match self {
            Service::SageMaker => "sagemaker",
            Service::S3 => "s3",
            Service::Sts => "sts",
        }
    }

    /// The service's name, also the SDK's service id (as in `AWS_ENDPOINT_URL_<ID>`).
    pub fn name(self) -> &'static str {
        match self {
            Service::SageMaker => "SageMaker",
            Service::S3 => "S3",
            Service::Sts => "STS",
        }
    }

    /// The regional endpoint's host without the region: `api.sagemaker`, `s3`.
    fn default_host(self) -> &'static str {
        match self {
            Service::SageMaker => "api.sagemaker",
            Service::S3 => "s3",
            Service::Sts => "sts",
        }
    }
}

#[derive(Clone, Debug)]
pub struct AwsError {
    /// The service called.
    pub service: Service,
    /// The API operation, e.g. `CreatePipeline`.
    pub operation: &'static str,
    pub pipeline: String,
    /// The endpoint the client sends to, e.g. `https://api.sagemaker.us-east-1.amazonaws.com`.
    pub endpoint: String,
    /// Empty when no region is configured anywhere.
    pub region: String,
    pub kind: ErrorKind,
    /// The service's error code, e.g. `ValidationException`, when it sent one.
    pub code: Option<String>,
    /// The service's own message, or what went wrong when no answer came.
    pub message: String,
    pub request_id: Option<String>,
    /// The limits the call ran with (for advice such as "raise call_timeout").
    pub limits: Limits,
    /// The last refusal an attempt of this call got (`ThrottlingException: Rate exceeded`,
    /// `HTTP 503`), when the call then failed in another way: a timeout that ended retries of a
    /// throttled call is reported with what the service kept answering.
    pub last_refusal: Option<String>,
    /// Every attempt was refused by the service or never connected, so the call was not carried
    /// out although its kind alone (throttled, timed out) would leave that open.
    pub no_effect: bool,
}

impl AwsError {
    /// True when the call may have taken effect although it failed: its kind leaves that open
    /// ([`ErrorKind::outcome_unknown`]) and not every attempt was refused. Callers that settle
    /// a failed create, update or start ask this.
    pub fn outcome_unknown(&self) -> bool {
        self.kind.outcome_unknown() && !self.no_effect
    }

    /// "CreatePipeline failed: ValidationException: Pipeline names must be unique."
    /// The endpoint does not implement the operation (an optional one, such as
    /// ListPipelineVersions on the local endpoint): a server error with no service error code,
    /// or one of the codes that say so. Callers of optional operations degrade instead of failing.
    pub fn operation_missing(&self) -> bool {
        matches!(self.kind, ErrorKind::ServerError | ErrorKind::BadResponse | ErrorKind::Rejected)
            && match self.code.as_deref() {
                None => self.kind != ErrorKind::Rejected,
                Some(c) => {
                    matches!(c, "NotImplemented" | "UnknownOperationException" | "InvalidAction")
                }
            }
    }

    pub fn cause(&self) -> String {
        let mut s = format!("{} failed", self.operation);
        if let Some(c) = &self.code {
            s.push_str(&format!(": {c}"));
        }
        if !self.message.is_empty() {
            s.push_str(&format!(": {}", self.message));
        }
        s
    }

    /// "endpoint https://..., region us-east-1, request id abc"
    pub fn location(&self) -> String {
        let region = if self.region.is_empty() { "none configured" } else { &self.region };
        let mut s = format!("endpoint {}, region {region}", self.endpoint);
        if let Some(id) = &self.request_id {
            s.push_str(&format!(", request id {id}"));
        }
        s
    }
}

impl std::fmt::Display for AwsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} for SageMaker Pipeline {:?} ({})",
            self.cause(),
            self.pipeline,
            self.location()
        )
    }
}

impl std::error::Error for AwsError {}

/// The error codes SageMaker answers a missing pipeline with (`DescribePipeline`,
/// `UpdatePipeline`, `DeletePipeline`: `ResourceNotFound`; the `...Exception` spelling is the
/// one other AWS JSON services use, accepted so a proxy or emulator using it is understood).
const NOT_FOUND_CODES: [&str; 2] = ["ResourceNotFound", "ResourceNotFoundException"];

/// The one exception to "not found is an error code". The local moto endpoint the offline tests
/// use (research/offline-test-infrastructure.md) answers a missing pipeline, or a missing
/// pipeline execution, with code `ValidationException` and exactly one of these messages,
/// followed by the name or ARN (`moto/sagemaker/utils.py`, `get_pipeline_from_name` and
/// `get_pipeline_execution_from_arn`), e.g. `Could not find pipeline with PipelineName p.`. They
/// are recognised by that code together with one of these exact prefixes, so no other
/// validation error (a bad name, a bad definition, a message that merely says "not found"
/// somewhere) is ever taken for a missing object.
const MOTO_MISSING: [&str; 2] = [
    "Could not find pipeline with PipelineName ",
    "Could not find pipeline execution with PipelineExecutionArn ",
];

/// Whether a service error says the pipeline (or execution) does not exist: by its error code,
/// plus moto's `ValidationException` (see [`MOTO_MISSING`]).
fn is_not_found(code: Option<&str>, message: Option<&str>) -> bool {
    match code {
        Some(c) if NOT_FOUND_CODES.contains(&c) => true,
        Some("ValidationException") => {
            message.is_some_and(|m| MOTO_MISSING.iter().any(|p| m.trim_start().starts_with(p)))
        }
        _ => false,
    }
}

/// CreatePipeline on a taken name: `ResourceInUse`, or a `ValidationException` saying the name
/// "already exists" (SageMaker's wording, and moto's).
fn is_already_exists(code: Option<&str>, message: Option<&str>) -> bool {
    let msg = message.unwrap_or_default().to_ascii_lowercase();
    match code {
        Some("ResourceInUse") | Some("ResourceInUseException") | Some("ConflictException") => {
            msg.contains("exist") || code == Some("ResourceInUse")
        }
        Some("ValidationException") => msg.contains("already exists"),
        _ => false,
    }
}

/// The kind of a service error, from its code, message and HTTP status.
pub fn kind_of(code: Option<&str>, message: Option<&str>, status: u16) -> ErrorKind {
    if is_not_found(code, message) {
        return ErrorKind::NotFound;
    }
    if is_already_exists(code, message) {
        return ErrorKind::AlreadyExists;
    }
    match code.unwrap_or_default() {
        "UnrecognizedClientException"
        | "InvalidClientTokenId"
        | "AccessDenied"
        | "AccessDeniedException"
        | "ExpiredToken"
        | "ExpiredTokenException"
        | "InvalidSignatureException"
        | "SignatureDoesNotMatch"
        | "MissingAuthenticationToken"
        | "MissingAuthenticationTokenException"
        | "IncompleteSignature"
        | "NotAuthorized"
        | "UnauthorizedOperation"
        | "AuthFailure"
        | "RequestExpired" => return ErrorKind::Auth,
        "ThrottlingException"
        | "Throttling"
        | "ThrottledException"
        | "RequestThrottledException"
        | "TooManyRequestsException"
        | "RequestLimitExceeded"
        | "RequestThrottled"
        | "SlowDown"
        | "PriorRequestNotComplete"
        | "ProvisionedThroughputExceededException" => return ErrorKind::Throttled,
        _ => {}
    }
    match status {
        401 | 403 => ErrorKind::Auth,
        429 => ErrorKind::Throttled,
        500..=599 => ErrorKind::ServerError,
        _ => ErrorKind::Rejected,
    }
}

/// The messages of an error and its sources, outermost first, each once: "client error
/// (Connect): tcp connect error: Connection refused (os error 111)".
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur = Some(e);
    while let Some(err) = cur {
        let text = err.to_string();
        if !text.is_empty() && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cur = err.source();
    }
    parts.join(": ")
}

/// Whether sending failed because no credentials could be resolved (a profile, SSO, IMDS, an
/// assumed role): the SDK reports that as a dispatch failure, before anything is sent.
fn credentials_failed(d: &aws_smithy_runtime_api::client::result::DispatchFailure) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> =
        d.as_connector_error().map(|c| c as &(dyn std::error::Error + 'static));
    while let Some(e) = cause {
        if e.downcast_ref::<aws_credential_types::provider::error::CredentialsError>().is_some() {
            return true;
        }
        cause = e.source();
    }
    false
}

/// How a failed call failed: kind, service code and message, request id.
#[derive(Debug, PartialEq)]
struct Failure {
    kind: ErrorKind,
    code: Option<String>,
    message: String,
    request_id: Option<String>,
    /// The answer was not in the service's format (a proxy's page, IAM's XML).
    foreign: bool,
}

fn classify<E>(e: &SdkError<E, HttpResponse>) -> Failure
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let request_id = e.request_id().map(str::to_string);
    let (kind, code, message) = match e {
        SdkError::ServiceError(se) => {
            let err = se.err();
            let status = se.raw().status().as_u16();
            let code = err.code().map(str::to_string);
            let message = match (err.message(), &code) {
                (Some(m), _) if !m.is_empty() => m.to_string(),
                (_, Some(_)) => format!("HTTP {status}"),
                (_, None) => format!("HTTP {status} with no error code"),
            };
            (kind_of(code.as_deref(), err.message(), status), code, message)
        }
        SdkError::TimeoutError(_) => {
            let why = std::error::Error::source(e).map(chain).unwrap_or_default();
            (ErrorKind::Timeout, None, format!("no answer in time ({why})"))
        }
        SdkError::DispatchFailure(d) => {
            let why = d
                .as_connector_error()
                .and_then(|c| std::error::Error::source(c))
                .map(chain)
                .unwrap_or_default();
            if credentials_failed(d) {
                // The SDK resolves credentials (profile, SSO, IMDS, an assumed role) as part of
                // sending: nothing reached the service, and the network is not what to check.
                (ErrorKind::Setup, None, format!("no usable credentials ({})", tidy_debug(&why)))
            } else if d.is_timeout() {
                (ErrorKind::Timeout, None, format!("no connection in time ({why})"))
            } else if d.is_user() {
                (ErrorKind::Setup, None, format!("the request could not be sent ({why})"))
            } else if why.to_ascii_lowercase().contains("refused") {
                (ErrorKind::Connection, None, format!("could not connect to the endpoint ({why})"))
            } else {
                (ErrorKind::Connection, None, format!("no answer from the endpoint ({why})"))
            }
        }
        SdkError::ResponseError(r) => {
            let raw = r.raw();
            let status = raw.status().as_u16();
            let (code, said) =
                foreign_answer(raw.headers().get("content-type"), raw.body().bytes());
            let said = said.trim_end_matches('.');
            let not_retried = if status == 500 && html(raw.headers().get("content-type")) {
                format!("; {NOT_RETRIED_500}")
            } else {
                String::new()
            };
            if status >= 400 {
                // An error answer in another format than SageMaker's: a proxy, a firewall, a
                // load balancer or another service answered. Its status still says whether
                // the call was refused (helper finding: a proxy's or IAM's XML 403 read as "no
                // answer", so a refused create was adopted and a refused start recorded).
                let message = if code.is_some() {
                    // The code leads the error's text already: `AccessDenied: User: ...`.
                    format!("{said} (HTTP {status}, not in the service's format: {PROXY_HINT}){not_retried}")
                } else {
                    format!("the endpoint answered HTTP {status}, not in the service's format: {said}; {PROXY_HINT}{not_retried}")
                };
                let kind = kind_of(code.as_deref(), code.is_some().then_some(said), status);
                (kind, code, message)
            } else {
                let why = std::error::Error::source(e).map(chain).unwrap_or_default();
                (
                    ErrorKind::BadResponse,
                    None,
                    format!("the endpoint's answer (HTTP {status}) is not a SageMaker response ({why}): {said}; {PROXY_HINT}"),
                )
            }
        }
        SdkError::ConstructionFailure(_) => {
            let why = std::error::Error::source(e).map(chain).unwrap_or_default();
            (ErrorKind::Setup, None, format!("the request could not be built ({why})"))
        }
        _ => (ErrorKind::Setup, None, chain(e)),
    };
    let foreign = matches!(e, SdkError::ResponseError(_));
    Failure { kind, code, message: redact(&message), request_id, foreign }
}

/// `text` with the value of every `X-Amz-Security-Token` header or query parameter replaced:
/// an AWS signature error repeats the canonical request it expected, session token included
/// (credential-audit finding: the token was printed in the error and in the DEBUG log).
pub(crate) fn redact(text: &str) -> String {
    static TOKEN: std::sync::OnceLock<Option<regex_lite::Regex>> = std::sync::OnceLock::new();
    let re = TOKEN.get_or_init(|| {
        regex_lite::Regex::new(r#"(?i)(x-amz-security-token["']?\s*[:=]\s*["']?)[^\s'"&,;\\]+"#)
            .ok()
    });
    match re {
        Some(re) => re.replace_all(text, "${1}<redacted>").into_owned(),
        None => text.to_string(),
    }
}

tokio::task_local! {
    /// What the attempts of the call in flight on this task did, recorded by [`AttemptLog`],
    /// read by [`SageMaker::attempt`].
    static TRACE: std::cell::RefCell<CallTrace>;
}

/// What a call's attempts did, beyond its final error.
#[derive(Debug, Default)]
struct CallTrace {
    /// An attempt got as far as sending its request (its credentials resolved and it was
    /// signed), so the call may have taken effect even if its final error came earlier.
    sent: bool,
    /// The last attempt's refusal (an HTTP error answer); cleared by an attempt with no answer.
    last_refusal: Option<String>,
    /// Attempts started (their request was about to go out).
    attempts: u32,
    /// Attempts that ended without ever connecting (DNS, TCP connect or TLS handshake failed):
    /// their request never left the machine. When every started attempt is one of them, the
    /// call had no effect, whatever its final error says.
    unconnected: u32,
    /// The last such attempt's failure, for the message.
    unconnected_why: Option<String>,
    /// An attempt was sent and got no answer, or a server error (5xx): it may have been
    /// carried out, whatever a later attempt was answered.
    lost: bool,
    /// Attempts answered with a refusal (HTTP 4xx: throttling, validation, access): the
    /// service did not carry them out.
    refused: u32,
    /// Set by [`AttemptLog`] just before the SDK hands an attempt's request to the HTTP
    /// connector, which takes it: the connector logs only the requests no attempt log covers
    /// (those of the SDK's own credential providers: profile role chains, SSO, web identity).
    pub(crate) transmitting: bool,
}

impl CallTrace {
    /// No attempt's request reached the endpoint: every one started failed to connect (an attempt
    /// cut off by a timeout or a stop is not counted as failing to connect, so it keeps the
    /// outcome unknown).
    fn never_connected(&self) -> bool {
        self.attempts > 0 && self.unconnected == self.attempts
    }

    /// Every attempt started was refused by the service or never connected, and none was lost
    /// or cut off on its way: the call was certainly not carried out, whatever its final error
    /// (a throttled call whose retries or `operation_timeout` ran out).
    fn had_no_effect(&self) -> bool {
        self.attempts > 0 && !self.lost && self.refused + self.unconnected == self.attempts
    }
}

/// When an attempt failed while connecting (DNS lookup, TCP connect, TLS handshake; the HTTP
/// client reports each as a connect error), so its request was never sent: what failed, e.g.
/// "client error (Connect): tcp connect error: Connection refused (os error 111)".
fn connect_failure(e: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut cur = Some(e);
    while let Some(err) = cur {
        if err.downcast_ref::<hyper_util::client::legacy::Error>().is_some_and(|h| h.is_connect()) {
            return Some(chain(err));
        }
        cur = err.source();
    }
    None
}

/// An SDK service error printed with `Debug` inside an error chain (aws-config's profile
/// provider does so for the STS error of a `role_arn` chain), rewritten as `Code: message
/// (request id ...)` (helper finding: the user got `unhandled error (AccessDenied): Error {
/// code: "AccessDenied", ... }`).
fn tidy_debug(text: &str) -> String {
    static RE: std::sync::OnceLock<Option<regex_lite::Regex>> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex_lite::Regex::new(
            r#"(?:service error: )?unhandled error \([^)]*\): Error \{ code: "([^"]*)", message: "((?:[^"\\]|\\.)*)"(?:, aws_request_id: "([^"]*)")?[^}]*\}"#,
        )
        .ok()
    });
    let Some(re) = re else { return text.to_string() };
    re.replace_all(text, |c: &regex_lite::Captures| {
        let id = c.get(3).map(|m| format!(" (request id {})", m.as_str())).unwrap_or_default();
        format!("{}: {}{id}", &c[1], c[2].replace("\\\"", "\""))
    })
    .into_owned()
}

/// Ends the message of an answer in another format than the service's.
pub const PROXY_HINT: &str =
    "a proxy, a firewall or a wrong endpoint URL may be answering instead of the service";

/// Ends the message of an HTML 500, which [`OperationMissing`] does not retry.
pub const NOT_RETRIED_500: &str =
    "not retried, as an HTML 500 is how an endpoint says it lacks the operation";

/// What an answer in another format than SageMaker's JSON said, for a message: the error code
/// of an AWS XML error (`<Code>`, with `<Message>`), else an HTML page's title, else the start
/// of the text; at most about 300 characters, whitespace collapsed.
fn foreign_answer(content_type: Option<&str>, body: Option<&[u8]>) -> (Option<String>, String) {
    let text = String::from_utf8_lossy(body.unwrap_or_default());
    let between = |open: &str, close: &str| {
        let start = text.find(open)? + open.len();
        let end = start + text[start..].find(close)?;
        Some(text[start..end].split_whitespace().collect::<Vec<_>>().join(" "))
    };
    let clip = |s: String| {
        if s.chars().count() > 300 {
            format!("{}...", s.chars().take(300).collect::<String>())
        } else {
            s
        }
    };
    let kind = content_type.map(|c| format!(" ({})", c.split(';').next().unwrap_or(c).trim()));
    let kind = kind.unwrap_or_default();
    if let Some(code) = between("<Code>", "</Code>").filter(|c| !c.is_empty()) {
        // The code leads the error's text; the message follows it.
        let message = between("<Message>", "</Message>").filter(|m| !m.is_empty());
        return (Some(code.clone()), clip(message.unwrap_or(code)));
    }
    if let Some(title) = between("<title>", "</title>").filter(|t| !t.is_empty()) {
        return (None, clip(format!("a page{kind} titled {title:?}")));
    }
    let start = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if start.is_empty() {
        (None, format!("an empty body{kind}"))
    } else {
        (None, clip(format!("{start:?}{kind}")))
    }
}

/// `ThrottlingException: Rate exceeded` from an error answer (the JSON protocols' `__type` /
/// `message`, or the `x-amzn-errortype` header), else `HTTP <status>`.
fn refusal_text(status: u16, error_type: Option<&str>, body: Option<&[u8]>) -> String {
    let json = body.and_then(|b| serde_json::from_slice::<serde_json::Value>(b).ok());
    let field = |k: &str| json.as_ref().and_then(|j| j.get(k)).and_then(|v| v.as_str());
    let code = field("__type")
        .or(field("code"))
        .or(error_type)
        .map(|c| c.rsplit('#').next().unwrap_or(c).split(':').next().unwrap_or(c).to_string());
    let message = field("message").or(field("Message")).filter(|m| !m.is_empty());
    match (code, message) {
        (Some(c), Some(m)) if m.chars().count() > 300 => {
            format!("{c}: {}...", m.chars().take(300).collect::<String>())
        }
        (Some(c), Some(m)) => format!("{c}: {m}"),
        (Some(c), None) => c,
        (None, _) => format!("HTTP {status}"),
    }
}

/// Logs every attempt of every call at DEBUG (operation, HTTP status or what went wrong,
/// request id), so retries and backoff are visible; the per-call line comes from `send`.
/// Also records, for the call's error, whether an attempt was sent and the last refusal
/// ([`TRACE`]).
/// Headers other than the target and request id are never read: no credential can leak.
#[derive(Debug)]
struct AttemptLog;

/// The operation and start of the attempt in flight, kept in the call's config bag (the request
/// itself is gone once it has been sent).
#[derive(Clone, Debug)]
struct AttemptStart(String, Instant);

impl aws_smithy_types::config_bag::Storable for AttemptStart {
    type Storer = aws_smithy_types::config_bag::StoreReplace<Self>;
}

/// Decides retries the SDK's own classifiers do not: a 429 in any format is throttling, and
/// what another attempt cannot change is not retried:
/// - an answer that says the endpoint does not have the operation at all: an HTTP 500 whose
///   body is not the service's JSON but an HTML error page (the local endpoint, moto, answers
///   operations it does not implement that way; SageMaker itself always answers in JSON).
///   Without it the SDK would retry such a call `max_retries` times before failing;
/// - a TLS certificate the client does not trust (helper finding: a self-signed endpoint was
///   retried for the whole `operation_timeout`, 3 minutes, before the error came).
#[derive(Debug)]
struct OperationMissing;

impl aws_sdk_sagemaker::config::retry::ClassifyRetry for OperationMissing {
    fn classify_retry(
        &self,
        ctx: &aws_sdk_sagemaker::config::interceptors::InterceptorContext,
    ) -> aws_sdk_sagemaker::config::retry::RetryAction {
        use aws_sdk_sagemaker::config::retry::RetryAction;
        match ctx.response() {
            Some(r) if r.status().as_u16() == 500 && html(r.headers().get("content-type")) => {
                RetryAction::RetryForbidden
            }
            // A 429 in another format than the service's (a proxy's page) is throttling too
            // (helper finding: it was tried once, then reported as throttled after retries).
            Some(r) if r.status().as_u16() == 429 => RetryAction::throttling_error(),
            None if ctx
                .output_or_error()
                .and_then(|r| r.err())
                .is_some_and(|e| certificate_refused(&chain(e))) =>
            {
                RetryAction::RetryForbidden
            }
            _ => RetryAction::NoActionIndicated,
        }
    }

    fn name(&self) -> &'static str {
        "OperationMissing"
    }
}

/// A connection failure that says the endpoint's TLS certificate was not trusted (rustls:
/// "invalid peer certificate: UnknownIssuer", "CaUsedAsEndEntity", an expired one, a name
/// mismatch).
pub fn certificate_refused(why: &str) -> bool {
    why.contains("invalid peer certificate")
}

fn html(content_type: Option<&str>) -> bool {
    content_type.is_some_and(|c| c.trim_start().to_ascii_lowercase().starts_with("text/html"))
}

impl aws_sdk_sagemaker::config::Intercept for AttemptLog {
    fn name(&self) -> &'static str {
        "AttemptLog"
    }

    fn read_before_transmit(
        &self,
        ctx: &aws_sdk_sagemaker::config::interceptors::BeforeTransmitInterceptorContextRef<'_>,
        _rc: &aws_sdk_sagemaker::config::RuntimeComponents,
        cfg: &mut aws_sdk_sagemaker::config::ConfigBag,
    ) -> Result<(), aws_sdk_sagemaker::error::BoxError> {
        if crate::logging::enabled(crate::logging::Level::Debug) {
            // Every SDK operation stores its name in the call's config bag (S3 requests carry no
            // `x-amz-target`).
            let operation =
                match cfg.load::<aws_smithy_runtime_api::client::orchestrator::Metadata>() {
                    Some(m) => m.name().to_string(),
                    None => {
                        let target = ctx.request().headers().get("x-amz-target").unwrap_or("?");
                        target.trim_start_matches("SageMaker.").to_string()
                    }
                };
            cfg.interceptor_state().store_put(AttemptStart(operation, Instant::now()));
        }
        let _ = TRACE.try_with(|t| {
            let mut t = t.borrow_mut();
            t.sent = true;
            t.attempts += 1;
            t.transmitting = true;
        });
        Ok(())
    }

    fn read_after_attempt(
        &self,
        ctx: &aws_sdk_sagemaker::config::interceptors::FinalizerInterceptorContextRef<'_>,
        _rc: &aws_sdk_sagemaker::config::RuntimeComponents,
        cfg: &mut aws_sdk_sagemaker::config::ConfigBag,
    ) -> Result<(), aws_sdk_sagemaker::error::BoxError> {
        let refusal = ctx.response().filter(|r| r.status().as_u16() >= 400).map(|r| {
            refusal_text(r.status().as_u16(), r.headers().get("x-amzn-errortype"), r.body().bytes())
        });
        if refusal.is_some() || ctx.response().is_none() {
            let kept = refusal.as_deref().map(redact);
            let _ = TRACE.try_with(|t| t.borrow_mut().last_refusal = kept);
        }
        if ctx.response().is_some_and(|r| (400..500).contains(&r.status().as_u16())) {
            let _ = TRACE.try_with(|t| t.borrow_mut().refused += 1);
        }
        if let (None, Some(Err(e))) = (ctx.response(), ctx.output_or_error()) {
            if let Some(why) = connect_failure(e) {
                let _ = TRACE.try_with(|t| {
                    let mut t = t.borrow_mut();
                    t.unconnected += 1;
                    t.unconnected_why = Some(why);
                });
            } else {
                let _ = TRACE.try_with(|t| t.borrow_mut().lost = true);
            }
        }
        if ctx.response().is_some_and(|r| r.status().as_u16() >= 500) {
            let _ = TRACE.try_with(|t| t.borrow_mut().lost = true);
        }
        if !crate::logging::enabled(crate::logging::Level::Debug) {
            return Ok(());
        }
        let start = cfg.load::<AttemptStart>();
        // An attempt that failed before it was sent (its credentials could not be resolved)
        // has no start: its operation is still in the call's metadata.
        let metadata = cfg.load::<aws_smithy_runtime_api::client::orchestrator::Metadata>();
        let operation = start.map(|s| s.0.as_str()).or(metadata.map(|m| m.name())).unwrap_or("?");
        let ms = start.map(|s| s.1.elapsed().as_millis().to_string()).unwrap_or_default();
        let status = ctx
            .response()
            .map(|r| r.status().as_u16().to_string())
            .unwrap_or_else(|| "no answer".into());
        let request_id =
            ctx.response().and_then(|r| r.headers().get("x-amzn-requestid")).unwrap_or("-");
        // No answer: what went wrong; a refusal: the service's code and message (helper
        // finding: throttled and 5xx attempts logged no reason).
        let failure = redact(&match ctx.output_or_error() {
            Some(Err(e)) if ctx.response().is_none() => chain(e),
            _ => refusal.unwrap_or_default(),
        });
        crate::logging::debug(
            "AWS attempt",
            &[
                ("operation", operation),
                ("status", &status),
                ("request_id", request_id),
                ("duration_ms", &ms),
                ("failure", &failure),
            ],
        );
        Ok(())
    }
}

/// The built clients and what error messages and logs say about where they send.
struct Ready {
    /// What every client of the provider is built from ([`config::load`]).
    sdk: aws_config::SdkConfig,
    client: Client,
    endpoint: String,
    region: String,
    /// For definitions in S3 (`s3.rs`), built on first use: a pipeline without `definition_s3`
    /// never builds it, so the provider processes of most plans never touch the S3 client's code.
    s3: std::sync::OnceLock<aws_sdk_s3::Client>,
    /// `endpoints.s3`, and the environment's S3 endpoint, for building `s3`.
    s3_configured: Option<String>,
    s3_environment: Option<String>,
    s3_endpoint: String,
    /// Where the credential check and role sessions go (`config::sts_endpoint`).
    sts_endpoint: String,
}

/// Who the configured credentials are (STS GetCallerIdentity).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallerIdentity {
    pub account: String,
    pub arn: String,
}

impl Ready {
    fn s3(&self) -> &aws_sdk_s3::Client {
        self.s3.get_or_init(|| {
            s3::client(&self.sdk, self.s3_configured.as_deref(), self.s3_environment.as_deref())
        })
    }

    fn endpoint(&self, service: Service) -> &str {
        match service {
            Service::SageMaker => &self.endpoint,
            Service::S3 => &self.s3_endpoint,
            Service::Sts => &self.sts_endpoint,
        }
    }
}

/// The endpoint the environment or shared config gives a service, resolved as the SDK's clients
/// do: `AWS_ENDPOINT_URL_<SERVICE>` (or the profile's `services` section), else
/// `AWS_ENDPOINT_URL` (or the profile's `endpoint_url`).
fn environment_endpoint(shared: &aws_types::SdkConfig, service: Service) -> Option<String> {
    use aws_types::service_config::ServiceConfigKey;
    let specific = ServiceConfigKey::builder()
        .service_id(service.name())
        .env("AWS_ENDPOINT_URL")
        .profile("endpoint_url")
        .build()
        .ok()
        .and_then(|key| shared.service_config().and_then(|c| c.load_config(key)));
    specific.or_else(|| shared.endpoint_url().map(str::to_string)).filter(|e| !e.is_empty())
}

/// The endpoint a client sends to: the provider block's, else the environment's, else the
/// regional default.
fn effective_endpoint(
    service: Service,
    configured: Option<&str>,
    from_environment: Option<&str>,
    region: &str,
) -> String {
    let host = service.default_host();
    match configured.or(from_environment) {
        Some(ep) => ep.to_string(),
        None if region.is_empty() => "(no region, so no default endpoint)".to_string(),
        None if region.starts_with("cn-") => format!("https://{host}.{region}.amazonaws.com.cn"),
        None => format!("https://{host}.{region}.amazonaws.com"),
    }
}

/// Which call, for which pipeline: what logs and errors name.
#[derive(Clone, Copy)]
struct Call<'a> {
    service: Service,
    operation: &'static str,
    pipeline: &'a str,
    /// False only for the describe that settles an interrupted create.
    stoppable: bool,
}

impl<'a> Call<'a> {
    fn new(operation: &'static str, pipeline: &'a str) -> Self {
        Call { service: Service::SageMaker, operation, pipeline, stoppable: true }
    }

    /// An S3 call made for `pipeline` (its definition object).
    fn s3(operation: &'static str, pipeline: &'a str) -> Self {
        Call { service: Service::S3, ..Call::new(operation, pipeline) }
    }
}

pub struct SageMaker {
    settings: AwsSettings,
    ready: OnceCell<Ready>,
    /// The outcome of the credential check, made once, before the first call that needs it:
    /// who the credentials are.
    checked: OnceCell<Result<CallerIdentity, AwsError>>,
}

impl SageMaker {
    pub fn new(settings: AwsSettings) -> Self {
        SageMaker { settings, ready: OnceCell::new(), checked: OnceCell::new() }
    }

    pub fn limits(&self) -> Limits {
        self.settings.limits()
    }

    /// The settings the clients are built with.
    pub fn settings(&self) -> &AwsSettings {
        &self.settings
    }

    async fn ready(&self) -> &Ready {
        self.ready
            .get_or_init(|| async {
                let s = &self.settings;
                let shared = config::load(s).await;
                let region = shared.region().map(|r| r.to_string()).unwrap_or_default();
                let endpoint = effective_endpoint(
                    Service::SageMaker,
                    s.sagemaker_endpoint.as_deref(),
                    environment_endpoint(&shared, Service::SageMaker).as_deref(),
                    &region,
                );
                let s3_environment = environment_endpoint(&shared, Service::S3);
                let mut builder = aws_sdk_sagemaker::config::Builder::from(&shared)
                    .interceptor(AttemptLog)
                    .retry_classifier(OperationMissing);
                // A provider-block endpoint wins over the environment's; otherwise aws-config has
                // already applied AWS_ENDPOINT_URL_SAGEMAKER / AWS_ENDPOINT_URL.
                if let Some(ep) = &s.sagemaker_endpoint {
                    builder = builder.endpoint_url(ep);
                }
                Ready {
                    client: Client::from_conf(builder.build()),
                    endpoint,
                    s3: std::sync::OnceLock::new(),
                    s3_endpoint: s3::endpoint(
                        s.s3_endpoint.as_deref(),
                        s3_environment.as_deref(),
                        &region,
                    ),
                    s3_configured: s.s3_endpoint.clone(),
                    s3_environment,
                    sts_endpoint: config::sts_endpoint(
                        s.sts_endpoint.as_deref(),
                        shared.endpoint_url(),
                        &region,
                    ),
                    region,
                    sdk: shared,
                }
            })
            .await
    }

    async fn client(&self) -> &Client {
        &self.ready().await.client
    }

    /// The AWS configuration every client of the provider is built from (loaded once, on first
    /// use): region, credentials (assumed roles included), retries, timeouts, HTTP client.
    pub async fn sdk_config(&self) -> &aws_config::SdkConfig {
        &self.ready().await.sdk
    }

    /// STS GetCallerIdentity with the credentials every call uses (assumed roles included): the
    /// provider's credential validation. The error names the STS endpoint.
    pub async fn caller_identity(&self) -> Result<CallerIdentity, AwsError> {
        let ready = self.ready().await;
        let sts = config::sts_client(&ready.sdk, self.settings.sts_endpoint.as_deref());
        let call = Call { service: Service::Sts, ..Call::new("GetCallerIdentity", "") };
        let out = self.attempt(call, sts.get_caller_identity().send()).await?;
        Ok(CallerIdentity {
            account: out.account().unwrap_or_default().to_string(),
            arn: out.arn().unwrap_or_default().to_string(),
        })
    }

    /// The account of the credentials, when the credential check has run and passed (it runs
    /// before the first call unless `skip_credentials_validation` is set): no call of its own.
    pub fn checked_account(&self) -> Option<String> {
        match self.checked.get() {
            Some(Ok(who)) if !who.account.is_empty() => Some(who.account.clone()),
            _ => None,
        }
    }

    /// The region calls go to, when one is configured anywhere.
    pub async fn region(&self) -> Option<String> {
        Some(self.ready().await.region.clone()).filter(|r| !r.is_empty())
    }

    /// Runs one SDK call: races it against a stop request, logs it, and turns a failure into an
    /// [`AwsError`]. The SDK's retries and timeouts happen inside `fut`.
    async fn send<T, E, F>(&self, call: Call<'_>, fut: F) -> Result<T, AwsError>
    where
        F: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        T: RequestId,
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        if self.settings.validate_credentials {
            self.checked.get_or_init(|| self.caller_identity()).await.clone()?;
        }
        self.attempt(call, fut).await
    }

    /// One call with its retries, stop handling, log line and error: [`Self::send`] without the
    /// credential check (which is itself such a call).
    async fn attempt<T, E, F>(&self, call: Call<'_>, fut: F) -> Result<T, AwsError>
    where
        F: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        T: RequestId,
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let ready = self.ready().await;
        let started = Instant::now();
        let run = async {
            let result = if call.stoppable {
                tokio::select! {
                    r = fut => Some(r),
                    _ = crate::stop::wait() => None,
                }
            } else {
                // Settling: runs on after a stop, but then for one attempt's worth of waiting,
                // not a whole retry budget, and no more than SETTLE_AFTER_STOP (helper finding:
                // one Ctrl-C against a hung endpoint took a whole call_timeout), whether the stop
                // came before the call or during it (reviewer finding: a Ctrl-C during the check
                // after a timed-out create waited out operation_timeout, and a second Ctrl-C
                // left the created pipeline out of the state). What it could not settle, the
                // next apply does (an identical pipeline is adopted; a pending run is looked for).
                let after_stop = self.limits().call_timeout.min(SETTLE_AFTER_STOP);
                tokio::pin!(fut);
                if crate::stop::requested() {
                    tokio::time::timeout(after_stop, fut).await.ok()
                } else {
                    tokio::select! {
                        r = &mut fut => Some(r),
                        _ = crate::stop::wait() => tokio::time::timeout(after_stop, fut).await.ok(),
                    }
                }
            };
            (result, TRACE.with(|t| std::mem::take(&mut *t.borrow_mut())))
        };
        let (result, trace) = TRACE.scope(Default::default(), run).await;
        let ms = started.elapsed().as_millis().to_string();
        let failure = match result {
            Some(Ok(out)) => {
                let id = out.request_id().unwrap_or("-").to_string();
                self.log(call, ready, &id, &ms, "ok");
                return Ok(out);
            }
            Some(Err(e)) => {
                match classify(&e) {
                    // Credentials that failed on a retry, after an earlier attempt was sent: that
                    // attempt's outcome is not known (a lost answer), so this is no setup error.
                    f if f.kind == ErrorKind::Setup && trace.sent => {
                        Failure { kind: ErrorKind::Connection, ..f }
                    }
                    // A refusal in another format than the service's (a proxy's) after an
                    // earlier attempt was lost: the proxy may have let that one through, and
                    // only the service's own answers are replayed by request token (review
                    // finding). The outcome stays unknown, so it is settled as such.
                    f if f.foreign && !f.kind.outcome_unknown() && trace.lost => Failure {
                        kind: ErrorKind::BadResponse,
                        message: format!("{}; an earlier attempt got no answer or a server error, so whether the call was carried out is not known", f.message),
                        ..f
                    },
                    // Every attempt failed to connect (the last may have been cut short by the
                    // overall timeout while waiting to retry): nothing reached the endpoint.
                    f if trace.never_connected()
                        && matches!(f.kind, ErrorKind::Connection | ErrorKind::Timeout) =>
                    {
                        let why = trace.unconnected_why.clone().unwrap_or_default();
                        let mut message = match trace.attempts {
                            1 => format!("could not connect to the endpoint ({why})"),
                            n => format!(
                                "could not connect to the endpoint in {n} attempts (the last: {why})"
                            ),
                        };
                        if f.kind == ErrorKind::Timeout {
                            message.push_str("; operation_timeout ended the retries");
                        }
                        Failure { kind: ErrorKind::Unreachable, message, ..f }
                    }
                    f => f,
                }
            }
            None => Failure {
                kind: ErrorKind::Interrupted,
                code: None,
                message: "Terraform asked the provider to stop before the answer arrived".into(),
                request_id: None,
                foreign: false,
            },
        };
        let outcome = failure.code.clone().unwrap_or_else(|| format!("{:?}", failure.kind));
        self.log(call, ready, failure.request_id.as_deref().unwrap_or("-"), &ms, &outcome);
        let mut error =
            self.failure(call, failure.kind, failure.code, failure.message, failure.request_id);
        // Only where the error itself is not the service's answer (a timeout, a lost connection).
        if error.code.is_none() && error.kind != ErrorKind::BadResponse {
            error.last_refusal = trace.last_refusal.clone();
        }
        // Fresh-eyes finding: a start throttled on every attempt (or on its only one, with
        // `max_retries = 1`) was recorded as a pending run, and a throttled create was checked
        // with DescribePipeline for another operation_timeout. A stop keeps its own wording.
        error.no_effect = error.kind != ErrorKind::Interrupted && trace.had_no_effect();
        Err(error)
    }

    /// The error of a failed call (once the client is ready: it names the endpoint).
    fn failure(
        &self,
        call: Call<'_>,
        kind: ErrorKind,
        code: Option<String>,
        message: String,
        request_id: Option<String>,
    ) -> AwsError {
        let ready = self.ready.get();
        AwsError {
            service: call.service,
            operation: call.operation,
            pipeline: call.pipeline.to_string(),
            endpoint: ready.map(|r| r.endpoint(call.service).to_string()).unwrap_or_default(),
            region: ready.map(|r| r.region.clone()).unwrap_or_default(),
            kind,
            code,
            message,
            request_id,
            limits: self.limits(),
            last_refusal: None,
            no_effect: false,
        }
    }

    fn log(&self, call: Call<'_>, ready: &Ready, request_id: &str, ms: &str, outcome: &str) {
        crate::logging::debug(
            "AWS call",
            &[
                ("operation", call.operation),
                ("pipeline", call.pipeline),
                ("endpoint", ready.endpoint(call.service)),
                ("region", &ready.region),
                ("request_id", request_id),
                ("duration_ms", ms),
                ("outcome", outcome),
            ],
        );
    }

    /// Creates the pipeline; `token` (from [`request_token`]) is sent as `ClientRequestToken` by
    /// every attempt. Returns the ARN.
    pub async fn create(&self, spec: &PipelineSpec, token: &str) -> Result<String, AwsError> {
        let req = self
            .client()
            .await
            .create_pipeline()
            .pipeline_name(&spec.name)
            .role_arn(&spec.role_arn)
            .set_pipeline_definition(inline_definition(spec))
            .set_pipeline_definition_s3_location(s3_location(spec))
            .set_pipeline_display_name(spec.display_name.clone())
            .set_pipeline_description(spec.description.clone())
            .set_parallelism_configuration(parallelism(spec.max_parallel_execution_steps))
            .set_tags(if spec.tags.is_empty() { None } else { Some(tags(&spec.tags)) })
            .client_request_token(token);
        let out = self.send(Call::new("CreatePipeline", &spec.name), req.send()).await?;
        Ok(out.pipeline_arn().unwrap_or_default().to_string())
    }

    /// Updates the pipeline; returns the new pipeline version when the endpoint says.
    pub async fn update(&self, spec: &PipelineSpec) -> Result<Option<i64>, AwsError> {
        let req = self
            .client()
            .await
            .update_pipeline()
            .pipeline_name(&spec.name)
            .role_arn(&spec.role_arn)
            .set_pipeline_definition(inline_definition(spec))
            .set_pipeline_definition_s3_location(s3_location(spec))
            .set_pipeline_display_name(spec.display_name.clone())
            .set_pipeline_description(spec.description.clone())
            .set_parallelism_configuration(parallelism(spec.max_parallel_execution_steps));
        let out = self.send(Call::new("UpdatePipeline", &spec.name), req.send()).await?;
        Ok(out.pipeline_version_id())
    }

    /// The newest version of a pipeline (ListPipelineVersions); `Ok(None)` when it has none or
    /// the endpoint does not implement versions ([`AwsError::operation_missing`]).
    pub async fn latest_version(&self, name: &str) -> Result<Option<i64>, AwsError> {
        let req = self
            .client()
            .await
            .list_pipeline_versions()
            .pipeline_name(name)
            .sort_order(aws_sdk_sagemaker::types::SortOrder::Descending)
            .max_results(1);
        match self.send(Call::new("ListPipelineVersions", name), req.send()).await {
            Ok(out) => {
                Ok(out.pipeline_version_summaries().first().and_then(|v| v.pipeline_version_id()))
            }
            Err(e) if e.operation_missing() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `Ok(None)` when the pipeline does not exist.
    pub async fn describe(&self, name: &str) -> Result<Option<DeployedPipeline>, AwsError> {
        self.describe_call(Call::new("DescribePipeline", name)).await
    }

    /// [`describe`](Self::describe) that runs on after a stop request (then bounded by one
    /// `call_timeout` and SETTLE_AFTER_STOP), to learn whether an interrupted or lost create or
    /// update took effect.
    pub async fn describe_settling(
        &self,
        name: &str,
    ) -> Result<Option<DeployedPipeline>, AwsError> {
        self.describe_call(Call { stoppable: false, ..Call::new("DescribePipeline", name) }).await
    }

    async fn describe_call(&self, call: Call<'_>) -> Result<Option<DeployedPipeline>, AwsError> {
        let name = call.pipeline;
        let req = self.client().await.describe_pipeline().pipeline_name(name);
        let out = match self.send(call, req.send()).await {
            Ok(o) => o,
            Err(e) if e.kind == ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        let arn = out.pipeline_arn().unwrap_or_default().to_string();
        let (tags, owner_mark) = if arn.is_empty() {
            (BTreeMap::new(), None)
        } else {
            self.list_tags_call(Call { operation: "ListTags", ..call }, &arn).await?
        };
        Ok(Some(DeployedPipeline {
            arn,
            name: out.pipeline_name().unwrap_or(name).to_string(),
            role_arn: out.role_arn().unwrap_or_default().to_string(),
            definition: out.pipeline_definition().unwrap_or_default().to_string(),
            display_name: out.pipeline_display_name().map(str::to_string),
            description: out.pipeline_description().map(str::to_string),
            status: out.pipeline_status().map(|s| s.as_str().to_string()),
            max_parallel_execution_steps: out
                .parallelism_configuration()
                .and_then(|p| p.max_parallel_execution_steps()),
            tags,
            owner_mark,
        }))
    }

    /// `Ok(false)` when there was nothing to delete (also when an earlier attempt whose answer
    /// was lost deleted it).
    pub async fn delete(&self, name: &str) -> Result<bool, AwsError> {
        let req = self
            .client()
            .await
            .delete_pipeline()
            .pipeline_name(name)
            .client_request_token(request_token());
        match self.send(Call::new("DeletePipeline", name), req.send()).await {
            Ok(_) => Ok(true),
            Err(e) if e.kind == ErrorKind::NotFound => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Waits until SageMaker has finished deleting `name`: DescribePipeline no longer finds it,
    /// or finds it other than `Deleting`. SageMaker deletes in the background, and a create of
    /// the same name (a replacement: `-replace`, a changed setting that forces one) fails until
    /// it is done. Polls every [`DELETE_POLL`] within `operation_timeout`; `Ok(false)` when
    /// time ran out or a stop was requested first.
    pub async fn wait_deleted(&self, name: &str) -> Result<bool, AwsError> {
        let deadline = Instant::now() + self.limits().operation_timeout;
        loop {
            let req = self.client().await.describe_pipeline().pipeline_name(name);
            match self.send(Call::new("DescribePipeline", name), req.send()).await {
                Err(e) if e.kind == ErrorKind::NotFound => return Ok(true),
                // One check that failed after its retries does not end the wait.
                Err(e) if e.kind.outcome_unknown() && e.kind != ErrorKind::Interrupted => {
                    if Instant::now() + DELETE_POLL > deadline {
                        return Err(e);
                    }
                }
                Err(e) => return Err(e),
                Ok(out) if out.pipeline_status() != Some(&PipelineStatus::Deleting) => {
                    return Ok(true)
                }
                Ok(_) => {}
            }
            if Instant::now() + DELETE_POLL > deadline {
                return Ok(false);
            }
            crate::logging::info("waiting for SageMaker to finish deleting", &[("pipeline", name)]);
            tokio::select! {
                _ = tokio::time::sleep(DELETE_POLL) => {}
                _ = crate::stop::wait() => return Ok(false),
            }
        }
    }

    pub async fn list_tags(
        &self,
        name: &str,
        arn: &str,
    ) -> Result<BTreeMap<String, String>, AwsError> {
        self.list_tags_call(Call::new("ListTags", name), arn).await.map(|(tags, _)| tags)
    }

    /// The value of the pipeline's [`OWNER_TAG`], if it has one.
    pub async fn owner_mark(&self, name: &str, arn: &str) -> Result<Option<String>, AwsError> {
        self.list_tags_call(Call::new("ListTags", name), arn).await.map(|(_, owner)| owner)
    }

    /// Puts [`OWNER_TAG`] with `token` on the pipeline. It runs on after a stop request (then
    /// bounded as [`describe_settling`](Self::describe_settling) is): a takeover left unmarked
    /// would be deleted by the next apply's delete of the object it was taken from (re-check
    /// finding: a Ctrl-C during the takeover's checks skipped the mark).
    pub async fn set_owner_mark(&self, name: &str, arn: &str, token: &str) -> Result<(), AwsError> {
        let tag = Tag::builder().key(OWNER_TAG).value(token).build();
        let req = self.client().await.add_tags().resource_arn(arn).tags(tag);
        let call = Call { stoppable: false, ..Call::new("AddTags", name) };
        self.send(call, req.send()).await.map(|_| ())
    }

    /// The user's tags (without `aws:` tags and [`OWNER_TAG`]), and the [`OWNER_TAG`] value.
    async fn list_tags_call(
        &self,
        call: Call<'_>,
        arn: &str,
    ) -> Result<(BTreeMap<String, String>, Option<String>), AwsError> {
        let mut owner = None;
        let mut out = BTreeMap::new();
        let mut token: Option<String> = None;
        loop {
            let req = self
                .client()
                .await
                .list_tags()
                .resource_arn(arn)
                .max_results(100)
                .set_next_token(token.take());
            let page = self.send(call, req.send()).await?;
            // Later entries win, so a duplicated key reads as its most recent value.
            for t in page.tags() {
                // `aws:` tags belong to AWS (e.g. CloudFormation's); they can be neither set nor removed.
                match t.key() {
                    Some(OWNER_TAG) => owner = t.value().map(String::from),
                    Some(k) if !k.starts_with("aws:") => {
                        out.insert(k.to_string(), t.value().unwrap_or_default().to_string());
                    }
                    _ => {}
                }
            }
            match page.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => return Ok((out, owner)),
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
        let changed: BTreeMap<String, String> = new
            .iter()
            .filter(|(k, v)| old.get(*k) != Some(*v))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let client = self.client().await;
        for chunk in removed.chunks(50) {
            let req = client.delete_tags().resource_arn(arn).set_tag_keys(Some(chunk.to_vec()));
            self.send(Call::new("DeleteTags", name), req.send()).await?;
        }
        let changed: Vec<Tag> = tags(&changed);
        for chunk in changed.chunks(50) {
            let req = client.add_tags().resource_arn(arn).set_tags(Some(chunk.to_vec()));
            self.send(Call::new("AddTags", name), req.send()).await?;
        }
        Ok(())
    }
}

/// `PipelineDefinition`, unless the definition is sent as an S3 location.
fn inline_definition(spec: &PipelineSpec) -> Option<String> {
    spec.definition_s3.is_none().then(|| spec.definition.clone())
}

/// `PipelineDefinitionS3Location`, when the definition is sent that way.
fn s3_location(spec: &PipelineSpec) -> Option<PipelineDefinitionS3Location> {
    spec.definition_s3.as_ref().map(|o| {
        PipelineDefinitionS3Location::builder().bucket(&o.bucket).object_key(&o.key).build()
    })
}

fn parallelism(n: Option<i32>) -> Option<ParallelismConfiguration> {
    n.map(|n| ParallelismConfiguration::builder().max_parallel_execution_steps(n).build())
}

fn tags(map: &BTreeMap<String, String>) -> Vec<Tag> {
    map.iter().map(|(k, v)| Tag::builder().key(k).value(v).build()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 7: "not found" is decided by the error code; a message alone never makes it.
    #[test]
    fn not_found_is_decided_by_the_error_code() {
        for code in ["ResourceNotFound", "ResourceNotFoundException"] {
            assert!(is_not_found(Some(code), None), "{code}");
            assert!(is_not_found(
                Some(code),
                Some("Pipeline 'arn:aws:...:pipeline/p' does not exist.")
            ));
            assert_eq!(kind_of(Some(code), None, 400), ErrorKind::NotFound);
        }
        // Other codes are never "not found", whatever their message says.
        for (code, message) in [
            (Some("AccessDeniedException"), "Pipeline not found"),
            (Some("ThrottlingException"), "Could not find pipeline with PipelineName p."),
            (None, "Could not find pipeline with PipelineName p."),
            (Some("InternalFailure"), "ResourceNotFound"),
        ] {
            assert!(!is_not_found(code, Some(message)), "{code:?} {message}");
        }
        assert!(!is_not_found(None, None));
    }

    /// The local moto endpoint's quirk: a missing pipeline is a `ValidationException` with one
    /// exact message. Only that message is recognised, not other validation errors that happen
    /// to say "not found" or "does not exist".
    #[test]
    fn motos_missing_pipeline_validation_exception_is_not_found_and_nothing_else_is() {
        for moto in [
            "Could not find pipeline with PipelineName churn-training.",
            "Could not find pipeline execution with PipelineExecutionArn arn:aws:sagemaker:us-east-1:123456789012:pipeline/p/execution/abc.",
        ] {
            assert!(is_not_found(Some("ValidationException"), Some(moto)), "{moto}");
            assert_eq!(kind_of(Some("ValidationException"), Some(moto), 400), ErrorKind::NotFound);
        }
        for other in [
            "Name does not satisfy expression",
            "Pipeline 'x' does not exist.",
            "Role arn:aws:iam::123456789012:role/r not found",
            "Step 'Could not find pipeline with PipelineName x' is invalid",
            "could not find pipeline with pipelinename x.",
            "Could not find model package group x.",
            "",
        ] {
            assert!(!is_not_found(Some("ValidationException"), Some(other)), "{other:?}");
            assert_eq!(
                kind_of(Some("ValidationException"), Some(other), 400),
                ErrorKind::Rejected,
                "{other:?}"
            );
        }
        assert!(!is_not_found(Some("ValidationException"), None));
    }

    #[test]
    fn kinds_follow_code_then_status() {
        let moto_duplicate = "An error occurred (ValidationException) when calling the CreatePipeline operation: Pipeline names must be unique within an AWS account and region. Pipeline with name (p) already exists.";
        let cases: &[(Option<&str>, Option<&str>, u16, ErrorKind)] = &[
            (Some("ResourceNotFound"), Some("Pipeline p does not exist"), 400, ErrorKind::NotFound),
            (Some("ValidationException"), Some(moto_duplicate), 400, ErrorKind::AlreadyExists),
            (
                Some("ResourceInUse"),
                Some("Pipeline p already exists"),
                400,
                ErrorKind::AlreadyExists,
            ),
            (
                Some("ValidationException"),
                Some("1 validation error detected"),
                400,
                ErrorKind::Rejected,
            ),
            (
                Some("UnrecognizedClientException"),
                Some("The security token included in the request is invalid."),
                400,
                ErrorKind::Auth,
            ),
            (Some("InvalidClientTokenId"), None, 403, ErrorKind::Auth),
            (
                Some("AccessDeniedException"),
                Some("not authorized to perform sagemaker:CreatePipeline"),
                400,
                ErrorKind::Auth,
            ),
            (Some("ExpiredTokenException"), None, 400, ErrorKind::Auth),
            (None, None, 403, ErrorKind::Auth),
            (Some("ThrottlingException"), Some("Rate exceeded"), 400, ErrorKind::Throttled),
            (None, None, 429, ErrorKind::Throttled),
            (None, None, 503, ErrorKind::ServerError),
            (Some("InternalFailure"), None, 500, ErrorKind::ServerError),
            (Some("ResourceLimitExceeded"), Some("too many pipelines"), 400, ErrorKind::Rejected),
        ];
        for (code, message, status, want) in cases {
            assert_eq!(kind_of(*code, *message, *status), *want, "{code:?} {message:?} {status}");
        }
    }

    #[test]
    fn debug_printed_service_errors_are_tidied() {
        let raw = r#"an error occurred while loading credentials: service error: unhandled error (AccessDenied): Error { code: "AccessDenied", message: "User: arn:aws:iam::1:user/dev is not authorized to perform: sts:AssumeRole", aws_request_id: "abc-1" }"#;
        assert_eq!(
            tidy_debug(raw),
            "an error occurred while loading credentials: AccessDenied: User: arn:aws:iam::1:user/dev is not authorized to perform: sts:AssumeRole (request id abc-1)"
        );
        assert_eq!(tidy_debug("plain text"), "plain text");
    }

    /// Helper finding: answers in another format than SageMaker's (IAM's or S3's XML, a
    /// proxy's HTML page) were all "not a SageMaker response", an unknown outcome.
    #[test]
    fn foreign_answers_are_read_for_their_code_or_title() {
        let xml = b"<ErrorResponse><Error><Code>AccessDenied</Code><Message>User: x is not authorized to perform: sagemaker:CreatePipeline</Message></Error></ErrorResponse>";
        let (code, said) = foreign_answer(Some("text/xml"), Some(xml));
        assert_eq!(code.as_deref(), Some("AccessDenied"));
        assert_eq!(said, "User: x is not authorized to perform: sagemaker:CreatePipeline");
        assert_eq!(kind_of(code.as_deref(), None, 403), ErrorKind::Auth);
        let html =
            b"<html><head><title>403 Forbidden</title></head><body>blocked by policy</body></html>";
        let (code, said) = foreign_answer(Some("text/html; charset=utf-8"), Some(html));
        assert_eq!((code, said.as_str()), (None, "a page (text/html) titled \"403 Forbidden\""));
        let (_, said) = foreign_answer(None, Some(&[b'x'; 400]));
        assert!(said.ends_with("...") && said.len() < 320, "{said}");
        assert_eq!(foreign_answer(None, None).1, "an empty body");
        // Refused, not unknown: 4xx decides; 5xx stays a server error.
        assert!(!kind_of(None, None, 403).outcome_unknown());
        assert!(!kind_of(None, None, 404).outcome_unknown());
        assert!(kind_of(None, None, 502).outcome_unknown());
    }

    #[test]
    fn only_answerless_failures_leave_the_outcome_unknown() {
        for k in [
            ErrorKind::Timeout,
            ErrorKind::Connection,
            ErrorKind::ServerError,
            ErrorKind::Interrupted,
            ErrorKind::BadResponse,
        ] {
            assert!(k.outcome_unknown(), "{k:?}");
        }
        for k in [
            ErrorKind::NotFound,
            ErrorKind::Auth,
            ErrorKind::Rejected,
            ErrorKind::Setup,
            ErrorKind::AlreadyExists,
            ErrorKind::Unreachable,
        ] {
            assert!(!k.outcome_unknown(), "{k:?}");
        }
    }

    /// Only a call whose every started attempt failed to connect is known to have had no
    /// effect; one attempt that may have been sent (cut off, or failed after connecting) keeps
    /// the outcome unknown.
    #[test]
    fn a_call_never_connected_only_when_every_attempt_failed_to_connect() {
        let trace =
            |attempts, unconnected| CallTrace { attempts, unconnected, ..Default::default() };
        assert!(!trace(0, 0).never_connected(), "no attempt started: nothing is known");
        assert!(trace(1, 1).never_connected());
        assert!(trace(25, 25).never_connected());
        assert!(!trace(3, 2).never_connected());
    }

    /// Through the real SDK client: a refused connection on every attempt is `Unreachable`
    /// (nothing sent), a connection that is accepted and then dropped is `Connection` (the
    /// request went out, the outcome is unknown).
    #[tokio::test]
    async fn a_refused_connection_is_told_from_a_dropped_one() {
        let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let closed_port = closed.local_addr().expect("addr").port();
        drop(closed);
        let dropping = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let dropping_port = dropping.local_addr().expect("addr").port();
        tokio::spawn(async move {
            while let Ok((mut tcp, _)) = dropping.accept().await {
                let mut buf = vec![0u8; 65536];
                let _ = tokio::io::AsyncReadExt::read(&mut tcp, &mut buf).await;
                drop(tcp);
            }
        });
        let client = |port: u16| {
            SageMaker::new(AwsSettings {
                region: Some("us-east-1".into()),
                access_key: Some(config::Secret::new("AKIAEXAMPLE")),
                secret_key: Some(config::Secret::new("s")),
                sagemaker_endpoint: Some(format!("http://127.0.0.1:{port}")),
                max_attempts: Some(2),
                ..Default::default()
            })
        };
        let e = client(closed_port).describe("p").await.expect_err("refused");
        assert_eq!(e.kind, ErrorKind::Unreachable, "{e}");
        assert!(
            e.message.starts_with("could not connect to the endpoint in 2 attempts (the last: client error (Connect): tcp connect error"),
            "{e}"
        );
        let e = client(dropping_port).describe("p").await.expect_err("dropped");
        assert_eq!(e.kind, ErrorKind::Connection, "{e}");
        assert!(e.kind.outcome_unknown());
    }

    /// Helper finding: an endpoint whose TLS certificate is not trusted was retried until
    /// `operation_timeout` (3 minutes). One attempt shows it; the error says nothing was sent.
    #[tokio::test]
    async fn an_untrusted_certificate_is_not_retried() {
        use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
        use std::sync::Arc;
        let key_pair = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).expect("key");
        let cert = rcgen::CertificateParams::new(vec!["localhost".to_string()])
            .expect("params")
            .self_signed(&key_pair)
            .expect("self-signed")
            .der()
            .to_vec();
        let key = key_pair.serialize_der();
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let server = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("versions")
            .with_no_client_auth()
            .with_single_cert(
                vec![CertificateDer::from(cert)],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key)),
            )
            .expect("server config");
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(server));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let handshakes = Arc::new(std::sync::atomic::AtomicU32::new(0));
        let counted = handshakes.clone();
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                counted.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let _ = acceptor.accept(tcp).await;
            }
        });
        let sm = SageMaker::new(AwsSettings {
            region: Some("us-east-1".into()),
            access_key: Some(config::Secret::new("AKIAEXAMPLE")),
            secret_key: Some(config::Secret::new("s")),
            sagemaker_endpoint: Some(format!("https://localhost:{port}")),
            max_attempts: Some(5),
            ..Default::default()
        });
        let started = Instant::now();
        let e = sm.describe("p").await.expect_err("untrusted");
        assert_eq!(e.kind, ErrorKind::Unreachable, "{e}");
        assert!(certificate_refused(&e.message), "{e}");
        assert_eq!(handshakes.load(std::sync::atomic::Ordering::Relaxed), 1, "one attempt: {e}");
        assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
    }

    /// A server on 127.0.0.1 that answers one connection per (status line and headers, body),
    /// in order, then stops accepting.
    async fn serve_answers(answers: Vec<(&'static str, &'static str)>) -> u16 {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        tokio::spawn(async move {
            for (head, body) in answers {
                let Ok((mut tcp, _)) = listener.accept().await else { return };
                let mut buf = vec![0u8; 65536];
                let _ = tokio::io::AsyncReadExt::read(&mut tcp, &mut buf).await;
                let text = format!(
                    "{head}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = tokio::io::AsyncWriteExt::write_all(&mut tcp, text.as_bytes()).await;
            }
        });
        port
    }

    fn client_of(port: u16, max_attempts: u32) -> SageMaker {
        SageMaker::new(AwsSettings {
            region: Some("us-east-1".into()),
            access_key: Some(config::Secret::new("AKIAEXAMPLE")),
            secret_key: Some(config::Secret::new("s")),
            sagemaker_endpoint: Some(format!("http://127.0.0.1:{port}")),
            max_attempts: Some(max_attempts),
            ..Default::default()
        })
    }

    const XML_403: (&str, &str) = (
        "HTTP/1.1 403 Forbidden\r\nContent-Type: text/xml",
        "<ErrorResponse><Error><Code>AccessDenied</Code><Message>no</Message></Error></ErrorResponse>",
    );
    const HTML_503: (&str, &str) =
        ("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/html", "");
    const THROTTLED: (&str, &str) = (
        "HTTP/1.1 400 Bad Request\r\nContent-Type: application/x-amz-json-1.1\r\nx-amzn-RequestId: r1",
        r#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#,
    );

    /// A refusal in another format than the service's is a refusal, unless an earlier attempt
    /// was lost (here a 503): then the call may have been carried out (review finding).
    #[tokio::test]
    async fn a_foreign_refusal_after_a_lost_attempt_leaves_the_outcome_unknown() {
        let e = client_of(serve_answers(vec![XML_403]).await, 2)
            .describe("p")
            .await
            .expect_err("denied");
        assert_eq!(e.kind, ErrorKind::Auth, "{e}");
        assert_eq!(e.code.as_deref(), Some("AccessDenied"), "{e}");
        let port = serve_answers(vec![HTML_503, XML_403]).await;
        let e = client_of(port, 2).describe("p").await.expect_err("denied after a 503");
        assert_eq!(e.kind, ErrorKind::BadResponse, "{e}");
        assert!(e.outcome_unknown());
        assert!(e.message.contains("an earlier attempt got no answer or a server error"), "{e}");
    }

    /// A call throttled on every attempt was not carried out, although throttling after a lost
    /// attempt leaves the outcome open (fresh-eyes finding: a start throttled on its only
    /// attempt was recorded as a pending run).
    #[tokio::test]
    async fn a_call_refused_on_every_attempt_had_no_effect() {
        let e = client_of(serve_answers(vec![THROTTLED, THROTTLED]).await, 2)
            .describe("p")
            .await
            .expect_err("throttled");
        assert_eq!(e.kind, ErrorKind::Throttled, "{e}");
        assert!(!e.outcome_unknown(), "{e:?}");
        let e = client_of(serve_answers(vec![THROTTLED]).await, 1)
            .describe("p")
            .await
            .expect_err("throttled once");
        assert!(e.kind == ErrorKind::Throttled && !e.outcome_unknown(), "{e:?}");
        let e = client_of(serve_answers(vec![HTML_503, THROTTLED]).await, 2)
            .describe("p")
            .await
            .expect_err("throttled after a 503");
        assert_eq!(e.kind, ErrorKind::Throttled, "{e}");
        assert!(e.outcome_unknown(), "a 503 may have been carried out: {e:?}");
    }

    /// An AWS signature error repeats the canonical request, session token included.
    #[test]
    fn session_tokens_in_service_messages_are_redacted() {
        let said = "The request signature we calculated does not match.\n\nThe Canonical String for this request should have been\n'POST\n/\n\nhost:api.sagemaker.us-east-1.amazonaws.com\nx-amz-date:20261205T040000Z\nx-amz-security-token:IQoJb3JpZ2luX2VjEJr//+abc==\nx-amz-target:SageMaker.CreatePipeline\n'";
        let out = redact(said);
        assert!(!out.contains("IQoJb3JpZ2luX2VjEJr"), "{out}");
        assert!(out.contains("x-amz-security-token:<redacted>\nx-amz-target"), "{out}");
        let query = "GET /?Action=X&X-Amz-Security-Token=abc%2Fdef&X-Amz-Date=1";
        assert_eq!(redact(query), "GET /?Action=X&X-Amz-Security-Token=<redacted>&X-Amz-Date=1");
        let json = r#"{"X-Amz-Security-Token": "secret-token"}"#;
        assert_eq!(redact(json), r#"{"X-Amz-Security-Token": "<redacted>"}"#);
        assert_eq!(redact("nothing to hide"), "nothing to hide");
    }

    #[test]
    fn request_tokens_fit_sagemaker_and_differ_per_create() {
        let (a, b) = (request_token(), request_token());
        assert_ne!(a, b);
        for t in [a, b] {
            assert!((32..=128).contains(&t.len()), "{t}");
            assert!(t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'), "{t}");
        }
    }

    #[test]
    fn durations_print_as_the_provider_block_takes_them() {
        assert_eq!(format_duration(Duration::from_secs(30)), "30s");
        assert_eq!(format_duration(Duration::from_secs(180)), "3m");
        assert_eq!(format_duration(Duration::from_secs(90)), "1m30s");
        assert_eq!(format_duration(Duration::from_secs(3600)), "1h");
        assert_eq!(format_duration(Duration::from_millis(250)), "250ms");
        assert_eq!(format_duration(Duration::ZERO), "0s");
    }

    #[test]
    fn default_limits_match_the_aws_provider_and_end_a_hang_in_minutes() {
        let l = AwsSettings::default().limits();
        assert_eq!(l.max_attempts, 25);
        assert!(l.operation_timeout <= Duration::from_secs(300));
        assert!(l.call_timeout < l.operation_timeout);
        assert_eq!(
            AwsSettings { max_attempts: Some(0), ..Default::default() }.limits().max_attempts,
            1
        );
    }

    #[test]
    fn endpoint_named_in_errors_follows_the_settings() {
        let sm = Service::SageMaker;
        assert_eq!(
            effective_endpoint(
                sm,
                Some("http://127.0.0.1:5000"),
                Some("http://other"),
                "us-east-1"
            ),
            "http://127.0.0.1:5000"
        );
        assert_eq!(
            effective_endpoint(sm, None, None, "eu-west-1"),
            "https://api.sagemaker.eu-west-1.amazonaws.com"
        );
        assert_eq!(effective_endpoint(sm, None, Some("http://env"), "eu-west-1"), "http://env");
        assert_eq!(
            effective_endpoint(Service::S3, None, None, "cn-north-1"),
            "https://s3.cn-north-1.amazonaws.com.cn"
        );
    }

    /// The endpoint the environment names is the one the SDK clients use:
    /// `AWS_ENDPOINT_URL_<SERVICE>` before `AWS_ENDPOINT_URL`, each service its own.
    #[test]
    fn environment_endpoints_are_per_service() {
        use aws_types::os_shim_internal::Env;
        use aws_types::service_config::{LoadServiceConfig, ServiceConfigKey};
        #[derive(Debug)]
        struct Vars(Env);
        impl LoadServiceConfig for Vars {
            fn load_config(&self, key: ServiceConfigKey<'_>) -> Option<String> {
                let name = format!("{}_{}", key.env(), key.service_id().to_ascii_uppercase());
                self.0.get(&name).ok()
            }
        }
        let shared = |vars: &[(&str, &str)], general: Option<&str>| {
            let mut b = aws_types::SdkConfig::builder().service_config(Vars(Env::from_slice(vars)));
            if let Some(g) = general {
                b = b.endpoint_url(g);
            }
            b.build()
        };
        let c = shared(&[("AWS_ENDPOINT_URL_S3", "http://s3.local")], Some("http://all"));
        assert_eq!(environment_endpoint(&c, Service::S3).as_deref(), Some("http://s3.local"));
        assert_eq!(environment_endpoint(&c, Service::SageMaker).as_deref(), Some("http://all"));
        let c = shared(&[("AWS_ENDPOINT_URL_SAGEMAKER", "http://sm")], None);
        assert_eq!(environment_endpoint(&c, Service::SageMaker).as_deref(), Some("http://sm"));
        assert_eq!(environment_endpoint(&c, Service::S3), None);
    }

    #[test]
    fn error_text_names_operation_pipeline_endpoint_region_code_and_message() {
        let e = AwsError {
            service: Service::SageMaker,
            operation: "CreatePipeline",
            pipeline: "churn".into(),
            endpoint: "https://api.sagemaker.us-east-1.amazonaws.com".into(),
            region: "us-east-1".into(),
            kind: ErrorKind::Rejected,
            code: Some("ResourceLimitExceeded".into()),
            message: "The account-level service limit was exceeded.".into(),
            request_id: Some("abc-123".into()),
            limits: AwsSettings::default().limits(),
            last_refusal: None,
            no_effect: false,
        };
        assert_eq!(
            e.to_string(),
            "CreatePipeline failed: ResourceLimitExceeded: The account-level service limit was exceeded. for SageMaker Pipeline \"churn\" (endpoint https://api.sagemaker.us-east-1.amazonaws.com, region us-east-1, request id abc-123)"
        );
    }

    type DescribeErr = SdkError<
        aws_sdk_sagemaker::operation::describe_pipeline::DescribePipelineError,
        HttpResponse,
    >;

    /// Fresh-eyes finding: credentials that could not be loaded (no profile, IMDS unreachable, a
    /// refused AssumeRole) read as "no answer from the endpoint", and a create then said that
    /// whether the pipeline was created is not known, though nothing had been sent.
    #[test]
    fn credentials_that_cannot_be_loaded_are_not_a_network_failure() {
        let cause = aws_credential_types::provider::error::CredentialsError::provider_error(
            "failed to load IMDS session token",
        );
        let e: DescribeErr = SdkError::dispatch_failure(
            aws_sdk_sagemaker::error::ConnectorError::other(Box::new(cause), None),
        );
        let f = classify(&e);
        assert_eq!(f.kind, ErrorKind::Setup);
        assert!(!f.kind.outcome_unknown());
        assert_eq!(
            f.message,
            "no usable credentials (an error occurred while loading credentials: failed to load IMDS session token)"
        );
    }

    /// Issue 6: a connection failure printed `DispatchFailure(DispatchFailure { source: ...`.
    #[test]
    fn a_refused_connection_reads_as_plain_words() {
        let io = std::io::Error::new(
            std::io::ErrorKind::ConnectionRefused,
            "Connection refused (os error 111)",
        );
        let e: DescribeErr =
            SdkError::dispatch_failure(aws_sdk_sagemaker::error::ConnectorError::io(Box::new(io)));
        let f = classify(&e);
        assert_eq!(f.kind, ErrorKind::Connection);
        assert_eq!(
            f.message,
            "could not connect to the endpoint (Connection refused (os error 111))"
        );
        assert!(!f.message.contains("DispatchFailure") && !f.message.contains("ConnectorError"));
    }

    #[test]
    fn a_timeout_says_which_timeout() {
        let e: DescribeErr = SdkError::timeout_error(
            "operation timeout (all attempts including retries) occurred after 5s",
        );
        let f = classify(&e);
        assert_eq!(f.kind, ErrorKind::Timeout);
        assert_eq!(f.message, "no answer in time (operation timeout (all attempts including retries) occurred after 5s)");
    }

    #[test]
    fn a_service_error_keeps_the_services_code_and_message() {
        use aws_sdk_sagemaker::operation::describe_pipeline::DescribePipelineError;
        use aws_smithy_types::body::SdkBody;
        let meta = aws_sdk_sagemaker::error::ErrorMetadata::builder()
            .code("ThrottlingException")
            .message("Rate exceeded")
            .build();
        let raw = HttpResponse::new(400.try_into().expect("status"), SdkBody::empty());
        let e: DescribeErr = SdkError::service_error(DescribePipelineError::generic(meta), raw);
        let f = classify(&e);
        assert_eq!(
            (f.kind, f.code.as_deref(), f.message.as_str()),
            (ErrorKind::Throttled, Some("ThrottlingException"), "Rate exceeded")
        );
        let raw = HttpResponse::new(503.try_into().expect("status"), SdkBody::empty());
        let e: DescribeErr = SdkError::service_error(
            DescribePipelineError::generic(
                aws_sdk_sagemaker::error::ErrorMetadata::builder().build(),
            ),
            raw,
        );
        let f = classify(&e);
        assert_eq!(
            (f.kind, f.code, f.message.as_str()),
            (ErrorKind::ServerError, None, "HTTP 503 with no error code")
        );
    }
}
