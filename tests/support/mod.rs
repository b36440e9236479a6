//! Harness for acceptance tests that drive the real Terraform CLI against a local SageMaker
//! endpoint (a moto server), through `scripts/tf` so tests install the provider exactly the way
//! developers do.
//!
//! ```ignore
//! mod support;
//! use support::{terraform_binaries, LocalSageMaker, Workspace};
//!
//! let sagemaker = LocalSageMaker::start();
//! for terraform in terraform_binaries() {
//!     let ws = Workspace::new(&terraform, &sagemaker);
//!     ws.write("main.tf", r#"resource "sagemaker_ml_pipeline" "p" { ... }"#);
//!     ws.init();
//!     ws.apply();
//!     assert_eq!(ws.plan_exit_code(), 0); // no perpetual diff
//!     ws.destroy();
//! }
//! ```
//!
//! Depends on std, `tempfile`, and the tools `scripts/tools` installs into `.tools/` (`make test`
//! runs it first). Every test gets its own moto server on a free 127.0.0.1 port, so tests run in
//! parallel and never see each other's pipelines. Nothing here talks to AWS: all inherited
//! `AWS_*` variables are dropped from Terraform's environment.
//!
//! Environment knobs:
//! - `SAGEMAKER_TEST_LOCAL_TERRAFORM_ONLY=1`: test with the project-local Terraform 1.0.3 only,
//!   not also with a different `terraform` found on `PATH`.
//! - `SAGEMAKER_TEST_KEEP_WORKSPACES=1`: keep workspace folders (their paths are printed).

#![allow(dead_code)] // each test crate uses a different part of the harness

pub mod http;

use std::ffi::{OsStr, OsString};
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::thread::sleep;
use std::time::{Duration, Instant};

/// The repository root (where `scripts/` and `.tools/` live).
pub fn project_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `.tools/`, as installed by `scripts/tools`.
pub fn tools_dir() -> PathBuf {
    project_root().join(".tools")
}

/// The folder holding the `terraform-provider-sagemaker` this test run built; `scripts/tf`
/// points Terraform's `dev_overrides` at it.
pub fn provider_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_terraform-provider-sagemaker"))
        .parent()
        .expect("the provider binary has a parent folder")
        .to_path_buf()
}

fn require_tool(path: &Path) -> PathBuf {
    if !path.exists() {
        panic!(
            "{} is missing: the project-local tools are not installed; run `make tools` or `make test` \
             (both run scripts/tools)",
            path.display()
        );
    }
    path.to_path_buf()
}

/// How long a moto server may live if a test process dies without dropping it.
const MOTO_LIFETIME_SECS: u32 = 1800;
/// How long to wait for a fresh moto server to answer HTTP.
const MOTO_READY_TIMEOUT: Duration = Duration::from_secs(60);

/// Terraform wraps diagnostics at its own width (and frames them with `│`), which differs
/// between versions: the text as one line of words, for matching.
pub fn flat(text: &str) -> String {
    text.split_whitespace().filter(|w| !matches!(*w, "│" | "╷" | "╵")).collect::<Vec<_>>().join(" ")
}

/// A moto server on a free 127.0.0.1 port, standing in for the SageMaker API.
/// Clients use `url` as `AWS_ENDPOINT_URL_SAGEMAKER`, region `us-east-1`, credentials `test`/`test`.
/// Dropping it stops the server.
pub struct LocalSageMaker {
    /// `http://127.0.0.1:<port>`
    pub url: String,
    pub port: u16,
    /// `timeout` wrapping `moto_server`; it leads its own process group.
    child: Child,
    log: PathBuf,
    _log_dir: tempfile::TempDir,
}

