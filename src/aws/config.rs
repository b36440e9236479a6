//! Loading the AWS configuration every client is built from: [`load`] turns [`AwsSettings`]
//! into one `aws_config::SdkConfig` (region, credentials, retries, timeouts, HTTP client), and
//! [`sts_client`] is the STS client for AssumeRole, AssumeRoleWithWebIdentity and
//! GetCallerIdentity. The SageMaker client (and any other service's) is built from that one
//! `SdkConfig`, so every service uses the same credentials, proxy and CA bundle.
//!
//! Credentials, in the AWS provider's order:
//! 1. base credentials: the provider block's `access_key`/`secret_key`/`token`; else the
//!    block's `profile` (from the shared credentials and config files: keys, SSO,
//!    `credential_process`, `role_arn` chains), which the environment's keys do not override
//!    and which must exist ([`check_profile`]: a missing named profile is an error, not a fall
//!    back to other credentials);
//!    else the standard chain (environment, shared credentials and config files, from the
//!    block's `shared_credentials_files`/`shared_config_files` when set, SSO, container and
//!    instance roles);
//! 2. `assume_role_with_web_identity`, when set, replaces the base credentials with the role it
//!    assumes (AssumeRoleWithWebIdentity needs no credentials of its own); so does
//!    `AWS_ROLE_ARN` with `AWS_WEB_IDENTITY_TOKEN_FILE` when nothing else names credentials (no
//!    keys, no profile: the AWS provider's order), so that `endpoints.sts` applies to it;
//! 3. `assume_role`, when set, assumes its role with the credentials of 1-2 and the session is
//!    what every call uses.
//!
//! Assumed sessions are fetched on first use and refreshed before they expire by the SDK's
//! identity cache. The STS calls go to `endpoints.sts`, else `AWS_ENDPOINT_URL_STS`, else the
//! regional STS endpoint. Both role providers are ours (on `aws-sdk-sts`) rather than
//! `aws_config::sts::AssumeRoleProvider` / `WebIdentityTokenCredentialsProvider`, which have no
//! transitive tag keys, source identity, inline web identity token or web identity duration.
//!
//! The role providers' STS calls are logged at DEBUG like every other AWS call.
//!
//! Must not log or print a credential: secrets are [`Secret`]s, whose `Debug` prints nothing.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime};

use aws_config::SdkConfig;
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{future, ProvideCredentials, SharedCredentialsProvider};
use aws_credential_types::Credentials;
use aws_runtime::env_config::file::{EnvConfigFileKind, EnvConfigFiles};
use aws_sdk_sts::config::SharedAsyncSleep;
use aws_smithy_http_client::proxy::ProxyConfig;
use aws_smithy_http_client::tls::{self, TlsContext, TrustStore};
use aws_smithy_http_client::Connector;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use rustls_pki_types::CertificateDer;

use super::{AwsSettings, CONNECT_TIMEOUT};

/// A credential or token: compared and cloned like a string, never printed.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }
    /// The value, for the one place that hands it to the SDK.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(redacted)")
    }
}

/// The provider block's `assume_role`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AssumeRole {
    pub role_arn: String,
    pub session_name: Option<String>,
    pub external_id: Option<String>,
    pub duration: Option<Duration>,
    pub policy: Option<String>,
    pub policy_arns: Vec<String>,
    pub tags: BTreeMap<String, String>,
    pub transitive_tag_keys: Vec<String>,
    pub source_identity: Option<String>,
}

/// Where a web identity token comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum WebToken {
    Inline(Secret),
    /// Read again for every AssumeRoleWithWebIdentity (such files are rotated).
    File(String),
}

/// The provider block's `assume_role_with_web_identity`, environment fallbacks resolved.
#[derive(Clone, Debug, PartialEq)]
pub struct WebIdentity {
    pub role_arn: String,
    pub session_name: Option<String>,
    pub token: WebToken,
    pub duration: Option<Duration>,
    pub policy: Option<String>,
    pub policy_arns: Vec<String>,
}

/// The SDK's retry modes; the provider's default is adaptive (throttling slows the client).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RetryMode {
    Standard,
    #[default]
    Adaptive,
}

impl RetryMode {
    pub fn parse(text: &str) -> Option<RetryMode> {
        match text {
            "standard" => Some(RetryMode::Standard),
            "adaptive" => Some(RetryMode::Adaptive),
            _ => None,
        }
    }
}

/// Proxies for the AWS API, environment fallbacks resolved.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Proxies {
    /// For `http://` endpoints.
    pub http: Option<String>,
    /// For `https://` endpoints (every AWS endpoint).
    pub https: Option<String>,
    /// Comma-separated hosts, domains (`.example.com`), IPs and CIDR blocks that bypass them.
    pub no_proxy: Option<String>,
}

impl Proxies {
    pub fn is_empty(&self) -> bool {
        self.http.is_none() && self.https.is_none()
    }
}

/// `~/x` as `$HOME/x`, as the docs promise for every path setting (the SDK expands `~` only in
/// its default file paths, so `shared_config_files = ["~/.aws/other"]` was read literally).
pub fn expand_home(path: String, env: &dyn Fn(&str) -> Option<String>) -> String {
    match (path.strip_prefix("~/"), env("HOME").filter(|h| !h.is_empty())) {
        (Some(rest), Some(home)) => format!("{}/{rest}", home.trim_end_matches('/')),
        _ => path,
    }
}

/// A value from the provider block, else from the first environment variable set (non-empty).
pub fn block_or_env(
    block: Option<String>,
    env: &dyn Fn(&str) -> Option<String>,
    names: &[&str],
) -> Option<String> {
    block.or_else(|| names.iter().find_map(|n| env(n).filter(|v| !v.is_empty())))
}

