//! Acceptance tests of `sagemaker_ml_pipeline.version_id` through the real Terraform CLI.
//!
//! The local endpoint (moto) has no pipeline versions: it answers ListPipelineVersions with an
//! HTML error page and UpdatePipeline without `PipelineVersionId`. [`VersionProxy`] sits between
//! the provider and moto and either passes everything through (counting requests: the provider
//! must ask once, not retry, and keep `version_id` null), or plays SageMaker's versions: version 1
//! on CreatePipeline, one more on each UpdatePipeline (returned as `PipelineVersionId`), and
//! ListPipelineVersions answering the newest. What the pipeline holds is checked against moto.

mod support;

use std::collections::BTreeMap;
use std::io::{BufReader, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use serde_json::{json, Value as Json};
use support::http::Message;
use support::{terraform_binaries, LocalSageMaker, Workspace};

const ROLE: &str = "arn:aws:iam::123456789012:role/sagemaker-pipeline";

#[derive(Default)]
struct Versions {
    /// Pipeline name -> newest version (only while playing versions).
    newest: BTreeMap<String, i64>,
    /// Operation -> requests seen.
    requests: BTreeMap<String, u64>,
}

struct VersionProxy {
    url: String,
    state: Arc<Mutex<Versions>>,
    stop: Arc<AtomicBool>,
}

impl VersionProxy {
    fn start(upstream_port: u16, play_versions: bool) -> VersionProxy {
        let listener = TcpListener::bind(("127.0.0.1", 0)).expect("bind the proxy");
        let url = format!("http://127.0.0.1:{}", listener.local_addr().expect("addr").port());
        let state = Arc::new(Mutex::new(Versions::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let (state2, stop2) = (state.clone(), stop.clone());
        thread::spawn(move || {
            for conn in listener.incoming() {
                if stop2.load(Ordering::Relaxed) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let state = state2.clone();
                thread::spawn(move || serve(conn, upstream_port, play_versions, &state));
            }
        });
        VersionProxy { url, state, stop }
    }

    fn requests(&self, operation: &str) -> u64 {
        self.state.lock().expect("state").requests.get(operation).copied().unwrap_or(0)
    }
}

impl Drop for VersionProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = TcpStream::connect(self.url.trim_start_matches("http://"));
    }
}

fn forward(upstream_port: u16, request: &Message) -> Option<Message> {
    let mut upstream = TcpStream::connect(("127.0.0.1", upstream_port)).ok()?;
    upstream.set_read_timeout(Some(Duration::from_secs(60))).ok()?;
    upstream.write_all(&request.bytes("close")).ok()?;
    Message::read(&mut BufReader::new(upstream))
}

fn json_answer(body: &Json) -> Vec<u8> {
    let body = body.to_string();
    format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\nx-amzn-RequestId: versions-proxy\r\nContent-Length: {}\r\nConnection: keep-alive\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

fn serve(conn: TcpStream, upstream_port: u16, play: bool, state: &Mutex<Versions>) {
    let Ok(read_half) = conn.try_clone() else { return };
    let mut reader = BufReader::new(read_half);
    let mut conn = conn;
    while let Some(request) = Message::read(&mut reader) {
        let operation = request
            .header("x-amz-target")
            .unwrap_or("?")
            .trim_start_matches("SageMaker.")
            .to_string();
        *state.lock().expect("state").requests.entry(operation.clone()).or_default() += 1;
        let body: Json = serde_json::from_slice(&request.body).unwrap_or_default();
        let name = body["PipelineName"].as_str().unwrap_or("?").to_string();
        let answer = if play && operation == "ListPipelineVersions" {
            let newest = state.lock().expect("state").newest.get(&name).copied();
            let summaries: Vec<Json> =
                newest.map(|v| json!({"PipelineVersionId": v})).into_iter().collect();
            json_answer(&json!({ "PipelineVersionSummaries": summaries }))
        } else {
            let Some(mut answer) = forward(upstream_port, &request) else { return };
            let ok = answer.head[0].contains(" 200 ");
            if play && ok && (operation == "CreatePipeline" || operation == "UpdatePipeline") {
                let mut s = state.lock().expect("state");
                let v = s.newest.entry(name).or_default();
                *v += 1;
                if operation == "UpdatePipeline" {
                    let mut out: Json = serde_json::from_slice(&answer.body).unwrap_or_default();
                    out["PipelineVersionId"] = json!(*v);
                    answer.body = out.to_string().into_bytes();
                }
            }
            answer.bytes("keep-alive")
        };
        if conn.write_all(&answer).is_err() {
            return;
        }
    }
    let _ = conn.shutdown(Shutdown::Both);
}

fn config(endpoint: &str, description: &str, tags: &str) -> String {
    format!(
        r#"
terraform {{
  required_providers {{
    sagemaker = {{ source = "sagemaker-pipelines/sagemaker" }}
  }}
}}

provider "sagemaker" {{
  endpoints {{ sagemaker = "{endpoint}" }}
}}

resource "sagemaker_ml_pipeline" "p" {{
  name        = "versioned"
  role_arn    = "{ROLE}"
  description = "{description}"
  steps = [jsonencode({{ Name = "Stop", Type = "Fail", Arguments = {{ ErrorMessage = "x" }} }})]
  tags  = {tags}
}}
"#
    )
}

/// `version_id` in the state (`terraform show -json`; Terraform 1.0 keeps no null outputs).
fn version(ws: &Workspace) -> Json {
    let shown: Json = serde_json::from_str(&ws.show_json(None)).expect("show -json");
    let resources = &shown["values"]["root_module"]["resources"];
    let p = resources.as_array().and_then(|r| r.first()).expect("the pipeline in state");
    p["values"]["version_id"].clone()
}

/// Where the endpoint has versions: 1 after create, one more per UpdatePipeline, unchanged by
/// a change of tags only (which makes no UpdatePipeline call), and planned as such.
#[test]
fn version_id_follows_creates_and_updates() {
    let sm = LocalSageMaker::start();
    for terraform in terraform_binaries() {
        sm.reset();
        let proxy = VersionProxy::start(sm.port, true);
        let ws = Workspace::new(&terraform, &sm);
        let v = &terraform.version;
        ws.write("main.tf", &config(&proxy.url, "one", "{ a = \"1\" }"));
        ws.init();
        ws.apply();
        assert_eq!(version(&ws), json!(1), "[{v}] version after create");
        assert_eq!(ws.plan_exit_code(), 0, "[{v}] plan after create");

        ws.write("main.tf", &config(&proxy.url, "two", "{ a = \"1\" }"));
        let plan = ws.tf_ok(&["plan", "-no-color", "-input=false"]);
        assert!(
            plan.contains("version_id") && plan.contains("(known after apply)"),
            "[{v}] {plan}"
        );
        ws.apply();
        assert_eq!(version(&ws), json!(2), "[{v}] UpdatePipeline's PipelineVersionId");
        assert_eq!(
            sm.describe_pipeline("versioned").expect("deployed")["PipelineDescription"],
            "two"
        );
        assert_eq!(ws.plan_exit_code(), 0, "[{v}] plan after update");

        let updates = proxy.requests("UpdatePipeline");
        ws.write("main.tf", &config(&proxy.url, "two", "{ a = \"2\" }"));
        let plan = ws.tf_ok(&["plan", "-no-color", "-input=false"]);
        assert!(!plan.contains("version_id"), "[{v}] tags alone make no version: {plan}");
        ws.apply();
        assert_eq!(proxy.requests("UpdatePipeline"), updates, "[{v}] no UpdatePipeline for tags");
        assert_eq!(version(&ws), json!(2), "[{v}]");

        // Imported: read asks for the newest version.
        ws.tf_ok(&["state", "rm", "sagemaker_ml_pipeline.p"]);
        ws.tf_ok(&["import", "-no-color", "-input=false", "sagemaker_ml_pipeline.p", "versioned"]);
        ws.tf_ok(&["refresh", "-no-color", "-input=false"]);
        assert_eq!(version(&ws), json!(2), "[{v}] after import");
        assert_eq!(ws.plan_exit_code(), 0, "[{v}] plan after import");
        ws.destroy();
    }
}

/// Where the endpoint has no versions (moto's HTML error page for ListPipelineVersions), the
/// provider asks once per create without retrying, `version_id` stays null and nothing fails.
#[test]
fn version_id_is_null_where_the_endpoint_has_no_versions() {
    let sm = LocalSageMaker::start();
    for terraform in terraform_binaries() {
        sm.reset();
        let proxy = VersionProxy::start(sm.port, false);
        let ws = Workspace::new(&terraform, &sm);
        let v = &terraform.version;
        ws.write("main.tf", &config(&proxy.url, "one", "{}"));
        ws.init();
        let before = proxy.requests("ListPipelineVersions");
        ws.apply();
        assert_eq!(version(&ws), Json::Null, "[{v}]");
        let asked = proxy.requests("ListPipelineVersions") - before;
        assert!(
            (1..=3).contains(&asked),
            "[{v}] asked {asked} times: an unimplemented operation is not retried"
        );
        assert_eq!(ws.plan_exit_code(), 0, "[{v}] plan after create");
        ws.write("main.tf", &config(&proxy.url, "two", "{}"));
        ws.apply();
        assert_eq!(version(&ws), Json::Null, "[{v}]");
        assert_eq!(ws.plan_exit_code(), 0, "[{v}] plan after update");
        ws.destroy();
    }
}