impl LocalSageMaker {
    /// Starts a moto server and waits until it answers HTTP (at most 60 s per try).
    pub fn start() -> LocalSageMaker {
        let moto = require_tool(&tools_dir().join("venv/bin/moto_server"));
        // A free port can be taken by someone else between probing and binding: retry.
        let mut errors = Vec::new();
        for _ in 0..3 {
            match Self::try_start(&moto) {
                Ok(server) => return server,
                Err(e) => errors.push(e),
            }
        }
        panic!(
            "the local SageMaker endpoint (moto server) did not start after 3 tries:\n{}",
            errors.join("\n---\n")
        );
    }

    fn try_start(moto: &Path) -> Result<LocalSageMaker, String> {
        let log_dir = tempfile::Builder::new()
            .prefix("local-sagemaker-")
            .tempdir()
            .map_err(|e| format!("cannot create a temp dir for the moto log: {e}"))?;
        let log = log_dir.path().join("moto.log");
        let log_file = std::fs::File::create(&log)
            .map_err(|e| format!("cannot create {}: {e}", log.display()))?;
        let log_file2 =
            log_file.try_clone().map_err(|e| format!("cannot clone the log handle: {e}"))?;
        let port = free_port();
        // `timeout` bounds the server's life should this process die without dropping it;
        // `process_group(0)` lets `stop` signal timeout and moto together.
        let child = Command::new("timeout")
            .arg(MOTO_LIFETIME_SECS.to_string())
            .arg(moto)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(log_file)
            .stderr(log_file2)
            .process_group(0)
            .spawn()
            .map_err(|e| format!("cannot run `timeout {}`: {e}", moto.display()))?;
        let mut server = LocalSageMaker {
            url: format!("http://127.0.0.1:{port}"),
            port,
            child,
            log,
            _log_dir: log_dir,
        };
        server.wait_ready()?; // on error, dropping `server` stops it
        Ok(server)
    }

    /// Polls until the server answers `GET /moto-api/data.json` with 200.
    fn wait_ready(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + MOTO_READY_TIMEOUT;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!(
                    "moto server exited with {status} before answering; log:\n{}",
                    self.log_tail()
                ));
            }
            if let Ok((200, _)) = self.request("GET", "/moto-api/data.json", "") {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "moto server at {} did not answer within {:?}; log:\n{}",
                    self.url,
                    MOTO_READY_TIMEOUT,
                    self.log_tail()
                ));
            }
            sleep(Duration::from_millis(200));
        }
    }

    /// One HTTP/1.1 request; returns the status code and the body.
    pub fn request(&self, method: &str, path: &str, body: &str) -> Result<(u16, String), String> {
        http_request(self.port, method, path, &[], body)
    }

    /// One SageMaker API call in its JSON protocol (unsigned: moto does not check signatures),
    /// e.g. `request_sagemaker("DescribePipeline", r#"{"PipelineName":"p"}"#)`, to check what
    /// Terraform really deployed. Returns the status code and the JSON body.
    pub fn request_sagemaker(&self, operation: &str, body: &str) -> Result<(u16, String), String> {
        let target = format!("SageMaker.{operation}");
        let headers = [
            ("X-Amz-Target", target.as_str()),
            ("Content-Type", "application/x-amz-json-1.1"),
            // moto routes on the service named in the credential scope.
            (
                "Authorization",
                "AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/sagemaker/aws4_request, \
                 SignedHeaders=host, Signature=0",
            ),
        ];
        http_request(self.port, "POST", "/", &headers, body)
    }

    /// One S3 request to the same server (moto serves S3 on the SageMaker port, path-style:
    /// `PUT /<bucket>` creates a bucket, `GET /<bucket>/<key>` reads an object), unsigned like
    /// [`request_sagemaker`](Self::request_sagemaker). Returns the status code and the body.
    pub fn request_s3(
        &self,
        method: &str,
        path: &str,
        body: &str,
    ) -> Result<(u16, String), String> {
        let headers = [(
            "Authorization",
            "AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/s3/aws4_request, \
             SignedHeaders=host, Signature=0",
        )];
        http_request(self.port, method, path, &headers, body)
    }

    /// Names of the pipelines the endpoint holds (ListPipelines).
    pub fn pipeline_names(&self) -> Vec<String> {
        let (_, body) =
            self.request_sagemaker("ListPipelines", "{}").expect("ListPipelines answers");
        let v: serde_json::Value = serde_json::from_str(&body).expect("ListPipelines returns JSON");
        v["PipelineSummaries"]
            .as_array()
            .map(|a| {
                a.iter().filter_map(|p| p["PipelineName"].as_str().map(str::to_string)).collect()
            })
            .unwrap_or_default()
    }

    /// DescribePipeline's answer, or `None` when the pipeline does not exist.
    pub fn describe_pipeline(&self, name: &str) -> Option<serde_json::Value> {
        let body = serde_json::json!({ "PipelineName": name }).to_string();
        let (status, response) =
            self.request_sagemaker("DescribePipeline", &body).expect("DescribePipeline answers");
        if status != 200 {
            return None;
        }
        serde_json::from_str(&response).ok()
    }

    /// The deployed definition of `name`, parsed; panics when it is not deployed.
    pub fn deployed_definition(&self, name: &str) -> serde_json::Value {
        let d = self
            .describe_pipeline(name)
            .unwrap_or_else(|| panic!("pipeline {name} is not deployed"));
        let text = d["PipelineDefinition"].as_str().expect("definition is a string");
        serde_json::from_str(text).expect("deployed definition is JSON")
    }

    /// Wipes every resource the server holds (`POST /moto-api/reset`).
    pub fn reset(&self) {
        match self.request("POST", "/moto-api/reset", "") {
            Ok((200, _)) => {}
            other => panic!("POST {}/moto-api/reset failed: {other:?}", self.url),
        }
    }

    /// The server's log so far (one line per request).
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn log_tail(&self) -> String {
        let log = self.log();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }

    /// TERM to the process group (`timeout` forwards it to moto), then KILL if it lingers.
    fn stop(&mut self) {
        if let Ok(Some(_)) = self.child.try_wait() {
            return;
        }
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            sleep(Duration::from_millis(50));
        }
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for LocalSageMaker {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A port that was free on 127.0.0.1 a moment ago.
fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("bind an ephemeral port on 127.0.0.1")
}

