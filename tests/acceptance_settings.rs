//! Acceptance tests of the provider block's AWS settings through the real Terraform CLI: static
//! keys, `assume_role` against the local endpoint's STS, credential validation, and that no
//! credential reaches the provider's log.
//!
//! [`Recorder`] sits between the provider and moto (which serves SageMaker and STS on one port)
//! and records, for every request, the service and access key id of its SigV4 `Authorization`
//! header, and the `AccessKeyId` of every AssumeRole answer. So the test sees which credentials
//! actually signed each SageMaker call.

mod support;

use std::io::{BufReader, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use support::http::Message;
use support::{terraform_binaries, LocalSageMaker, Workspace};

const ROLE: &str = "arn:aws:iam::123456789012:role/sagemaker-pipeline";
const BASE_KEY: &str = "AKIABASEKEYFORTESTS1";
const BASE_SECRET: &str = "baseSecretNeverLogged0123456789abcdefXYZ";
const BASE_TOKEN: &str = "baseSessionTokenNeverLogged9876543210";

/// One request as the recorder saw it.
#[derive(Clone, Debug)]
struct Seen {
    /// The credential scope's service: `sagemaker`, `sts`.
    service: String,
    /// `X-Amz-Target` without the prefix, or the query protocol's `Action`.
    operation: String,
    /// The access key id that signed it (`-` when unsigned).
    key: String,
    body: String,
}

#[derive(Default)]
struct Record {
    requests: Vec<Seen>,
    /// AccessKeyId and SecretAccessKey of every AssumeRole answer.
    assumed: Vec<(String, String)>,
    /// AccessKeyId of every AssumeRoleWithWebIdentity answer.
    web_assumed: Vec<String>,
}

struct Recorder {
    url: String,
    record: Arc<Mutex<Record>>,
    stop: Arc<AtomicBool>,
}

impl Recorder {
    fn start(upstream_port: u16) -> Recorder {
        let listener = TcpListener::bind(("127.0.0.1", 0)).expect("bind the recorder");
        let url = format!("http://127.0.0.1:{}", listener.local_addr().expect("addr").port());
        let record = Arc::new(Mutex::new(Record::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let (record2, stop2) = (record.clone(), stop.clone());
        thread::spawn(move || {
            for conn in listener.incoming() {
                if stop2.load(Ordering::Relaxed) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let record = record2.clone();
                thread::spawn(move || serve(conn, upstream_port, &record));
            }
        });
        Recorder { url, record, stop }
    }

    fn seen(&self) -> Vec<Seen> {
        self.record.lock().expect("record").requests.clone()
    }

    fn assumed(&self) -> Vec<(String, String)> {
        self.record.lock().expect("record").assumed.clone()
    }

    fn web_assumed(&self) -> Vec<String> {
        self.record.lock().expect("record").web_assumed.clone()
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = TcpStream::connect(self.url.trim_start_matches("http://"));
    }
}

/// `AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/sts/aws4_request, ...` -> (AKID, sts)
fn signer(authorization: Option<&str>) -> (String, String) {
    let Some(cred) = authorization.and_then(|a| a.split("Credential=").nth(1)) else {
        return ("-".into(), "?".into());
    };
    let parts: Vec<&str> = cred.split(',').next().unwrap_or_default().split('/').collect();
    (
        parts.first().copied().unwrap_or("-").to_string(),
        parts.get(3).copied().unwrap_or("?").to_string(),
    )
}

/// The text between `<tag>` and `</tag>`, first occurrence.
fn xml(body: &str, tag: &str) -> Option<String> {
    let start = body.find(&format!("<{tag}>"))? + tag.len() + 2;
    let end = body[start..].find(&format!("</{tag}>"))? + start;
    Some(body[start..end].trim().to_string())
}

fn form_value(body: &str, key: &str) -> Option<String> {
    body.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (k == key).then(|| v.to_string())
    })
}

fn serve(conn: TcpStream, upstream_port: u16, record: &Mutex<Record>) {
    let Ok(read_half) = conn.try_clone() else { return };
    let mut reader = BufReader::new(read_half);
    let mut conn = conn;
    while let Some(request) = Message::read(&mut reader) {
        let (key, service) = signer(request.header("authorization"));
        let body = String::from_utf8_lossy(&request.body).into_owned();
        let operation = match request.header("x-amz-target") {
            Some(t) => t.rsplit('.').next().unwrap_or(t).to_string(),
            None => form_value(&body, "Action").unwrap_or_else(|| "?".into()),
        };
        let Some(answer) = forward(upstream_port, &request) else { return };
        {
            let mut r = record.lock().expect("record");
            let text = String::from_utf8_lossy(&answer.body);
            if operation == "AssumeRoleWithWebIdentity" {
                r.web_assumed.extend(xml(&text, "AccessKeyId"));
            }
            if operation == "AssumeRole" {
                if let (Some(k), Some(s)) =
                    (xml(&text, "AccessKeyId"), xml(&text, "SecretAccessKey"))
                {
                    r.assumed.push((k, s));
                }
            }
            r.requests.push(Seen { service, operation, key, body });
        }
        if conn.write_all(&answer.bytes("keep-alive")).is_err() {
            return;
        }
    }
    let _ = conn.shutdown(Shutdown::Both);
}

fn forward(upstream_port: u16, request: &Message) -> Option<Message> {
    let mut upstream = TcpStream::connect(("127.0.0.1", upstream_port)).ok()?;
    upstream.set_read_timeout(Some(Duration::from_secs(60))).ok()?;
    upstream.write_all(&request.bytes("close")).ok()?;
    Message::read(&mut BufReader::new(upstream))
}

fn header() -> &'static str {
    r#"
terraform {
  required_providers {
    sagemaker = { source = "sagemaker-pipelines/sagemaker" }
  }
}
"#
}