/// The proxies the provider uses: each of `http_proxy`, `https_proxy`, `no_proxy` from the
/// block, else from `HTTP_PROXY`/`http_proxy`, `HTTPS_PROXY`/`https_proxy`,
/// `NO_PROXY`/`no_proxy`; `ALL_PROXY`/`all_proxy` is the last fallback of both schemes (as in
/// the AWS SDK's own client, which honours it).
pub fn resolve_proxies(block: Proxies, env: &dyn Fn(&str) -> Option<String>) -> Proxies {
    Proxies {
        http: block_or_env(
            block.http,
            env,
            &["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"],
        ),
        https: block_or_env(
            block.https,
            env,
            &["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"],
        ),
        no_proxy: block_or_env(block.no_proxy, env, &["NO_PROXY", "no_proxy"]),
    }
}

/// The retry mode: the block's `retry_mode`, else `AWS_RETRY_MODE` when it names a mode, else
/// adaptive.
pub fn resolve_retry_mode(
    block: Option<RetryMode>,
    env: &dyn Fn(&str) -> Option<String>,
) -> RetryMode {
    block
        .or_else(|| env("AWS_RETRY_MODE").and_then(|m| RetryMode::parse(m.trim())))
        .unwrap_or(RetryMode::Adaptive)
}

/// Checks that a PEM CA bundle can be read and that every certificate in it can be a trust
/// anchor (the SDK's TLS layer would panic on one that cannot). The error says what is wrong,
/// in words. The file is read as a stream, one certificate at a time, and nothing is kept: the
/// HTTP client reads it again (and checks what it read) when it builds its TLS layer.
pub fn check_ca_bundle(path: &str) -> Result<(), String> {
    use rustls_pki_types::pem::PemObject;
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read {path:?}: {e}"))?;
    check_certificates(path, CertificateDer::pem_reader_iter(file))
}

/// The PEM text of a CA bundle, read once and checked as [`check_ca_bundle`] says: these bytes
/// are what the TLS layer gets.
fn read_ca_bundle(path: &str) -> Result<Vec<u8>, String> {
    use rustls_pki_types::pem::PemObject;
    let pem = std::fs::read(path).map_err(|e| format!("cannot read {path:?}: {e}"))?;
    check_certificates(path, CertificateDer::pem_slice_iter(&pem))?;
    Ok(pem)
}

fn check_certificates<'a>(
    path: &str,
    certs: impl Iterator<Item = Result<CertificateDer<'a>, rustls_pki_types::pem::Error>>,
) -> Result<(), String> {
    let mut count = 0;
    for cert in certs {
        let cert = cert.map_err(|e| match e {
            rustls_pki_types::pem::Error::Io(e) => format!("cannot read {path:?}: {e}"),
            e => format!("{path:?} is not a valid PEM file ({e})"),
        })?;
        count += 1;
        rustls::RootCertStore::empty()
            .add(cert)
            .map_err(|e| format!("certificate {count} in {path:?} cannot be used ({e})"))?;
    }
    if count == 0 {
        return Err(format!("{path:?} holds no PEM certificate (-----BEGIN CERTIFICATE-----)"));
    }
    Ok(())
}

/// The AWS configuration for `s`: every client of the provider is built from it.
pub async fn load(s: &AwsSettings) -> SdkConfig {
    let limits = s.limits();
    let retry = match s.retry_mode {
        RetryMode::Standard => aws_config::retry::RetryConfig::standard(),
        RetryMode::Adaptive => aws_config::retry::RetryConfig::adaptive(),
    };
    let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .retry_config(retry.with_max_attempts(limits.max_attempts))
        .timeout_config(
            aws_config::timeout::TimeoutConfig::builder()
                .connect_timeout(CONNECT_TIMEOUT.min(limits.call_timeout))
                .operation_attempt_timeout(limits.call_timeout)
                .operation_timeout(limits.operation_timeout)
                .build(),
        );
    // The region every call is signed for, once known: the HTTP client logs the credential
    // providers' own calls with it.
    let region = Arc::new(OnceLock::new());
    loader = loader.http_client(http_client(s.ca_bundle.clone(), s.proxies.clone(), &region));
    if let Some(r) = &s.region {
        loader = loader.region(aws_config::Region::new(r.clone()));
    }
    if let Some(p) = &s.profile {
        loader = loader.profile_name(p);
    }
    if s.shared_config_files.is_some() || s.shared_credentials_files.is_some() {
        loader = loader.profile_files(profile_files(
            s.shared_config_files.as_deref(),
            s.shared_credentials_files.as_deref(),
        ));
    }
    if let (Some(ak), Some(sk)) = (&s.access_key, &s.secret_key) {
        loader = loader.credentials_provider(Credentials::new(
            ak.expose(),
            sk.expose(),
            s.token.as_ref().map(|t| t.expose().to_string()),
            None,
            "provider block",
        ));
    }
    let base = loader.load().await;
    let _ = region.set(base.region().map(|r| r.to_string()).unwrap_or_default());
    let mut credentials = base.credentials_provider();
    // The block's `profile` is a choice made in the configuration, as its keys are: it wins
    // over the environment's keys (multi-account finding: with AWS_ACCESS_KEY_ID set, as in
    // CI, a provider alias with profile = "prod" silently deployed with the CI keys'
    // account). The standard chain reads the environment first, so the profile's own provider
    // (its keys, SSO, credential_process, role_arn chain) goes before it. Only `default`
    // without credentials (or without shared files: CI with keys in the environment and
    // `profile = "default"`) falls through to the standard chain; any other named profile that
    // no file defines, or that holds no credentials, never gets here: configure rejects it
    // ([`check_profile`]).
    if let (None, Some(p), Some(chain)) = (&s.access_key, &s.profile, credentials.clone()) {
        let pc = aws_config::provider_config::ProviderConfig::default()
            .with_http_client(http_client(s.ca_bundle.clone(), s.proxies.clone(), &region))
            .with_region(base.region().cloned());
        let mut b = aws_config::profile::ProfileFileCredentialsProvider::builder()
            .configure(&pc)
            .profile_name(p);
        if s.shared_config_files.is_some() || s.shared_credentials_files.is_some() {
            b = b.profile_files(profile_files(
                s.shared_config_files.as_deref(),
                s.shared_credentials_files.as_deref(),
            ));
        }
        credentials = Some(SharedCredentialsProvider::new(
            aws_config::meta::credentials::CredentialsProviderChain::first_try(
                "profile",
                b.build(),
            )
            .or_else("the standard chain", chain),
        ));
    }
    if let Some(w) = &s.web_identity {
        let sts = sts_client(&base, s.sts_endpoint.as_deref());
        let at = StsTarget::of(&base, s.sts_endpoint.as_deref());
        credentials =
            Some(SharedCredentialsProvider::new(WebIdentityProvider { sts, at, role: w.clone() }));
    }
    if let Some(r) = &s.assume_role {
        let mut with_base = base.to_builder();
        with_base.set_credentials_provider(credentials);
        let with_base = with_base.build();
        let sts = sts_client(&with_base, s.sts_endpoint.as_deref());
        let at = StsTarget::of(&with_base, s.sts_endpoint.as_deref());
        credentials =
            Some(SharedCredentialsProvider::new(AssumeRoleProvider { sts, at, role: r.clone() }));
    }
    let mut out = base.into_builder();
    out.set_credentials_provider(credentials);
    out.build()
}