/// A minimal HTTP/1.1 client (`Connection: close`, no chunked decoding): enough to probe and
/// reset the moto server without another crate.
fn http_request(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Result<(u16, String), String> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let mut stream =
        TcpStream::connect_timeout(&addr, Duration::from_secs(2)).map_err(|e| e.to_string())?;
    stream.set_read_timeout(Some(Duration::from_secs(10))).map_err(|e| e.to_string())?;
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).map_err(|e| e.to_string())?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).map_err(|e| e.to_string())?;
    let response = String::from_utf8_lossy(&response);
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("not an HTTP response: {head:?}"))?;
    Ok((status, body.to_string()))
}

/// One Terraform CLI to test with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Terraform {
    /// As `terraform version` reports it, e.g. `1.0.3`.
    pub version: String,
    pub path: PathBuf,
}

/// The Terraform CLIs every acceptance test runs with: always the project-local 1.0.3
/// (`.tools/bin/terraform`), plus the `terraform` on `PATH` when it is a different version >= 1.0
/// (unless `SAGEMAKER_TEST_LOCAL_TERRAFORM_ONLY=1`).
pub fn terraform_binaries() -> Vec<Terraform> {
    static BINARIES: OnceLock<Vec<Terraform>> = OnceLock::new();
    BINARIES
        .get_or_init(|| {
            let local_path = require_tool(&tools_dir().join("bin/terraform"));
            let local = Terraform {
                version: terraform_version(&local_path)
                    .unwrap_or_else(|e| panic!("{} does not run: {e}", local_path.display())),
                path: local_path,
            };
            let mut all = vec![local.clone()];
            if std::env::var_os("SAGEMAKER_TEST_LOCAL_TERRAFORM_ONLY").as_deref()
                != Some(OsStr::new("1"))
            {
                if let Some(path) = find_on_path("terraform") {
                    if let Ok(version) = terraform_version(&path) {
                        if version != local.version && at_least_1_0(&version) {
                            all.push(Terraform { version, path });
                        }
                    }
                }
            }
            all
        })
        .clone()
}