fn pipeline() -> String {
    format!(
        r#"
resource "sagemaker_ml_pipeline" "p" {{
  name     = "assumed"
  role_arn = "{ROLE}"
  steps    = [jsonencode({{ Name = "Stop", Type = "Fail", Arguments = {{ ErrorMessage = "x" }} }})]
}}
"#
    )
}

fn assume_role_config(proxy: &str) -> String {
    format!(
        r#"{header}
provider "sagemaker" {{
  access_key = "{BASE_KEY}"
  secret_key = "{BASE_SECRET}"
  token      = "{BASE_TOKEN}"
  endpoints {{
    sagemaker = "{proxy}"
    sts       = "{proxy}"
  }}
  assume_role {{
    role_arn            = "arn:aws:iam::123456789012:role/deployer"
    session_name        = "tf-acceptance"
    external_id         = "ext-1234"
    duration            = "15m"
    tags                = {{ team = "ml" }}
    transitive_tag_keys = ["team"]
    source_identity     = "ci-runner"
  }}
}}
{pipeline}"#,
        header = header(),
        pipeline = pipeline()
    )
}

/// Issue 8: "with assume_role against the local STS, apply works and the assumed session is the
/// one used". Every SageMaker request (and the credential check) is signed with a key that an
/// AssumeRole answer handed out, never with the base key; AssumeRole itself is signed with the
/// base key and carries the block's settings. The provider's log at TRACE holds none of the
/// secrets (base secret, base token, the assumed secret).
#[test]
fn assume_role_session_signs_every_call_and_no_secret_is_logged() {
    let sm = LocalSageMaker::start();
    for terraform in terraform_binaries() {
        sm.reset();
        let rec = Recorder::start(sm.port);
        let mut ws = Workspace::new(&terraform, &sm);
        let v = terraform.version.clone();
        let log = ws.dir.join("provider.log");
        ws.set_env("TF_LOG_PROVIDER", "TRACE");
        ws.set_env("TF_LOG_PATH", &log);
        ws.write("main.tf", &assume_role_config(&rec.url));
        ws.init();
        ws.apply();
        assert!(sm.describe_pipeline("assumed").is_some(), "[{v}] the pipeline was created");
        assert_eq!(ws.plan_exit_code(), 0, "[{v}] no diff after apply");

        let seen = rec.seen();
        let assumed = rec.assumed();
        assert!(!assumed.is_empty(), "[{v}] AssumeRole answered: {seen:?}");
        let assumed_keys: Vec<&str> = assumed.iter().map(|(k, _)| k.as_str()).collect();
        assert!(
            assumed_keys.iter().all(|k| *k != BASE_KEY && *k != "test"),
            "[{v}] {assumed_keys:?}"
        );

        let assume_calls: Vec<&Seen> =
            seen.iter().filter(|s| s.operation == "AssumeRole").collect();
        for call in &assume_calls {
            assert_eq!(call.key, BASE_KEY, "[{v}] AssumeRole is signed with the base credentials");
            for (k, want) in [
                ("RoleArn", "arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdeployer"),
                ("RoleSessionName", "tf-acceptance"),
                ("ExternalId", "ext-1234"),
                ("DurationSeconds", "900"),
                ("SourceIdentity", "ci-runner"),
                ("Tags.member.1.Key", "team"),
                ("Tags.member.1.Value", "ml"),
                ("TransitiveTagKeys.member.1", "team"),
            ] {
                assert_eq!(
                    form_value(&call.body, k).as_deref(),
                    Some(want),
                    "[{v}] {k} in {}",
                    call.body
                );
            }
        }

        let sagemaker: Vec<&Seen> = seen.iter().filter(|s| s.service == "sagemaker").collect();
        assert!(
            sagemaker.iter().any(|s| s.operation == "CreatePipeline"),
            "[{v}] CreatePipeline went through the recorder: {seen:?}"
        );
        for s in &sagemaker {
            assert!(
                assumed_keys.contains(&s.key.as_str()),
                "[{v}] {} was signed with {}, not an assumed session's key {assumed_keys:?}",
                s.operation,
                s.key
            );
        }
        let checks: Vec<&Seen> =
            seen.iter().filter(|s| s.operation == "GetCallerIdentity").collect();
        assert!(!checks.is_empty(), "[{v}] the credentials were validated: {seen:?}");
        for c in &checks {
            assert!(assumed_keys.contains(&c.key.as_str()), "[{v}] validated the assumed session");
        }

        ws.destroy();
        assert!(sm.describe_pipeline("assumed").is_none(), "[{v}] destroyed");

        let text = std::fs::read_to_string(&log).expect("the provider log");
        assert!(
            text.contains("@module=sagemaker") && text.contains("AWS call"),
            "[{v}] the log captured the provider's calls: {}",
            &text[..text.len().min(2000)]
        );
        // The role session's own STS calls are logged like every other call: operation, role,
        // endpoint, region, request id, duration (fresh-eyes finding: they were not).
        let assume_line = text
            .lines()
            .find(|l| l.contains("AWS call") && l.contains("operation=AssumeRole "))
            .unwrap_or_else(|| panic!("[{v}] no AssumeRole call logged"));
        for field in [
            format!("endpoint={}", rec.url),
            "region=us-east-1".to_string(),
            "role_arn=arn:aws:iam::123456789012:role/deployer".to_string(),
            "outcome=ok".to_string(),
            "duration_ms=".to_string(),
            "request_id=".to_string(),
        ] {
            assert!(assume_line.contains(&field), "[{v}] {field} in {assume_line}");
        }
        assert!(
            text.lines().any(|l| l.contains("AWS attempt") && l.contains("operation=AssumeRole ")),
            "[{v}] the AssumeRole attempts are logged"
        );
        let mut secrets = vec![BASE_SECRET.to_string(), BASE_TOKEN.to_string()];
        secrets.extend(rec.assumed().into_iter().map(|(_, secret)| secret));
        for secret in secrets {
            assert!(!text.contains(&secret), "[{v}] a secret reached the provider log");
        }
    }
}