/// A profile named in the configuration (the block's `profile`, else `AWS_PROFILE`) that is
/// not in the shared files the provider reads.
#[derive(Debug, PartialEq)]
pub enum ProfileProblem {
    /// No such profile. `files` are the files read, each with whether it exists; `profiles`
    /// the profiles they define, sorted.
    Missing { files: Vec<(String, bool)>, profiles: Vec<String> },
    /// The files could not be read or parsed; the SDK's words.
    Unreadable(String),
    /// The profile is defined but names no credentials (no keys, role, SSO, process or web
    /// identity): the standard chain would take whatever the environment holds instead.
    NoCredentials,
}

/// Profile keys that give credentials, one of which a named profile must have.
const CREDENTIAL_KEYS: [&str; 9] = [
    "aws_access_key_id",
    "login_session",
    "role_arn",
    "credential_process",
    "sso_session",
    "sso_start_url",
    "sso_account_id",
    "web_identity_token_file",
    "credential_source",
];

/// Checks that the profile `name` is defined in the shared config or credentials files the
/// provider reads (`config`/`credentials`: the block's lists, else the defaults), with
/// credentials of its own. A named profile that is missing, or holds only settings such as a
/// region, is a mistake, not a reason to fall back to other credentials: the standard chain
/// would otherwise deploy with whatever the environment holds, into another account. `default`
/// is exempt: it is what the SDK reads when nothing is named (CI sets `profile = "default"`
/// with its keys in the environment).
pub async fn check_profile(
    name: &str,
    config: Option<&[String]>,
    credentials: Option<&[String]>,
    env: &(dyn Fn(&str) -> Option<String> + Sync),
) -> Result<(), ProfileProblem> {
    use aws_types::os_shim_internal::{Env, Fs};
    if name == "default" {
        return Ok(());
    }
    let files = profile_files(config, credentials);
    let set = aws_config::profile::load(
        &Fs::real(),
        &Env::real(),
        &files,
        Some(std::borrow::Cow::Owned(name.to_string())),
    )
    .await
    .map_err(|e| ProfileProblem::Unreadable(e.to_string()))?;
    if let Some(profile) = set.get_profile(name) {
        return if CREDENTIAL_KEYS.iter().any(|k| profile.get(k).is_some()) {
            Ok(())
        } else {
            Err(ProfileProblem::NoCredentials)
        };
    }
    let exists = |path: &str| std::path::Path::new(&expand_home(path.to_string(), env)).is_file();
    let named = |list: Option<&[String]>, variable: &str, default: &str| match list {
        Some(list) => list.to_vec(),
        None => vec![env(variable).filter(|v| !v.is_empty()).unwrap_or_else(|| default.into())],
    };
    let mut paths = named(config, "AWS_CONFIG_FILE", "~/.aws/config");
    paths.extend(named(credentials, "AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials"));
    let mut profiles: Vec<String> = set.profiles().map(str::to_string).collect();
    profiles.sort();
    Err(ProfileProblem::Missing {
        files: paths
            .into_iter()
            .map(|p| {
                let found = exists(&p);
                (p, found)
            })
            .collect(),
        profiles,
    })
}

/// Shared config/credentials files: the block's lists replace the default files
/// (`AWS_CONFIG_FILE` or `~/.aws/config`, `AWS_SHARED_CREDENTIALS_FILE` or
/// `~/.aws/credentials`) of their kind.
fn profile_files(config: Option<&[String]>, credentials: Option<&[String]>) -> EnvConfigFiles {
    let mut b = EnvConfigFiles::builder()
        .include_default_config_file(config.is_none())
        .include_default_credentials_file(credentials.is_none());
    for f in config.unwrap_or_default() {
        b = b.with_file(EnvConfigFileKind::Config, f);
    }
    for f in credentials.unwrap_or_default() {
        b = b.with_file(EnvConfigFileKind::Credentials, f);
    }
    b.build()
}

/// An STS client on `config` (its credentials sign AssumeRole and GetCallerIdentity), sending
/// to `endpoint` when given (else `AWS_ENDPOINT_URL_STS` / `AWS_ENDPOINT_URL`, else regional).
pub fn sts_client(config: &SdkConfig, endpoint: Option<&str>) -> aws_sdk_sts::Client {
    let mut b = aws_sdk_sts::config::Builder::from(config)
        .interceptor(super::AttemptLog)
        .retry_classifier(super::OperationMissing);
    if let Some(ep) = endpoint {
        b = b.endpoint_url(ep);
    }
    aws_sdk_sts::Client::from_conf(b.build())
}