fn find_on_path(name: &str) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(name)).find(|p| {
        p.metadata().map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0).unwrap_or(false)
    })
}

/// `terraform version -json` -> `"terraform_version": "1.11.4"` -> `1.11.4`.
fn terraform_version(path: &Path) -> Result<String, String> {
    let output = Command::new(path)
        .args(["version", "-json"])
        .env("CHECKPOINT_DISABLE", "1")
        .env("TF_CLI_CONFIG_FILE", "/dev/null")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| e.to_string())?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let key = "\"terraform_version\"";
    let rest =
        &stdout[stdout.find(key).ok_or_else(|| format!("no version in {stdout:?}"))? + key.len()..];
    let value = rest.trim_start().trim_start_matches(':').trim_start();
    let value = value.strip_prefix('"').ok_or_else(|| format!("unexpected output {stdout:?}"))?;
    Ok(value[..value.find('"').unwrap_or(value.len())].to_string())
}

fn at_least_1_0(version: &str) -> bool {
    version
        .split('.')
        .next()
        .and_then(|major| major.parse::<u32>().ok())
        .is_some_and(|major| major >= 1)
}

/// A Terraform working folder in a fresh temp dir (with its own `TMPDIR`), run through
/// `scripts/tf` with one Terraform CLI against one local SageMaker endpoint.
/// `.terraform/` and the state stay inside it.
pub struct Workspace {
    /// The configuration folder (`-chdir`).
    pub dir: PathBuf,
    pub terraform: Terraform,
    endpoint: String,
    root: Option<tempfile::TempDir>,
    extra_env: Vec<(OsString, Option<OsString>)>,
}

impl Workspace {
    pub fn new(terraform: &Terraform, sagemaker: &LocalSageMaker) -> Workspace {
        Workspace::for_endpoint(terraform, &sagemaker.url)
    }

    /// A workspace whose SageMaker endpoint is `url` (e.g. a scripted endpoint in the test).
    pub fn for_endpoint(terraform: &Terraform, url: &str) -> Workspace {
        let root = tempfile::Builder::new()
            .prefix(&format!("tf-{}-", terraform.version))
            .tempdir()
            .expect("create a workspace temp dir");
        let dir = root.path().join("work");
        std::fs::create_dir_all(&dir).expect("create the workspace folder");
        std::fs::create_dir_all(root.path().join("tmp")).expect("create the workspace TMPDIR");
        Workspace {
            dir,
            terraform: terraform.clone(),
            endpoint: url.to_string(),
            root: Some(root),
            extra_env: Vec::new(),
        }
    }

    fn root(&self) -> &Path {
        self.root.as_ref().expect("workspace root").path()
    }

    /// Writes (or overwrites) a file in the configuration folder.
    pub fn write(&self, file_name: &str, contents: &str) {
        let path = self.dir.join(file_name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create parent folders");
        }
        std::fs::write(&path, contents).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    }

    /// Removes a file from the configuration folder.
    pub fn remove(&self, file_name: &str) {
        let path = self.dir.join(file_name);
        std::fs::remove_file(&path).unwrap_or_else(|e| panic!("remove {}: {e}", path.display()));
    }

    /// Sets an extra environment variable for every later Terraform run (after the defaults, so
    /// it can override them, e.g. `AWS_REGION`).
    pub fn set_env(&mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) {
        self.extra_env.push((key.as_ref().to_owned(), Some(value.as_ref().to_owned())));
    }

    /// Unsets an environment variable for every later Terraform run (e.g. the endpoint).
    pub fn remove_env(&mut self, key: impl AsRef<OsStr>) {
        self.extra_env.push((key.as_ref().to_owned(), None));
    }