/// By default the provider checks its credentials with STS before its first AWS call: an
/// unreachable STS endpoint stops the apply (CreatePipeline is its first call) with a diagnostic
/// that says STS was not reached (not that the credentials are wrong) and names
/// GetCallerIdentity, the endpoint and the way out; with
/// `skip_credentials_validation = true` the same configuration plans. (A configuration that makes
/// no AWS call needs no credentials at all: `acceptance_steps`' offline data source test.)
#[test]
fn credentials_are_validated_before_the_first_call_unless_skipped() {
    let sm = LocalSageMaker::start();
    let closed = TcpListener::bind("127.0.0.1:0").expect("bind");
    let dead = format!("http://{}", closed.local_addr().expect("addr"));
    drop(closed);
    // Accepts connections (the kernel's backlog) and never answers.
    let silent = TcpListener::bind("127.0.0.1:0").expect("bind");
    for terraform in terraform_binaries() {
        sm.reset();
        let ws = Workspace::new(&terraform, &sm);
        let v = &terraform.version;
        let config = |skip: bool| {
            format!(
                "{}\nprovider \"sagemaker\" {{\n  max_retries = 1\n  skip_credentials_validation = {skip}\n  endpoints {{ sts = \"{dead}\" }}\n}}\n{}",
                header(),
                pipeline()
            )
        };
        ws.write("main.tf", &config(false));
        ws.init();
        let err = ws.tf_err(&["apply", "-auto-approve", "-no-color", "-input=false"]);
        let flat = support::flat(&err);
        assert!(
            flat.contains("The provider could not reach STS to validate its AWS credentials")
                && flat.contains("GetCallerIdentity failed: could not connect to the endpoint")
                && flat.contains(&dead)
                && flat.contains("skip_credentials_validation = true"),
            "[{v}] {flat}"
        );
        ws.write("main.tf", &config(true));
        assert_eq!(ws.plan_exit_code(), 2, "[{v}] with the check skipped, the plan works");

        // An STS that accepts connections and never answers: the check ends in the operation
        // timeout, and nothing suggests the pipeline may have been created (CreatePipeline was
        // never sent; multi-account finding).
        ws.write(
            "main.tf",
            &format!(
                "{}\nprovider \"sagemaker\" {{\n  call_timeout      = \"1s\"\n  operation_timeout = \"3s\"\n  endpoints {{ sts = \"http://{}\" }}\n}}\n{}",
                header(),
                silent.local_addr().expect("addr"),
                pipeline()
            ),
        );
        let flat =
            support::flat(&ws.tf_err(&["apply", "-auto-approve", "-no-color", "-input=false"]));
        assert!(
            flat.contains("The provider got no answer from STS to validate its AWS credentials")
                && !flat.contains("Whether the pipeline was created is not known"),
            "[{v}] {flat}"
        );
        assert!(sm.pipeline_names().is_empty(), "[{v}] nothing created");
    }
}