/// The endpoint an STS client sends to, for messages: the block's, else the environment's,
/// else the regional one.
pub fn sts_endpoint(configured: Option<&str>, shared: Option<&str>, region: &str) -> String {
    let env = std::env::var("AWS_ENDPOINT_URL_STS").ok().filter(|e| !e.is_empty());
    match (configured, env, shared) {
        (Some(ep), _, _) => ep.to_string(),
        (None, Some(ep), _) => ep,
        (None, None, Some(ep)) => ep.to_string(),
        (None, None, None) if region.is_empty() => {
            "(no region, so no default endpoint)".to_string()
        }
        (None, None, None) if region.starts_with("cn-") => {
            format!("https://sts.{region}.amazonaws.com.cn")
        }
        (None, None, None) => format!("https://sts.{region}.amazonaws.com"),
    }
}

/// A role session name when the block gives none: `terraform-provider-sagemaker-<unix ms>`.
fn default_session_name() -> String {
    let ms = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default();
    format!("terraform-provider-sagemaker-{}", ms.as_millis())
}

fn session_credentials(
    creds: Option<&aws_sdk_sts::types::Credentials>,
    provider: &'static str,
) -> Result<Credentials, CredentialsError> {
    let c = creds.ok_or_else(|| {
        CredentialsError::unhandled(format!("{provider}: STS answered without credentials"))
    })?;
    let expiry = SystemTime::try_from(*c.expiration()).ok();
    Ok(Credentials::new(
        c.access_key_id(),
        c.secret_access_key(),
        Some(c.session_token().to_string()),
        expiry,
        provider,
    ))
}

/// The words of an STS failure (service code and message, or what went wrong on the way).
fn sts_failure<E>(
    what: &str,
    role: &str,
    e: &aws_sdk_sts::error::SdkError<E, aws_smithy_runtime_api::client::orchestrator::HttpResponse>,
) -> CredentialsError
where
    E: aws_sdk_sts::error::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let f = super::classify(e);
    let code = f.code.map(|c| format!("{c}: ")).unwrap_or_default();
    let id = f.request_id.map(|id| format!(" (request id {id})")).unwrap_or_default();
    CredentialsError::provider_error(format!("{what} for {role} failed: {code}{}{id}", f.message))
}

/// Where a role provider's STS calls go, for their log lines.
#[derive(Debug)]
struct StsTarget {
    endpoint: String,
    region: String,
}

impl StsTarget {
    fn of(config: &SdkConfig, configured: Option<&str>) -> Self {
        let region = config.region().map(|r| r.to_string()).unwrap_or_default();
        StsTarget { endpoint: sts_endpoint(configured, config.endpoint_url(), &region), region }
    }
}

/// One STS call of a role provider, logged at DEBUG as every other AWS call is (operation, role,
/// endpoint, region, request id, duration, outcome; its attempts by the STS client's
/// [`super::AttemptLog`]). It runs in an attempt trace of its own: it happens inside another
/// call's credential resolution, and its attempts are not that call's.
async fn sts_call<T, E>(
    operation: &str,
    role: &str,
    at: &StsTarget,
    fut: impl std::future::Future<
        Output = Result<
            T,
            aws_sdk_sts::error::SdkError<
                E,
                aws_smithy_runtime_api::client::orchestrator::HttpResponse,
            >,
        >,
    >,
) -> Result<T, CredentialsError>
where
    T: aws_types::request_id::RequestId,
    E: aws_sdk_sts::error::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let started = std::time::Instant::now();
    let result = super::TRACE.scope(Default::default(), fut).await;
    let ms = started.elapsed().as_millis().to_string();
    let (request_id, outcome) = match &result {
        Ok(out) => (out.request_id().unwrap_or("-").to_string(), "ok".to_string()),
        Err(e) => {
            let f = super::classify(e);
            (
                f.request_id.unwrap_or_else(|| "-".into()),
                f.code.unwrap_or_else(|| format!("{:?}", f.kind)),
            )
        }
    };
    crate::logging::debug(
        "AWS call",
        &[
            ("operation", operation),
            ("role_arn", role),
            ("endpoint", &at.endpoint),
            ("region", &at.region),
            ("request_id", &request_id),
            ("duration_ms", &ms),
            ("outcome", &outcome),
        ],
    );
    result.map_err(|e| sts_failure(operation, role, &e))
}

/// `assume_role`: AssumeRole with the base credentials.
#[derive(Debug)]
struct AssumeRoleProvider {
    sts: aws_sdk_sts::Client,
    at: StsTarget,
    role: AssumeRole,
}

impl AssumeRoleProvider {
    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let r = &self.role;
        let tags: Vec<aws_sdk_sts::types::Tag> = r
            .tags
            .iter()
            .filter_map(|(k, v)| aws_sdk_sts::types::Tag::builder().key(k).value(v).build().ok())
            .collect();
        let req = self
            .sts
            .assume_role()
            .role_arn(&r.role_arn)
            .role_session_name(r.session_name.clone().unwrap_or_else(default_session_name))
            .set_external_id(r.external_id.clone())
            .set_duration_seconds(r.duration.map(|d| d.as_secs() as i32))
            .set_policy(r.policy.clone())
            .set_policy_arns(policy_arns(&r.policy_arns))
            .set_tags(if tags.is_empty() { None } else { Some(tags) })
            .set_transitive_tag_keys(if r.transitive_tag_keys.is_empty() {
                None
            } else {
                Some(r.transitive_tag_keys.clone())
            })
            .set_source_identity(r.source_identity.clone());
        let out = sts_call("AssumeRole", &r.role_arn, &self.at, req.send()).await?;
        session_credentials(out.credentials(), "assume_role")
    }
}

impl ProvideCredentials for AssumeRoleProvider {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(self.fetch())
    }
}