    /// Runs `terraform apply -auto-approve` in a process group of its own, waits until
    /// `moment()` holds (at most a minute) and `settle` more, then sends SIGINT to the group as
    /// a terminal's Ctrl-C does, and waits for Terraform to end (at most two minutes: an apply
    /// that ignores the signal, the very bug these tests look for, is killed and fails the
    /// test). Its output is read while it runs, so a chatty Terraform never blocks on a pipe.
    pub fn apply_interrupted_when(
        &self,
        moment: impl Fn() -> bool,
        settle: Duration,
    ) -> Interrupted {
        let mut cmd = self.command(&["apply", "-auto-approve", "-input=false", "-no-color"]);
        cmd.process_group(0).stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("start terraform apply");
        let pid = child.id() as i32;
        let drain = |pipe: Option<Box<dyn Read + Send>>| {
            std::thread::spawn(move || {
                let mut text = String::new();
                if let Some(mut p) = pipe {
                    let _ = p.read_to_string(&mut text);
                }
                text
            })
        };
        let out = drain(child.stdout.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
        let err = drain(child.stderr.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
        // SAFETY: signalling the process group created for this child.
        let signal = |sig| unsafe { libc::kill(-pid, sig) };
        let started = Instant::now();
        while !moment() {
            if started.elapsed() > Duration::from_secs(60) {
                signal(libc::SIGKILL);
                let _ = child.wait();
                panic!("the moment to interrupt the apply never came");
            }
            sleep(Duration::from_millis(100));
        }
        sleep(settle);
        let signalled = Instant::now();
        signal(libc::SIGINT);
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait for terraform") {
                break status;
            }
            if signalled.elapsed() > Duration::from_secs(120) {
                signal(libc::SIGKILL);
                let _ = child.wait();
                panic!("terraform apply did not end within two minutes of Ctrl-C");
            }
            sleep(Duration::from_millis(50));
        };
        let after_signal = signalled.elapsed();
        let text = format!("{}{}", out.join().unwrap_or_default(), err.join().unwrap_or_default());
        Interrupted {
            after_signal,
            since_start: started.elapsed(),
            success: status.success(),
            text,
        }
    }