/// The provider block's `profile` wins over the environment's keys (multi-account finding:
/// with AWS_ACCESS_KEY_ID set, as in CI, `profile = "prodrole"` was ignored and the pipeline
/// went to the keys' account). The profile assumes a role of account 333333333333 from another
/// profile's keys; the local endpoint keeps each account's pipelines apart, so the pipeline's
/// ARN names the account it went to.
#[test]
fn the_blocks_profile_wins_over_the_environments_keys() {
    let sm = LocalSageMaker::start();
    for terraform in terraform_binaries() {
        sm.reset();
        let mut ws = Workspace::new(&terraform, &sm);
        let v = &terraform.version;
        ws.write(
            "aws_config",
            "[profile ci]\naws_access_key_id = AKIAPROFILECI0000000\naws_secret_access_key = profile-secret\n\n[profile prodrole]\nrole_arn = arn:aws:iam::333333333333:role/deployer\nsource_profile = ci\n",
        );
        let config = format!(
            "{}\nprovider \"sagemaker\" {{\n  profile            = \"prodrole\"\n  shared_config_files = [\"${{path.module}}/aws_config\"]\n}}\n{}",
            header(),
            pipeline()
        );
        ws.write("main.tf", &config);
        ws.init();
        let log = ws.dir.join("provider.log");
        ws.set_env("TF_LOG_PROVIDER", "DEBUG");
        ws.set_env("TF_LOG_PATH", &log);
        ws.apply();
        let arn = ws.tf_ok(&["state", "show", "-no-color", "sagemaker_ml_pipeline.p"]);
        assert!(arn.contains(":333333333333:pipeline/"), "[{v}] the profile's account: {arn}");
        // The profile's role chain is the SDK's own (not the provider block's assume_role); its
        // AssumeRole is logged like every other AWS call (credential-audit finding: it was not).
        let text = std::fs::read_to_string(&log).expect("the provider log");
        let chain = text
            .lines()
            .find(|l| l.contains("AWS call") && l.contains("operation=AssumeRole "))
            .unwrap_or_else(|| panic!("[{v}] the profile's AssumeRole is not logged"));
        for field in [
            "for=credentials",
            "region=us-east-1",
            "status=200",
            "duration_ms=",
            "endpoint=http://127.0.0.1:",
        ] {
            assert!(chain.contains(field), "[{v}] {field} in {chain}");
        }
        assert!(!chain.contains("request_id=- "), "[{v}] {chain}");
        assert!(!text.contains("profile-secret"), "[{v}] the profile's secret is not logged");
        ws.remove_env("TF_LOG_PROVIDER");
        ws.remove_env("TF_LOG_PATH");
        assert_eq!(ws.plan_exit_code(), 0, "[{v}] plan after apply must be empty");
        ws.destroy();
        // `default` without credentials (a region only) leaves the environment's keys in use:
        // CI often sets profile = "default" with its keys in the environment.
        ws.write("main.tf", &config.replace("\"prodrole\"", "\"default\""));
        ws.write(
            "aws_config",
            "[default]\nregion = us-east-1\n[profile regiononly]\nregion = us-east-1\n",
        );
        ws.apply();
        let arn = ws.tf_ok(&["state", "show", "-no-color", "sagemaker_ml_pipeline.p"]);
        assert!(arn.contains(":123456789012:pipeline/"), "[{v}] the keys' account: {arn}");
        ws.destroy();
        // Any other profile without credentials is an error, not the environment's keys
        // (fresh-eyes finding: the keys had been filed under a misspelt section).
        ws.write("main.tf", &config.replace("\"prodrole\"", "\"regiononly\""));
        let out = support::flat(&ws.tf_err(&["plan", "-no-color", "-input=false"]));
        assert!(out.contains(r#"AWS profile "regiononly" holds no credentials"#), "[{v}] {out}");
        assert!(sm.pipeline_names().is_empty(), "[{v}] nothing created");
        // A misspelt profile is an error at the attribute, naming the nearest one, and never a
        // silent fall back to the environment's keys (another account).
        ws.write("main.tf", &config.replace("\"prodrole\"", "\"prodrol\""));
        ws.write(
            "aws_config",
            "[profile ci]\nregion = us-east-1\n[profile prodrole]\nregion = us-east-1\n",
        );
        let out = support::flat(&ws.tf_err(&["plan", "-no-color", "-input=false"]));
        assert!(out.contains("AWS profile \"prodrol\" not found"), "[{v}] {out}");
        assert!(out.contains("Did you mean \"prodrole\"?"), "[{v}] {out}");
        assert!(out.contains("profile = \"prodrol\""), "[{v}] the attribute is shown: {out}");
        // An AWS_PROFILE left over beside the environment's keys is not used for credentials
        // (the keys win over it), so it is no mistake (review finding: CI broke on it)...
        ws.write("main.tf", &format!("{}\nprovider \"sagemaker\" {{\n  shared_config_files = [\"${{path.module}}/aws_config\"]\n}}\n{}", header(), pipeline()));
        ws.set_env("AWS_PROFILE", "team-prod");
        assert_eq!(ws.plan_exit_code(), 2, "[{v}] the keys are used, the plan creates");
        // ...but without keys, an AWS_PROFILE that names no profile is an error.
        ws.remove_env("AWS_ACCESS_KEY_ID");
        ws.remove_env("AWS_SECRET_ACCESS_KEY");
        let out = support::flat(&ws.tf_err(&["plan", "-no-color", "-input=false"]));
        assert!(out.contains("AWS_PROFILE names \"team-prod\""), "[{v}] {out}");
        assert!(out.contains("They define: ci, prodrole."), "[{v}] {out}");
        assert_eq!(sm.pipeline_names(), Vec::<String>::new(), "[{v}] nothing created");
    }
}

/// A misspelt region fails `validate` with the nearest region (fresh-eyes finding: `us-east1`
/// passed, and every call then failed at an endpoint that does not exist); a well-formed region
/// the provider does not know (a newer one) only warns.
#[test]
fn a_misspelt_region_fails_validate_with_the_nearest_one() {
    let sm = LocalSageMaker::start();
    for terraform in terraform_binaries() {
        let ws = Workspace::new(&terraform, &sm);
        let v = &terraform.version;
        let config = |region: &str| {
            format!(
                "{}\nprovider \"sagemaker\" {{\n  region = \"{region}\"\n}}\n{}",
                header(),
                pipeline()
            )
        };
        ws.write("main.tf", &config("us-east1"));
        ws.init();
        let out = support::flat(&ws.tf_err(&["validate", "-no-color"]));
        assert!(out.contains(r#"Invalid region "us-east1""#), "[{v}] {out}");
        assert!(out.contains(r#"Did you mean "us-east-1"?"#), "[{v}] {out}");
        assert!(out.contains(r#"region = "us-east1""#), "[{v}] the attribute is shown: {out}");
        ws.write("main.tf", &config("eu-west-9"));
        let out = support::flat(&ws.tf_ok(&["validate", "-no-color"]));
        assert!(out.contains(r#"Warning: Unknown region "eu-west-9""#), "[{v}] {out}");
    }
}

/// The environment's region gets the same check as the block's: one that looks like a region
/// but is none warns at plan with the nearest one (session 17 helper finding: `AWS_REGION=
/// eu-wset-1` planned silently, then the apply spent operation_timeout on DNS).
#[test]
fn a_misspelt_environment_region_warns_with_the_nearest_one() {
    let sm = LocalSageMaker::start();
    for terraform in terraform_binaries() {
        let mut ws = Workspace::new(&terraform, &sm);
        let v = terraform.version.clone();
        ws.write(
            "main.tf",
            &format!(
                "{}
{}",
                header(),
                pipeline()
            ),
        );
        ws.init();
        ws.set_env("AWS_REGION", "eu-wset-1");
        let out = support::flat(&ws.tf_ok(&["plan", "-no-color", "-input=false"]));
        assert!(
            out.contains(r#"Warning: Unknown region "eu-wset-1" (from AWS_REGION)"#)
                && out.contains(r#"Did you mean "eu-west-1"?"#),
            "[{v}] {out}"
        );
        ws.set_env("AWS_REGION", "us-east-1");
        let out = ws.tf_ok(&["plan", "-no-color", "-input=false"]);
        assert!(!out.contains("Unknown region"), "[{v}] {out}");
    }
}

/// Settings no call could be sent with fail before any call, at the attribute or naming the
/// variable (fresh-eyes findings: each passed, then every call failed after its retries and the
/// apply said it was not known whether the pipeline had been created).
#[test]
fn malformed_endpoints_and_environment_settings_fail_before_any_call() {
    let sm = LocalSageMaker::start();
    for terraform in terraform_binaries() {
        let mut ws = Workspace::new(&terraform, &sm);
        let v = terraform.version.clone();
        ws.write(
            "main.tf",
            &format!(
                "{}\nprovider \"sagemaker\" {{\n  endpoints {{\n    sagemaker = \"http://127.0.0.1:5611 \"\n  }}\n}}\n{}",
                header(),
                pipeline()
            ),
        );
        ws.init();
        let out = support::flat(&ws.tf_err(&["validate", "-no-color"]));
        assert!(out.contains("Invalid sagemaker endpoint") && out.contains("space"), "[{v}] {out}");
        ws.write("main.tf", &format!("{}\n{}", header(), pipeline()));
        for (var, value, says) in [
            (
                "AWS_ENDPOINT_URL_SAGEMAKER",
                "localhost:5611",
                "AWS_ENDPOINT_URL_SAGEMAKER is not an endpoint URL",
            ),
            ("AWS_REGION", "us-east1", r#"AWS_REGION is not a region: "us-east1""#),
            ("AWS_MAX_ATTEMPTS", "lots", "AWS_MAX_ATTEMPTS is not a number of attempts"),
        ] {
            ws.set_env(var, value);
            let out = support::flat(&ws.tf_err(&["plan", "-no-color", "-input=false"]));
            assert!(out.contains(says), "[{v}] {var}: {out}");
            if var == "AWS_ENDPOINT_URL_SAGEMAKER" {
                ws.set_env(var, &sm.url);
            } else {
                ws.remove_env(var);
            }
        }
        assert!(sm.pipeline_names().is_empty(), "[{v}] nothing created");
    }
}

const WEB_TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.webIdentityTokenNeverLogged.c2lnbmF0dXJl";

/// The environment's web identity (AWS_ROLE_ARN with AWS_WEB_IDENTITY_TOKEN_FILE, as on EKS or
/// in CI) goes to the block's `endpoints.sts` (fresh-eyes finding: the SDK's chain sent it to
/// the regional STS whatever the block said, and a run hung for minutes); a token file that is
/// not there is an error at plan naming it.
#[test]
fn the_environments_web_identity_uses_the_blocks_sts_endpoint() {
    let sm = LocalSageMaker::start();
    for terraform in terraform_binaries() {
        sm.reset();
        let rec = Recorder::start(sm.port);
        let mut ws = Workspace::new(&terraform, &sm);
        let v = terraform.version.clone();
        let token = ws.dir.join("token");
        std::fs::write(&token, WEB_TOKEN).expect("token");
        ws.remove_env("AWS_ACCESS_KEY_ID");
        ws.remove_env("AWS_SECRET_ACCESS_KEY");
        ws.set_env("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/ci");
        ws.set_env("AWS_WEB_IDENTITY_TOKEN_FILE", &token);
        ws.write(
            "main.tf",
            &format!(
                "{}\nprovider \"sagemaker\" {{\n  endpoints {{\n    sagemaker = \"{proxy}\"\n    sts       = \"{proxy}\"\n  }}\n}}\n{}",
                header(),
                pipeline(),
                proxy = rec.url
            ),
        );
        ws.init();
        ws.apply();
        assert!(sm.describe_pipeline("assumed").is_some(), "[{v}] created");
        let seen = rec.seen();
        assert!(
            seen.iter().any(|s| s.operation == "AssumeRoleWithWebIdentity"),
            "[{v}] the web identity call went to endpoints.sts: {seen:?}"
        );
        let web_keys = rec.web_assumed();
        for s in seen.iter().filter(|s| s.service == "sagemaker") {
            assert!(web_keys.contains(&s.key), "[{v}] {} signed with {}", s.operation, s.key);
        }
        ws.destroy();
        std::fs::remove_file(&token).expect("remove");
        let out = support::flat(&ws.tf_err(&["plan", "-no-color", "-input=false"]));
        assert!(
            out.contains(
                "The web identity token file in AWS_WEB_IDENTITY_TOKEN_FILE cannot be read"
            ) && out.contains("token"),
            "[{v}] {out}"
        );
    }
}

/// `assume_role_with_web_identity` gives the base session (AssumeRoleWithWebIdentity, unsigned,
/// with the token), and `assume_role` is assumed with it: AssumeRole is signed with the web
/// identity session's key, every SageMaker call with the assumed role's. The token is not logged.
#[test]
fn web_identity_session_is_the_base_of_assume_role() {
    let sm = LocalSageMaker::start();
    for terraform in terraform_binaries() {
        sm.reset();
        let rec = Recorder::start(sm.port);
        let mut ws = Workspace::new(&terraform, &sm);
        let v = terraform.version.clone();
        let log = ws.dir.join("provider.log");
        ws.set_env("TF_LOG_PROVIDER", "TRACE");
        ws.set_env("TF_LOG_PATH", &log);
        ws.write(
            "main.tf",
            &format!(
                r#"{header}
provider "sagemaker" {{
  endpoints {{
    sagemaker = "{proxy}"
    sts       = "{proxy}"
  }}
  assume_role_with_web_identity {{
    role_arn           = "arn:aws:iam::123456789012:role/ci"
    session_name       = "ci-job"
    web_identity_token = "{WEB_TOKEN}"
  }}
  assume_role {{
    role_arn = "arn:aws:iam::123456789012:role/deployer"
  }}
}}
{pipeline}"#,
                header = header(),
                proxy = rec.url,
                pipeline = pipeline()
            ),
        );
        ws.init();
        ws.apply();
        assert!(sm.describe_pipeline("assumed").is_some(), "[{v}] created");

        let seen = rec.seen();
        let web_keys = rec.web_assumed();
        let role_keys: Vec<String> = rec.assumed().into_iter().map(|(k, _)| k).collect();
        assert!(!web_keys.is_empty() && !role_keys.is_empty(), "[{v}] {seen:?}");
        for s in seen.iter().filter(|s| s.operation == "AssumeRoleWithWebIdentity") {
            assert_eq!(s.key, "-", "[{v}] AssumeRoleWithWebIdentity is unsigned");
            assert_eq!(form_value(&s.body, "WebIdentityToken").as_deref(), Some(WEB_TOKEN));
            assert_eq!(form_value(&s.body, "RoleSessionName").as_deref(), Some("ci-job"));
        }
        for s in seen.iter().filter(|s| s.operation == "AssumeRole") {
            assert!(web_keys.contains(&s.key), "[{v}] AssumeRole signed with {}", s.key);
        }
        let sagemaker: Vec<&Seen> = seen.iter().filter(|s| s.service == "sagemaker").collect();
        assert!(!sagemaker.is_empty(), "[{v}]");
        for s in sagemaker {
            assert!(role_keys.contains(&s.key), "[{v}] {} signed with {}", s.operation, s.key);
        }
        ws.destroy();
        let text = std::fs::read_to_string(&log).expect("the provider log");
        assert!(text.contains("AWS call"), "[{v}] the log captured the provider's calls");
        assert!(!text.contains("webIdentityTokenNeverLogged"), "[{v}] the token reached the log");
    }
}

/// `http_proxy` carries the calls to an `http://` endpoint (SageMaker and the STS check: both go
/// through the recorder, acting as the proxy, while the endpoints name moto itself), and
/// `no_proxy` exempts the endpoint's host again.
#[test]
fn http_proxy_carries_the_calls_unless_no_proxy_names_the_host() {
    let sm = LocalSageMaker::start();
    for terraform in terraform_binaries() {
        sm.reset();
        let rec = Recorder::start(sm.port);
        let ws = Workspace::new(&terraform, &sm);
        let v = &terraform.version;
        let config = |no_proxy: &str| {
            format!(
                "{}\nprovider \"sagemaker\" {{\n  http_proxy = \"{}\"\n  {no_proxy}\n  endpoints {{\n    sagemaker = \"{}\"\n    sts       = \"{}\"\n  }}\n}}\n{}",
                header(),
                rec.url,
                sm.url,
                sm.url,
                pipeline()
            )
        };
        ws.write("main.tf", &config(""));
        ws.init();
        ws.apply();
        let seen = rec.seen();
        assert!(
            seen.iter().any(|s| s.operation == "CreatePipeline")
                && seen.iter().any(|s| s.operation == "GetCallerIdentity"),
            "[{v}] the calls went through the proxy: {seen:?}"
        );
        let before = rec.seen().len();
        ws.write("main.tf", &config("no_proxy = \"127.0.0.1,localhost\""));
        ws.destroy();
        assert!(sm.describe_pipeline("assumed").is_none(), "[{v}] destroyed");
        assert_eq!(rec.seen().len(), before, "[{v}] no_proxy: nothing went through the proxy");
    }
}