/// `assume_role_with_web_identity`: AssumeRoleWithWebIdentity (unsigned) with the token.
#[derive(Debug)]
struct WebIdentityProvider {
    sts: aws_sdk_sts::Client,
    at: StsTarget,
    role: WebIdentity,
}

impl WebIdentityProvider {
    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let r = &self.role;
        let token = match &r.token {
            WebToken::Inline(t) => t.expose().to_string(),
            WebToken::File(path) => std::fs::read_to_string(path)
                .map_err(|e| {
                    CredentialsError::invalid_configuration(format!(
                        "cannot read the web identity token file {path:?}: {e}"
                    ))
                })?
                .trim()
                .to_string(),
        };
        let req = self
            .sts
            .assume_role_with_web_identity()
            .role_arn(&r.role_arn)
            .role_session_name(r.session_name.clone().unwrap_or_else(default_session_name))
            .web_identity_token(token)
            .set_duration_seconds(r.duration.map(|d| d.as_secs() as i32))
            .set_policy(r.policy.clone())
            .set_policy_arns(policy_arns(&r.policy_arns));
        let out = sts_call("AssumeRoleWithWebIdentity", &r.role_arn, &self.at, req.send()).await?;
        session_credentials(out.credentials(), "assume_role_with_web_identity")
    }
}

impl ProvideCredentials for WebIdentityProvider {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(self.fetch())
    }
}

fn policy_arns(arns: &[String]) -> Option<Vec<aws_sdk_sts::types::PolicyDescriptorType>> {
    (!arns.is_empty()).then(|| {
        arns.iter()
            .map(|a| aws_sdk_sts::types::PolicyDescriptorType::builder().arn(a).build())
            .collect()
    })
}

/// The HTTP client of every AWS call: the SDK's hyper/rustls connector, with the trust store of
/// the CA bundle when one is set (else the system's roots), and for each URL scheme the proxy
/// configured for it.
///
/// Each scheme's connector is built on its first request, and the `http://` one has no TLS
/// layer (unless its proxy is itself `https://`): a rustls configuration means parsing every
/// trusted root (a system bundle holds ~150, some 0.5 MiB of heap while it is built), and a
/// provider process that only talks to `http://` endpoints, or only to `https://` ones, should
/// not pay for the other.
fn http_client(
    ca_bundle: Option<String>,
    proxies: Proxies,
    region: &Arc<OnceLock<String>>,
) -> SharedHttpClient {
    SharedHttpClient::new(ProxiedClient {
        ca_bundle,
        proxies,
        connectors: Arc::new(Mutex::new(Vec::new())),
        region: region.clone(),
    })
}

#[derive(Debug)]
struct ProxiedClient {
    /// The CA bundle's path.
    ca_bundle: Option<String>,
    proxies: Proxies,
    /// One connector per distinct connector settings (the SDK asks for one per attempt; a
    /// connector owns a connection pool, so it is built once).
    connectors: Arc<Mutex<Vec<(String, SharedHttpConnector)>>>,
    /// The configuration's region, set once it is loaded.
    region: Arc<OnceLock<String>>,
}

/// What building one scheme's connector needs, kept until that scheme's first request. Only
/// the sleep of the runtime components is kept: the components hold the HTTP client, which
/// holds this.
#[derive(Debug)]
struct ConnectorRecipe {
    ca_bundle: Option<String>,
    proxies: Proxies,
    settings: HttpConnectorSettings,
    sleep: Option<SharedAsyncSleep>,
}

impl ConnectorRecipe {
    /// The connector for one scheme. Fails only when the CA bundle, checked at configure, can
    /// no longer be read or parsed: the error names the file, and nothing is cached, so a later
    /// call tries again.
    fn build(&self, https: bool) -> Result<Connector, String> {
        let proxy = if https { &self.proxies.https } else { &self.proxies.http };
        let proxy = self.proxy(proxy, https);
        let mut b = Connector::builder().connector_settings(self.settings.clone());
        if let Some(sleep) = &self.sleep {
            b = b.sleep_impl(sleep.clone());
        }
        if let Some(p) = proxy {
            b = b.proxy_config(p);
        }
        let proxy_is_https = |p: &Option<String>| {
            p.as_deref()
                .is_some_and(|u| u.get(..8).is_some_and(|s| s.eq_ignore_ascii_case("https://")))
        };
        if !https && !proxy_is_https(&self.proxies.http) {
            // Plain HTTP to the endpoint and to any proxy: no TLS configuration to build.
            // (`build_http` is public but hidden in aws-smithy-http-client; Cargo.lock pins the
            // version it was checked against, and acceptance_settings' proxy test goes through
            // it.)
            return Ok(b.build_http());
        }
        let trust = match &self.ca_bundle {
            // Like AWS_CA_BUNDLE in the AWS CLI and SDKs: the bundle replaces the system roots.
            Some(path) => TrustStore::empty().with_pem_certificate(read_ca_bundle(path)?),
            None => TrustStore::default(),
        };
        Ok(b.tls_provider(tls::Provider::Rustls(tls::rustls_provider::CryptoMode::AwsLc))
            .tls_context(TlsContext::builder().with_trust_store(trust).build().unwrap_or_default())
            .build())
    }

    fn proxy(&self, url: &Option<String>, https: bool) -> Option<ProxyConfig> {
        let url = url.as_deref()?;
        let p = if https { ProxyConfig::https(url) } else { ProxyConfig::http(url) };
        // The provider validated the URLs; one that still fails means no proxy for that scheme.
        let p = p.ok()?;
        Some(match &self.proxies.no_proxy {
            Some(rules) => p.no_proxy(rules),
            None => p,
        })
    }
}

impl HttpClient for ProxiedClient {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        let key = format!("{settings:?}");
        let mut cache = self.connectors.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((_, c)) = cache.iter().find(|(k, _)| *k == key) {
            return c.clone();
        }
        let c = SharedHttpConnector::new(BySchemeConnector {
            recipe: ConnectorRecipe {
                ca_bundle: self.ca_bundle.clone(),
                proxies: self.proxies.clone(),
                settings: settings.clone(),
                sleep: components.sleep_impl(),
            },
            http: OnceLock::new(),
            https: OnceLock::new(),
            region: self.region.clone(),
        });
        cache.push((key, c.clone()));
        c
    }
}