    /// `scripts/tf -chdir=<dir> <args>`, ready to run, with the test environment: the chosen
    /// Terraform, this run's provider binary, the local endpoint, test credentials, and no
    /// inherited `AWS_*` (nor `TF_*` but `TF_LOG*`) variables.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(project_root().join("scripts/tf"));
        cmd.arg(format!("-chdir={}", self.dir.display()))
            .args(args)
            .current_dir(&self.dir)
            .stdin(Stdio::null());
        for (key, _) in std::env::vars_os() {
            let k = key.to_string_lossy();
            if k.starts_with("AWS_")
                || (k.starts_with("TF_") && !k.starts_with("TF_LOG"))
                || k == "SAGEMAKER_USE_AWS"
                || k == "CARGO_TARGET_DIR"
            {
                cmd.env_remove(&key);
            }
        }
        let root = self.root();
        cmd.env("TERRAFORM", &self.terraform.path)
            .env("SAGEMAKER_PROVIDER_DIR", provider_dir())
            .env("TMPDIR", root.join("tmp"))
            .env("AWS_ENDPOINT_URL_SAGEMAKER", &self.endpoint)
            // The provider checks its credentials with STS GetCallerIdentity before its first call;
            // moto serves STS on the same port (a scripted endpoint must answer it too, or the
            // test sets skip_credentials_validation).
            .env("AWS_ENDPOINT_URL_STS", &self.endpoint)
            .env("AWS_REGION", "us-east-1")
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            // A developer's ~/.aws files must not leak in (profiles, SSO, regions).
            .env("AWS_CONFIG_FILE", root.join("no-aws-config"))
            .env("AWS_SHARED_CREDENTIALS_FILE", root.join("no-aws-credentials"));
        for (key, value) in &self.extra_env {
            match value {
                Some(value) => cmd.env(key, value),
                None => cmd.env_remove(key),
            };
        }
        cmd
    }

    /// Runs `scripts/tf -chdir=<dir> <args>`. The command and its output go to stderr, which
    /// the test runner shows only for failing tests.
    pub fn tf(&self, args: &[&str]) -> Output {
        let started = Instant::now();
        let output =
            self.command(args).output().unwrap_or_else(|e| panic!("cannot run scripts/tf: {e}"));
        eprintln!("{}", self.describe(args, &output, started.elapsed()));
        output
    }

    fn describe(&self, args: &[&str], output: &Output, took: Duration) -> String {
        format!(
            "$ terraform {} (Terraform {}, in {}) -> {} after {:.1?}\n--- stdout\n{}--- stderr\n{}---",
            args.join(" "),
            self.terraform.version,
            self.dir.display(),
            output.status,
            took,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
        )
    }

    /// Runs Terraform and returns its stdout; panics with stdout and stderr if it fails.
    pub fn tf_ok(&self, args: &[&str]) -> String {
        let output = self.tf(args);
        if !output.status.success() {
            panic!(
                "terraform {} failed with Terraform {}:\n--- stdout\n{}--- stderr\n{}",
                args.join(" "),
                self.terraform.version,
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// Runs Terraform expecting failure; returns stdout followed by stderr (where Terraform
    /// prints diagnostics); panics if it succeeds.
    pub fn tf_err(&self, args: &[&str]) -> String {
        let output = self.tf(args);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        if output.status.success() {
            panic!(
                "terraform {} succeeded with Terraform {} but was expected to fail:\n{text}",
                args.join(" "),
                self.terraform.version
            );
        }
        text
    }

    /// `terraform init -input=false -no-color`
    pub fn init(&self) -> String {
        self.tf_ok(&["init", "-input=false", "-no-color"])
    }

    /// `terraform apply -auto-approve -input=false -no-color`
    pub fn apply(&self) -> String {
        self.tf_ok(&["apply", "-auto-approve", "-input=false", "-no-color"])
    }

    /// `terraform destroy -auto-approve -input=false -no-color`
    pub fn destroy(&self) -> String {
        self.tf_ok(&["destroy", "-auto-approve", "-input=false", "-no-color"])
    }

    /// `terraform plan -detailed-exitcode -no-color -input=false`: 0 no changes, 2 changes,
    /// 1 error (the output is on stderr, shown if the test fails).
    pub fn plan_exit_code(&self) -> i32 {
        let output = self.tf(&["plan", "-detailed-exitcode", "-no-color", "-input=false"]);
        output
            .status
            .code()
            .unwrap_or_else(|| panic!("terraform plan was killed: {}", output.status))
    }

    /// `terraform state show -no-color <address>`
    pub fn state_show(&self, address: &str) -> String {
        self.tf_ok(&["state", "show", "-no-color", address])
    }

    /// `terraform show -json` (the state, or a saved plan when given its file name).
    pub fn show_json(&self, plan_file: Option<&str>) -> String {
        let mut args = vec!["show", "-json"];
        args.extend(plan_file);
        self.tf_ok(&args)
    }
}

impl Drop for Workspace {
    fn drop(&mut self) {
        let keep =
            std::env::var_os("SAGEMAKER_TEST_KEEP_WORKSPACES").as_deref() == Some(OsStr::new("1"));
        if keep {
            if let Some(root) = self.root.take() {
                eprintln!("keeping workspace {}", root.path().display());
                std::mem::forget(root);
            }
        }
    }
}

/// What an apply interrupted by [`Workspace::apply_interrupted_when`] did.
pub struct Interrupted {
    /// From the SIGINT to Terraform's end.
    pub after_signal: Duration,
    /// From the start of the apply to its end.
    pub since_start: Duration,
    pub success: bool,
    /// Its stdout and stderr.
    pub text: String,
}