/// Sends `http://` requests through one connector and `https://` ones through the other, so
/// `http_proxy` and `https_proxy` can differ; each is built on its scheme's first request.
///
/// It also logs at DEBUG, as "AWS call", every request that no [`super::AttemptLog`] logs: the
/// calls the SDK's own credential providers make while resolving credentials (a profile's
/// `role_arn` chain, SSO, a web identity profile, container or instance credentials). Only the
/// operation (the `X-Amz-Target` header, the query protocol's `Action`, else the method and
/// path without its query), the endpoint's scheme and host, the status and the request id are
/// read (the query protocol's `Action` from the form body): no header that carries a
/// credential, no query string.
#[derive(Debug)]
struct BySchemeConnector {
    recipe: ConnectorRecipe,
    http: OnceLock<SharedHttpConnector>,
    https: OnceLock<SharedHttpConnector>,
    region: Arc<OnceLock<String>>,
}

/// What names a request in the log of a credential provider's call.
fn unlogged_call(request: &HttpRequest) -> (String, String) {
    let uri = request.uri();
    let (scheme, rest) = uri.split_once("://").unwrap_or(("https", uri));
    let host = rest.split(['/', '?']).next().unwrap_or_default();
    // No user info (a proxy-style URL with a password) in the log.
    let host = host.rsplit('@').next().unwrap_or(host);
    let path = rest[rest.find('/').unwrap_or(rest.len())..].split('?').next().unwrap_or("/");
    let target = request.headers().get("x-amz-target").map(|t| t.rsplit('.').next().unwrap_or(t));
    let action = || {
        let body = std::str::from_utf8(request.body().bytes()?).ok()?;
        body.split('&').find_map(|kv| kv.strip_prefix("Action=")).map(str::to_string)
    };
    let operation = match target {
        Some(t) => t.to_string(),
        None => action().unwrap_or_else(|| {
            format!("{} {}", request.method(), if path.is_empty() { "/" } else { path })
        }),
    };
    (operation, format!("{scheme}://{host}"))
}

impl HttpConnector for BySchemeConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let logged = super::TRACE
            .try_with(|t| std::mem::take(&mut t.borrow_mut().transmitting))
            .unwrap_or(false);
        if logged || !crate::logging::enabled(crate::logging::Level::Debug) {
            return self.dispatch(request);
        }
        let (operation, endpoint) = unlogged_call(&request);
        let region = self.region.get().cloned().unwrap_or_default();
        let started = std::time::Instant::now();
        let answer = self.dispatch(request);
        HttpConnectorFuture::new(async move {
            let result = answer.await;
            let ms = started.elapsed().as_millis().to_string();
            let (status, request_id, failure) = match &result {
                Ok(r) => {
                    let id = r
                        .headers()
                        .get("x-amzn-requestid")
                        .or_else(|| r.headers().get("x-amz-request-id"))
                        .unwrap_or("-");
                    (r.status().as_u16().to_string(), id.to_string(), String::new())
                }
                Err(e) => ("no answer".to_string(), "-".to_string(), super::redact(&e.to_string())),
            };
            let mut fields = vec![
                ("operation", operation.as_str()),
                ("endpoint", endpoint.as_str()),
                ("region", if region.is_empty() { "-" } else { region.as_str() }),
                ("request_id", request_id.as_str()),
                ("duration_ms", ms.as_str()),
                ("status", status.as_str()),
                ("for", "credentials"),
            ];
            if !failure.is_empty() {
                fields.push(("failure", failure.as_str()));
            }
            crate::logging::debug("AWS call", &fields);
            result
        })
    }
}

impl BySchemeConnector {
    fn dispatch(&self, request: HttpRequest) -> HttpConnectorFuture {
        let https = !request.uri().starts_with("http://");
        let cell = if https { &self.https } else { &self.http };
        if let Some(c) = cell.get() {
            return c.call(request);
        }
        match self.recipe.build(https) {
            Ok(c) => cell.get_or_init(|| SharedHttpConnector::new(c)).call(request),
            Err(why) => HttpConnectorFuture::ready(Err(ConnectorError::user(
                format!("the CA bundle is no longer usable: {why}").into(),
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())
    }

    #[test]
    fn the_block_wins_over_the_environment_and_empty_variables_do_not_count() {
        let e = env(&[("HTTPS_PROXY", "http://env:3128"), ("http_proxy", ""), ("NO_PROXY", "x")]);
        let p = resolve_proxies(
            Proxies { http: Some("http://block:8080".into()), ..Default::default() },
            &e,
        );
        assert_eq!(
            p,
            Proxies {
                http: Some("http://block:8080".into()),
                https: Some("http://env:3128".into()),
                no_proxy: Some("x".into())
            }
        );
        let p = resolve_proxies(
            Proxies { https: Some("http://b:1".into()), no_proxy: Some("y".into()), http: None },
            &env(&[("http_proxy", "http://lower:1")]),
        );
        assert_eq!(p.https.as_deref(), Some("http://b:1"));
        assert_eq!(p.http.as_deref(), Some("http://lower:1"));
        assert_eq!(p.no_proxy.as_deref(), Some("y"));
        assert!(resolve_proxies(Proxies::default(), &env(&[])).is_empty());
        let all = resolve_proxies(
            Proxies::default(),
            &env(&[("all_proxy", "http://all:1"), ("HTTPS_PROXY", "http://s:2")]),
        );
        assert_eq!(all.http.as_deref(), Some("http://all:1"), "ALL_PROXY is the last fallback");
        assert_eq!(all.https.as_deref(), Some("http://s:2"), "HTTPS_PROXY wins over it");
    }

    /// The log of a credential provider's call names its operation and endpoint, never a query
    /// string or user info (credential-audit finding: profile role chains and SSO were not
    /// logged at all).
    #[test]
    fn credential_provider_calls_are_named_without_their_secrets() {
        let req = |uri: &str, body: &str, target: Option<&str>| {
            let mut r = HttpRequest::new(aws_smithy_types::body::SdkBody::from(body.to_string()));
            r.set_uri(uri).expect("uri");
            if let Some(t) = target {
                r.headers_mut().insert("x-amz-target", t.to_string());
            }
            r
        };
        let form = "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam";
        assert_eq!(
            unlogged_call(&req("https://sts.eu-west-1.amazonaws.com/", form, None)),
            ("AssumeRole".to_string(), "https://sts.eu-west-1.amazonaws.com".to_string())
        );
        let sso = "https://portal.sso.us-east-1.amazonaws.com/federation/credentials?role_name=r&account_id=1";
        assert_eq!(
            unlogged_call(&req(sso, "", None)),
            (
                "GET /federation/credentials".to_string(),
                "https://portal.sso.us-east-1.amazonaws.com".to_string()
            )
        );
        assert_eq!(
            unlogged_call(&req(
                "http://u:p@127.0.0.1:5000",
                "{}",
                Some("AWSSSOOIDCService.CreateToken")
            )),
            ("CreateToken".to_string(), "http://127.0.0.1:5000".to_string())
        );
    }

    #[test]
    fn retry_mode_is_block_then_aws_retry_mode_then_adaptive() {
        let standard = env(&[("AWS_RETRY_MODE", "standard")]);
        assert_eq!(resolve_retry_mode(None, &standard), RetryMode::Standard);
        assert_eq!(resolve_retry_mode(Some(RetryMode::Adaptive), &standard), RetryMode::Adaptive);
        assert_eq!(resolve_retry_mode(None, &env(&[])), RetryMode::Adaptive);
        // `legacy` is not a mode this provider offers: the default stands.
        assert_eq!(
            resolve_retry_mode(None, &env(&[("AWS_RETRY_MODE", "legacy")])),
            RetryMode::Adaptive
        );
    }

    #[test]
    fn secrets_never_print() {
        let s = Secret::new("wJalrXUtnFEMI/K7MDENG");
        assert!(!format!("{s:?}").contains("wJalr"));
        let w = WebIdentity {
            role_arn: "arn:aws:iam::123456789012:role/r".into(),
            session_name: None,
            token: WebToken::Inline(Secret::new("eyJhbGciOi")),
            duration: None,
            policy: None,
            policy_arns: vec![],
        };
        assert!(!format!("{w:?}").contains("eyJ"));
    }

    #[test]
    fn ca_bundles_are_checked_before_the_tls_layer_sees_them() {
        let dir = tempfile::tempdir().expect("tempdir");
        let missing = dir.path().join("missing.pem");
        let e = check_ca_bundle(missing.to_str().expect("utf-8")).expect_err("missing");
        assert!(e.starts_with("cannot read") && e.contains("missing.pem"), "{e}");
        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "not a certificate\n").expect("write");
        let e = check_ca_bundle(empty.to_str().expect("utf-8")).expect_err("empty");
        assert!(e.contains("no PEM certificate"), "{e}");
        let bad = dir.path().join("bad.pem");
        std::fs::write(&bad, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
            .expect("write");
        assert!(check_ca_bundle(bad.to_str().expect("utf-8")).is_err());
        let cert = rcgen::generate_simple_self_signed(vec!["localhost".into()]).expect("cert");
        let good = dir.path().join("good.pem");
        std::fs::write(&good, cert.cert.pem()).expect("write");
        assert!(check_ca_bundle(good.to_str().expect("utf-8")).is_ok());
        let e = check_ca_bundle(dir.path().to_str().expect("utf-8")).expect_err("a directory");
        assert!(e.starts_with("cannot read"), "{e}");
    }

    /// The CA bundle is the trust store of the HTTP client: an HTTPS endpoint whose certificate
    /// only the bundle vouches for answers GetCallerIdentity with it, and fails without it.
    #[tokio::test]
    async fn the_ca_bundle_is_what_https_trusts() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let cert = rcgen::generate_simple_self_signed(vec!["localhost".into()]).expect("cert");
        let pem = cert.cert.pem();
        let key = rustls_pki_types::PrivateKeyDer::Pkcs8(
            rustls_pki_types::PrivatePkcs8KeyDer::from(cert.signing_key.serialize_der()),
        );
        let server = rustls::ServerConfig::builder_with_provider(std::sync::Arc::new(
            rustls::crypto::aws_lc_rs::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(vec![cert.cert.der().clone()], key)
        .expect("server config");
        let acceptor = tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(server));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    let Ok(mut tls) = acceptor.accept(tcp).await else { return };
                    let mut buf = vec![0u8; 65536];
                    let _ = tls.read(&mut buf).await;
                    let body = "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/ca</Arn><UserId>AIDA</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></GetCallerIdentityResponse>";
                    let answer = format!("HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
                    let _ = tls.write_all(answer.as_bytes()).await;
                    let _ = tls.shutdown().await;
                });
            }
        });
        let dir = tempfile::tempdir().expect("tempdir");
        let bundle = dir.path().join("ca.pem");
        std::fs::write(&bundle, &pem).expect("write");
        let settings = |ca_bundle: Option<String>| AwsSettings {
            region: Some("us-east-1".into()),
            access_key: Some(Secret::new("AKIAEXAMPLE")),
            secret_key: Some(Secret::new("s")),
            sts_endpoint: Some(format!("https://localhost:{port}")),
            max_attempts: Some(1),
            ca_bundle,
            ..Default::default()
        };
        let trusted =
            crate::aws::SageMaker::new(settings(Some(bundle.to_string_lossy().into_owned())));
        let who = trusted.caller_identity().await.map_err(|e| e.to_string()).expect("trusted");
        assert_eq!(who.account, "123456789012");
        let untrusted = crate::aws::SageMaker::new(settings(None));
        let e = untrusted.caller_identity().await.expect_err("the system roots do not know it");
        assert_eq!(e.kind, crate::aws::ErrorKind::Unreachable, "{e}");
        // A bundle that is gone when the TLS layer is built: the error names it, and once the
        // file is back a later call builds the connector (nothing broken was cached).
        let moved = dir.path().join("moved.pem");
        let gone = crate::aws::SageMaker::new(settings(Some(moved.to_string_lossy().into_owned())));
        let e = gone.caller_identity().await.expect_err("no bundle");
        assert!(e.to_string().contains("CA bundle is no longer usable"), "{e}");
        assert!(e.to_string().contains("moved.pem"), "{e}");
        std::fs::write(&moved, &pem).expect("write");
        let who = gone.caller_identity().await.map_err(|e| e.to_string()).expect("bundle back");
        assert_eq!(who.account, "123456789012");
    }

    async fn access_key_of(s: &AwsSettings) -> String {
        let cfg = load(s).await;
        let provider = cfg.credentials_provider().expect("a credentials provider");
        provider.provide_credentials().await.expect("credentials").access_key_id().to_string()
    }

    /// Static keys win over everything; the block's shared files replace the default ones (and
    /// their profile is found there).
    #[tokio::test]
    async fn static_keys_and_shared_files_are_what_the_sdk_config_resolves() {
        let dir = tempfile::tempdir().expect("tempdir");
        let creds = dir.path().join("credentials");
        std::fs::write(
            &creds,
            "[team]\naws_access_key_id = AKIAFROMFILE\naws_secret_access_key = s\n",
        )
        .expect("write");
        let config = dir.path().join("config");
        std::fs::write(&config, "[profile team]\nregion = eu-west-3\n").expect("write");
        let files = AwsSettings {
            profile: Some("team".into()),
            shared_credentials_files: Some(vec![creds.to_string_lossy().into_owned()]),
            shared_config_files: Some(vec![config.to_string_lossy().into_owned()]),
            ..Default::default()
        };
        if std::env::var_os("AWS_ACCESS_KEY_ID").is_none() {
            assert_eq!(access_key_of(&files).await, "AKIAFROMFILE");
        }
        assert_eq!(
            load(&files).await.region().map(|r| r.to_string()).as_deref(),
            Some("eu-west-3"),
            "the region comes from the block's config file"
        );
        let keys = AwsSettings {
            access_key: Some(Secret::new("AKIAFROMBLOCK")),
            secret_key: Some(Secret::new("s")),
            ..files
        };
        assert_eq!(access_key_of(&keys).await, "AKIAFROMBLOCK");
    }

    /// A named profile is found in either file (`[profile x]` in config, `[x]` in credentials);
    /// a missing one lists the files read and the profiles they define; `default` is exempt.
    #[tokio::test]
    async fn a_named_profile_must_be_in_the_shared_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = dir.path().join("config");
        std::fs::write(
            &config,
            "[profile prod]\nregion = eu-west-1\n[default]\nregion = us-east-1\n",
        )
        .expect("write");
        let creds = dir.path().join("credentials");
        std::fs::write(&creds, "[ci]\naws_access_key_id = A\naws_secret_access_key = s\n")
            .expect("write");
        let gone = dir.path().join("gone").to_string_lossy().into_owned();
        let config = vec![config.to_string_lossy().into_owned()];
        let creds = vec![creds.to_string_lossy().into_owned()];
        let no_env = |_: &str| None;
        let check = |name: &'static str| check_profile(name, Some(&config), Some(&creds), &no_env);
        assert_eq!(check("prod").await, Err(ProfileProblem::NoCredentials), "a region only");
        assert_eq!(check("ci").await, Ok(()));
        assert_eq!(check("default").await, Ok(()));
        let Err(ProfileProblem::Missing { files, profiles }) = check("prdo").await else {
            panic!("prdo is not defined")
        };
        assert_eq!(profiles, ["ci", "default", "prod"]);
        assert_eq!(files, [(config[0].clone(), true), (creds[0].clone(), true)]);
        // A file the block lists that is not there: the SDK cannot load the profiles at all.
        let with_gone = vec![creds[0].clone(), gone];
        let e = check_profile("ci", Some(&config), Some(&with_gone), &no_env).await;
        assert!(
            matches!(&e, Err(ProfileProblem::Unreadable(why)) if why.contains("gone")),
            "{e:?}"
        );
        // Without the block's lists, the defaults are named as the environment gives them.
        let env = |k: &str| (k == "AWS_CONFIG_FILE").then(|| "/nowhere/config".to_string());
        let Err(ProfileProblem::Missing { files, .. }) =
            check_profile("prdo", None, Some(&creds), &env).await
        else {
            panic!("not in the credentials file")
        };
        assert_eq!(files[0], ("/nowhere/config".to_string(), false));
        // A file the parser rejects is named with the SDK's reason.
        let bad = dir.path().join("bad");
        std::fs::write(&bad, "region = us-east-1\n").expect("write");
        let bad = vec![bad.to_string_lossy().into_owned()];
        let e = check_profile("ci", Some(&bad), Some(&[]), &no_env).await;
        assert!(matches!(e, Err(ProfileProblem::Unreadable(_))), "{e:?}");
    }

    #[test]
    fn sts_endpoint_named_in_messages_follows_the_settings() {
        assert_eq!(
            sts_endpoint(Some("http://127.0.0.1:5000"), None, "us-east-1"),
            "http://127.0.0.1:5000"
        );
        if std::env::var_os("AWS_ENDPOINT_URL_STS").is_none() {
            assert_eq!(
                sts_endpoint(None, None, "eu-west-1"),
                "https://sts.eu-west-1.amazonaws.com"
            );
        }
    }
}
