//! Acceptance tests of the provider on a misbehaving network (issue 6, "nothing lost when the
//! network misbehaves"), through the real Terraform CLI.
//!
//! - [`FaultProxy`] sits between Terraform's provider and the local SageMaker endpoint (moto)
//!   and injects faults into about 30% of requests: `400 ThrottlingException`, `500`, `503`, a
//!   connection reset before forwarding, and a connection reset *after* forwarding (the call took
//!   effect, the answer is lost). Like SageMaker, and unlike moto, it answers a repeated
//!   `ClientRequestToken` on CreatePipeline with the first answer.
//! - A hanging endpoint (accepts connections, never answers) must end `plan` and `apply` with a
//!   timeout error within the timeouts set in the provider block.
//!
//! What the endpoint holds is always checked against moto directly, never through the proxy.

mod support;

use std::collections::{BTreeMap, HashMap};
use std::io::{BufReader, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::os::unix::process::CommandExt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value as Json;
use support::http::Message;
use support::{terraform_binaries, LocalSageMaker, Workspace};

const ROLE: &str = "arn:aws:iam::123456789012:role/sagemaker-pipeline";

// ---- the fault-injecting proxy --------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Fault {
    Throttle,
    Status500,
    Status503,
    ResetBefore,
    ResetAfter,
}

const FAULTS: [Fault; 5] =
    [Fault::Throttle, Fault::Status500, Fault::Status503, Fault::ResetBefore, Fault::ResetAfter];

/// A small HTTP proxy in front of moto that injects faults (see the module doc).
struct FaultProxy {
    url: String,
    tokens: Arc<Mutex<BTreeMap<String, std::collections::BTreeSet<String>>>>,
    stats: Arc<Mutex<BTreeMap<String, u64>>>,
    stop: Arc<AtomicBool>,
    /// While set, CreatePipeline is forwarded (it takes effect) and its answer never comes.
    hang_creates: Arc<AtomicBool>,
    /// The same for UpdatePipeline.
    hang_updates: Arc<AtomicBool>,
    /// While set, UpdatePipeline is refused (400 ValidationException) and not forwarded.
    refuse_updates: Arc<AtomicBool>,
    /// While set, DescribePipeline answers `PipelineStatus: Deleting` (moto deletes at once).
    deleting: Arc<AtomicBool>,
    /// While set, a deleted pipeline lingers for [`LINGER`], as SageMaker deletes in the
    /// background: DescribePipeline shows it `Deleting`, CreatePipeline of its name is refused.
    linger_deletes: Arc<AtomicBool>,
    /// While set, CreatePipeline is answered 500 without being forwarded, and DescribePipeline
    /// is held without an answer.
    fail_creates_hang_describes: Arc<AtomicBool>,
    /// While set, CreatePipeline is refused with an XML 403 AccessDenied, as IAM-enforcing
    /// endpoints and proxies answer, and not forwarded.
    deny_creates_in_xml: Arc<AtomicBool>,
}

const LINGER: Duration = Duration::from_secs(5);

struct ProxyState {
    upstream_port: u16,
    fault_rate: f64,
    rng: AtomicU64,
    /// CreatePipeline answers by ClientRequestToken: SageMaker's idempotency.
    answers: Mutex<HashMap<String, Vec<u8>>>,
    /// The ClientRequestTokens each pipeline's CreatePipeline attempts carried.
    tokens: Arc<Mutex<BTreeMap<String, std::collections::BTreeSet<String>>>>,
    stats: Arc<Mutex<BTreeMap<String, u64>>>,
    hang_creates: Arc<AtomicBool>,
    hang_updates: Arc<AtomicBool>,
    refuse_updates: Arc<AtomicBool>,
    deleting: Arc<AtomicBool>,
    linger_deletes: Arc<AtomicBool>,
    fail_creates_hang_describes: Arc<AtomicBool>,
    deny_creates_in_xml: Arc<AtomicBool>,
    /// The last DescribePipeline answer body per pipeline name, and when each lingering
    /// pipeline was deleted.
    described: Mutex<HashMap<String, Vec<u8>>>,
    lingering: Mutex<HashMap<String, Instant>>,
    /// Connections held open without an answer.
    held: Mutex<Vec<TcpStream>>,
}

impl ProxyState {
    /// xorshift64*: reproducible per seed, shared by all connections.
    fn random(&self) -> f64 {
        let mut x = self.rng.load(Ordering::Relaxed);
        loop {
            let mut y = x;
            y ^= y >> 12;
            y ^= y << 25;
            y ^= y >> 27;
            match self.rng.compare_exchange(x, y, Ordering::Relaxed, Ordering::Relaxed) {
                Ok(_) => {
                    return (y.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64
                        / (1u64 << 53) as f64
                }
                Err(now) => x = now,
            }
        }
    }

    fn count(&self, what: &str) {
        *self.stats.lock().expect("stats").entry(what.to_string()).or_default() += 1;
    }

    fn forward(&self, request: &Message) -> Option<Vec<u8>> {
        let mut upstream = TcpStream::connect(("127.0.0.1", self.upstream_port)).ok()?;
        upstream.set_read_timeout(Some(Duration::from_secs(60))).ok()?;
        upstream.write_all(&request.bytes("close")).ok()?;
        let mut reader = BufReader::new(upstream);
        let mut answer = Message::read(&mut reader)?;
        let describe = request.header("x-amz-target") == Some("SageMaker.DescribePipeline");
        if describe && answer.head[0].contains(" 200") {
            let name = pipeline_name(request);
            self.described.lock().expect("described").insert(name, answer.body.clone());
        }
        if self.deleting.load(Ordering::Relaxed) && describe {
            if let Ok(mut body) = serde_json::from_slice::<Json>(&answer.body) {
                if body.get("PipelineStatus").is_some() {
                    body["PipelineStatus"] = Json::from("Deleting");
                    answer.body = body.to_string().into_bytes();
                }
            }
        }
        Some(answer.bytes("keep-alive"))
    }
}

/// Closes a connection with a TCP reset (SO_LINGER 0), as a broken middlebox would.
fn reset(stream: TcpStream) {
    let linger = libc::linger { l_onoff: 1, l_linger: 0 };
    // SAFETY: setsockopt on an open socket we own, with a correctly sized linger struct.
    unsafe {
        libc::setsockopt(
            stream.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            &linger as *const libc::linger as *const libc::c_void,
            std::mem::size_of::<libc::linger>() as libc::socklen_t,
        );
    }
    drop(stream);
}

fn pipeline_name(request: &Message) -> String {
    let body = serde_json::from_slice::<Json>(&request.body).unwrap_or_default();
    body["PipelineName"].as_str().unwrap_or("?").to_string()
}

fn json_answer(status: u16, reason: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/x-amz-json-1.1\r\nx-amzn-RequestId: proxy-{status}\r\nContent-Length: {}\r\nConnection: keep-alive\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// A pipeline deleted within [`LINGER`] (see `FaultProxy::linger_deletes`): DescribePipeline
/// shows it `Deleting`; CreatePipeline of its name is refused as a name in use.
fn lingering_answer(state: &ProxyState, operation: &str, request: &Message) -> Option<Vec<u8>> {
    let name = pipeline_name(request);
    let since = *state.lingering.lock().expect("lingering").get(&name)?;
    if since.elapsed() > LINGER {
        return None;
    }
    match operation {
        "DescribePipeline" => {
            let mut body: Json =
                serde_json::from_slice(state.described.lock().expect("described").get(&name)?)
                    .ok()?;
            body["PipelineStatus"] = Json::from("Deleting");
            state.count("lingering DescribePipeline");
            Some(json_answer(200, "OK", &body.to_string()))
        }
        "CreatePipeline" => {
            state.count("lingering CreatePipeline");
            let body = format!(
                r#"{{"__type":"ResourceInUse","message":"Pipeline {name} already exists"}}"#
            );
            Some(json_answer(400, "Bad Request", &body))
        }
        _ => None,
    }
}

fn error_answer(status: u16, reason: &str, code: Option<&str>) -> Vec<u8> {
    let body = match code {
        Some(code) => format!(r#"{{"__type":"{code}","message":"Rate exceeded"}}"#),
        None => String::new(),
    };
    format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/x-amz-json-1.1\r\nx-amzn-RequestId: fault-{status}\r\nContent-Length: {}\r\nConnection: keep-alive\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

impl FaultProxy {
    fn start(upstream_port: u16, seed: u64, fault_rate: f64) -> FaultProxy {
        let listener = TcpListener::bind(("127.0.0.1", 0)).expect("bind the proxy");
        let url = format!("http://127.0.0.1:{}", listener.local_addr().expect("addr").port());
        let stats = Arc::new(Mutex::new(BTreeMap::new()));
        let tokens = Arc::new(Mutex::new(BTreeMap::new()));
        let state = Arc::new(ProxyState {
            upstream_port,
            fault_rate,
            rng: AtomicU64::new(seed | 1),
            answers: Mutex::new(HashMap::new()),
            tokens: tokens.clone(),
            stats: stats.clone(),
            hang_creates: Arc::new(AtomicBool::new(false)),
            hang_updates: Arc::new(AtomicBool::new(false)),
            refuse_updates: Arc::new(AtomicBool::new(false)),
            deleting: Arc::new(AtomicBool::new(false)),
            linger_deletes: Arc::new(AtomicBool::new(false)),
            fail_creates_hang_describes: Arc::new(AtomicBool::new(false)),
            deny_creates_in_xml: Arc::new(AtomicBool::new(false)),
            described: Mutex::new(HashMap::new()),
            lingering: Mutex::new(HashMap::new()),
            held: Mutex::new(Vec::new()),
        });
        let hang_creates = state.hang_creates.clone();
        let hang_updates = state.hang_updates.clone();
        let refuse_updates = state.refuse_updates.clone();
        let deleting = state.deleting.clone();
        let linger_deletes = state.linger_deletes.clone();
        let fail_creates_hang_describes = state.fail_creates_hang_describes.clone();
        let deny_creates_in_xml = state.deny_creates_in_xml.clone();
        let stop = Arc::new(AtomicBool::new(false));
        let stop2 = stop.clone();
        thread::spawn(move || {
            for conn in listener.incoming() {
                if stop2.load(Ordering::Relaxed) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let state = state.clone();
                thread::spawn(move || serve(conn, &state));
            }
        });
        FaultProxy {
            url,
            tokens,
            stats,
            stop,
            hang_creates,
            hang_updates,
            refuse_updates,
            deleting,
            linger_deletes,
            fail_creates_hang_describes,
            deny_creates_in_xml,
        }
    }

    fn stats(&self) -> BTreeMap<String, u64> {
        self.stats.lock().expect("stats").clone()
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(self.url.trim_start_matches("http://"));
    }
}

fn serve(conn: TcpStream, state: &ProxyState) {
    let Ok(read_half) = conn.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let mut conn = conn;
    while let Some(request) = Message::read(&mut reader) {
        let operation = request
            .header("x-amz-target")
            .unwrap_or("?")
            .trim_start_matches("SageMaker.")
            .to_string();
        state.count(&format!("requests {operation}"));
        let token = if operation == "CreatePipeline" {
            let body = serde_json::from_slice::<Json>(&request.body).unwrap_or_default();
            let token = body["ClientRequestToken"].as_str().map(str::to_string);
            let name = body["PipelineName"].as_str().unwrap_or("?").to_string();
            state
                .tokens
                .lock()
                .expect("tokens")
                .entry(name)
                .or_default()
                .insert(token.clone().unwrap_or_default());
            token
        } else {
            None
        };
        let hang = match operation.as_str() {
            "CreatePipeline" => state.hang_creates.load(Ordering::Relaxed),
            "UpdatePipeline" => state.hang_updates.load(Ordering::Relaxed),
            _ => false,
        };
        if hang {
            state.count(&format!("hung {operation}"));
            let _ = state.forward(&request);
            state.held.lock().expect("held").push(conn);
            return;
        }
        if state.fail_creates_hang_describes.load(Ordering::Relaxed) {
            if operation == "CreatePipeline" {
                state.count("failed CreatePipeline");
                if conn.write_all(&error_answer(500, "Internal Server Error", None)).is_err() {
                    return;
                }
                continue;
            }
            if operation == "DescribePipeline" {
                state.count("hung DescribePipeline");
                state.held.lock().expect("held").push(conn);
                return;
            }
        }
        if let Some(answer) = lingering_answer(state, &operation, &request) {
            if conn.write_all(&answer).is_err() {
                return;
            }
            continue;
        }
        if operation == "DeletePipeline" && state.linger_deletes.load(Ordering::Relaxed) {
            let name = pipeline_name(&request);
            let Some(answer) = state.forward(&request) else {
                return reset(conn);
            };
            state.lingering.lock().expect("lingering").insert(name, Instant::now());
            if conn.write_all(&answer).is_err() {
                return;
            }
            continue;
        }
        if operation == "CreatePipeline" && state.deny_creates_in_xml.load(Ordering::Relaxed) {
            state.count("denied CreatePipeline");
            let body = "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:iam::123456789012:user/ci is not authorized to perform: sagemaker:CreatePipeline</Message></Error><RequestId>xml-403</RequestId></ErrorResponse>";
            let answer = format!(
                "HTTP/1.1 403 Forbidden\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: keep-alive\r\n\r\n{body}",
                body.len()
            );
            if conn.write_all(answer.as_bytes()).is_err() {
                return;
            }
            continue;
        }
        if operation == "UpdatePipeline" && state.refuse_updates.load(Ordering::Relaxed) {
            state.count("refused UpdatePipeline");
            if conn
                .write_all(&error_answer(400, "Bad Request", Some("ValidationException")))
                .is_err()
            {
                return;
            }
            continue;
        }
        let fault = (state.random() < state.fault_rate)
            .then(|| FAULTS[(state.random() * FAULTS.len() as f64) as usize % FAULTS.len()]);
        if let Some(f) = fault {
            state.count(&format!("fault {f:?}"));
        }
        let answer = match fault {
            Some(Fault::ResetBefore) => return reset(conn),
            Some(Fault::Throttle) => error_answer(400, "Bad Request", Some("ThrottlingException")),
            Some(Fault::Status500) => error_answer(500, "Internal Server Error", None),
            Some(Fault::Status503) => error_answer(503, "Service Unavailable", None),
            None | Some(Fault::ResetAfter) => {
                let replay = token
                    .as_ref()
                    .and_then(|t| state.answers.lock().expect("answers").get(t).cloned());
                let answer = match replay {
                    Some(a) => {
                        state.count("replayed CreatePipeline answer");
                        a
                    }
                    None => {
                        let Some(a) = state.forward(&request) else {
                            return reset(conn);
                        };
                        if let (Some(t), true) = (
                            &token,
                            a.starts_with(b"HTTP/1.1 200") || a.starts_with(b"HTTP/1.0 200"),
                        ) {
                            state.answers.lock().expect("answers").insert(t.clone(), a.clone());
                        }
                        a
                    }
                };
                if fault == Some(Fault::ResetAfter) {
                    return reset(conn);
                }
                answer
            }
        };
        if conn.write_all(&answer).is_err() {
            return;
        }
    }
    let _ = conn.shutdown(Shutdown::Both);
}

// ---- what the endpoint holds ---------------------------------------------------------------

fn moto_tags(sm: &LocalSageMaker, arn: &str) -> BTreeMap<String, String> {
    let (_, body) = sm
        .request_sagemaker("ListTags", &serde_json::json!({ "ResourceArn": arn }).to_string())
        .expect("ListTags");
    let v: Json = serde_json::from_str(&body).expect("json");
    // moto appends a re-added key; the last one is the value in force.
    v["Tags"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|t| {
                    (
                        t["Key"].as_str().unwrap_or("").to_string(),
                        t["Value"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Every pipeline in Terraform's state matches what moto holds, and moto holds nothing else.
fn assert_state_matches_endpoint(ws: &Workspace, sm: &LocalSageMaker, expected: usize) {
    let state: Json = serde_json::from_str(&ws.show_json(None)).expect("show -json");
    let resources =
        state["values"]["root_module"]["resources"].as_array().cloned().unwrap_or_default();
    let mut in_state: BTreeMap<String, Json> = BTreeMap::new();
    for r in
        resources.iter().filter(|r| r["type"] == "sagemaker_ml_pipeline" && r["mode"] == "managed")
    {
        in_state
            .insert(r["values"]["name"].as_str().expect("name").to_string(), r["values"].clone());
    }
    let mut deployed = sm.pipeline_names();
    deployed.sort();
    assert_eq!(
        in_state.keys().cloned().collect::<Vec<_>>(),
        deployed,
        "state and endpoint hold different pipelines"
    );
    assert_eq!(deployed.len(), expected);
    for (name, values) in &in_state {
        let d = sm.describe_pipeline(name).expect("deployed");
        assert_eq!(values["arn"], d["PipelineArn"], "{name}: arn");
        assert_eq!(values["role_arn"], d["RoleArn"], "{name}: role");
        let mine = definition_from_parts(&values["definition_parts"]);
        let theirs: Json =
            serde_json::from_str(d["PipelineDefinition"].as_str().expect("definition"))
                .expect("json");
        assert_eq!(mine, theirs, "{name}: definition");
        assert_eq!(values["description"], d["PipelineDescription"], "{name}: description");
        let tags_all: BTreeMap<String, String> =
            serde_json::from_value(values["tags_all"].clone()).expect("tags_all");
        // The provider's mark on a pipeline a create took over is not a user tag.
        let mut deployed_tags = moto_tags(sm, d["PipelineArn"].as_str().expect("arn"));
        deployed_tags.remove("terraform-provider-sagemaker:owner");
        assert_eq!(tags_all, deployed_tags, "{name}: tags");
    }
}

/// Runs `args` until it succeeds, at most `runs` times; returns how many runs it took.
fn converge(ws: &Workspace, args: &[&str], runs: usize) -> usize {
    for run in 1..=runs {
        if ws.tf(args).status.success() {
            return run;
        }
    }
    panic!("terraform {} did not converge within {runs} runs (output above)", args.join(" "));
}

fn fleet(proxy_url: &str, description: &str, message: &str) -> String {
    format!(
        r#"
terraform {{
  required_providers {{
    sagemaker = {{ source = "sagemaker-pipelines/sagemaker" }}
  }}
}}

provider "sagemaker" {{
  default_tags = {{ team = "ml" }}
  endpoints {{
    sagemaker = "{proxy_url}"
  }}
}}

resource "sagemaker_ml_pipeline" "fleet" {{
  count       = 20
  name        = "fault-${{count.index}}"
  role_arn    = "{ROLE}"
  description = "{description} ${{count.index}}"

  parameter {{
    name    = "Epochs"
    type    = "Integer"
    default = "3"
  }}

  steps = [
    jsonencode({{
      Name      = "Stop"
      Type      = "Fail"
      Arguments = {{ ErrorMessage = "{message}" }}
    }}),
  ]

  tags = {{ index = "${{count.index}}" }}
}}
"#
    )
}

/// Issue 6: with 30% injected faults and default settings, 20 pipelines are created, changed and
/// destroyed, every phase converging within two runs, the state equal to the endpoint after
/// each phase, and nothing left behind.
#[test]
fn twenty_pipelines_survive_thirty_percent_faults() {
    for (i, terraform) in terraform_binaries().iter().enumerate() {
        let sagemaker = LocalSageMaker::start();
        let proxy = FaultProxy::start(sagemaker.port, 0x5EED_0000 + i as u64, 0.30);
        let ws = Workspace::new(terraform, &sagemaker);
        let apply = ["apply", "-auto-approve", "-input=false", "-no-color"];
        let destroy = ["destroy", "-auto-approve", "-input=false", "-no-color"];
        let started = Instant::now();

        ws.write("main.tf", &fleet(&proxy.url, "first", "not yet"));
        ws.init();
        let create_runs = converge(&ws, &apply, 2);
        // One ClientRequestToken per planned create, reused by every attempt: each pipeline's
        // CreatePipeline requests (retries included) carried one token per apply run.
        let tokens = proxy.tokens.lock().expect("tokens").clone();
        assert_eq!(tokens.len(), 20, "{tokens:?}");
        for (name, used) in &tokens {
            assert!(used.len() <= create_runs && !used.contains(""), "{name}: tokens {used:?}");
        }
        assert_state_matches_endpoint(&ws, &sagemaker, 20);

        ws.write("main.tf", &fleet(&proxy.url, "second", "changed step"));
        let change_runs = converge(&ws, &apply, 2);
        assert_state_matches_endpoint(&ws, &sagemaker, 20);
        for n in 0..20 {
            let d = sagemaker.deployed_definition(&format!("fault-{n}"));
            assert_eq!(
                d["Steps"][0]["Arguments"]["ErrorMessage"], "changed step",
                "fault-{n} was not changed"
            );
        }

        let destroy_runs = converge(&ws, &destroy, 2);
        assert_state_matches_endpoint(&ws, &sagemaker, 0);
        assert!(sagemaker.pipeline_names().is_empty(), "destroy left pipelines behind");

        let stats = proxy.stats();
        eprintln!(
            "Terraform {}: runs create {create_runs}, change {change_runs}, destroy {destroy_runs}; {:.0?}; proxy {stats:?}",
            terraform.version,
            started.elapsed()
        );
        // The test only means something if every fault kind really happened, the lost-answer
        // ones included.
        for f in FAULTS {
            assert!(
                stats.get(&format!("fault {f:?}")).copied().unwrap_or(0) > 0,
                "no {f:?} injected: {stats:?}"
            );
        }
        let requests: u64 =
            stats.iter().filter(|(k, _)| k.starts_with("requests")).map(|(_, v)| v).sum();
        let faults: u64 =
            stats.iter().filter(|(k, _)| k.starts_with("fault")).map(|(_, v)| v).sum();
        assert!(requests >= 100, "too few requests to mean anything: {stats:?}");
        let rate = faults as f64 / requests as f64;
        assert!((0.2..0.4).contains(&rate), "fault rate {rate:.2} is not about 30%: {stats:?}");
    }
}

/// Terraform wraps diagnostics at its own width, which differs between versions.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

// ---- a hanging endpoint ---------------------------------------------------------------------

/// Accepts connections and never answers.
struct HangingEndpoint {
    url: String,
}

fn hanging_endpoint() -> HangingEndpoint {
    let listener = TcpListener::bind(("127.0.0.1", 0)).expect("bind");
    let url = format!("http://127.0.0.1:{}", listener.local_addr().expect("addr").port());
    thread::spawn(move || {
        let mut held = Vec::new();
        for conn in listener.incoming().flatten() {
            held.push(conn);
        }
    });
    HangingEndpoint { url }
}

/// Issue 6: an endpoint that accepts connections and never answered hung `plan` and `apply`
/// with no error after 300 s. With `call_timeout = "2s"` and `operation_timeout = "6s"` both
/// end with a timeout error naming the endpoint, well within a minute.
#[test]
fn a_hanging_endpoint_ends_plan_and_apply_with_a_timeout_error() {
    let hang = hanging_endpoint();
    let sagemaker = LocalSageMaker::start();
    for terraform in terraform_binaries() {
        let ws = Workspace::new(&terraform, &sagemaker);
        let provider = format!(
            r#"
terraform {{
  required_providers {{
    sagemaker = {{ source = "sagemaker-pipelines/sagemaker" }}
  }}
}}

provider "sagemaker" {{
  call_timeout      = "2s"
  operation_timeout = "6s"
  endpoints {{
    sagemaker = "{}"
  }}
}}
"#,
            hang.url
        );
        // plan: a data source read at plan time.
        ws.write(
            "main.tf",
            &format!(
                "{provider}\ndata \"sagemaker_ml_pipeline\" \"x\" {{\n  name = \"anything\"\n}}\n"
            ),
        );
        ws.init();
        let started = Instant::now();
        let out = flat(&ws.tf_err(&["plan", "-input=false", "-no-color"]));
        let took = started.elapsed();
        assert!(took < Duration::from_secs(45), "plan took {took:?}");
        assert!(out.contains("DescribePipeline failed") && out.contains(&hang.url), "{out}");
        assert!(out.contains("operation_timeout (6s)"), "{out}");
        assert!(
            !out.contains("DispatchFailure") && !out.contains("TimeoutError"),
            "Rust debug text: {out}"
        );

        // apply: a create whose outcome cannot be known; the check afterwards times out too.
        ws.write(
            "main.tf",
            &format!(
                "{provider}\nresource \"sagemaker_ml_pipeline\" \"p\" {{\n  name = \"hang\"\n  role_arn = \"{ROLE}\"\n  steps = [jsonencode({{ Name = \"F\", Type = \"Fail\", Arguments = {{ ErrorMessage = \"x\" }} }})]\n}}\n"
            ),
        );
        let started = Instant::now();
        let out = flat(&ws.tf_err(&["apply", "-auto-approve", "-input=false", "-no-color"]));
        let took = started.elapsed();
        assert!(took < Duration::from_secs(60), "apply took {took:?}");
        assert!(
            out.contains("CreatePipeline failed") && out.contains("operation_timeout (6s)"),
            "{out}"
        );
        assert!(out.contains("Whether the pipeline was created is not known"), "{out}");
    }
}

/// An endpoint address nothing listens on: every connection to it is refused.
fn closed_endpoint() -> String {
    let listener = TcpListener::bind(("127.0.0.1", 0)).expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

/// A create whose every attempt failed to connect said that whether the pipeline was created is
/// not known (and checked with a DescribePipeline that could not connect either): nothing was
/// sent, so it says so, and the state stays empty. Once when the retries run out, once when
/// `operation_timeout` ends them while waiting to retry.
#[test]
fn a_create_that_never_connected_says_nothing_was_changed() {
    let sagemaker = LocalSageMaker::start();
    let closed = closed_endpoint();
    for terraform in terraform_binaries() {
        let v = &terraform.version;
        for (limits, attempts, timed_out) in [
            ("max_retries = 3\n  operation_timeout = \"1m\"", "in 3 attempts (the last: ", false),
            ("operation_timeout = \"4s\"", "attempts (the last: client error (Connect)", true),
        ] {
            let ws = Workspace::new(&terraform, &sagemaker);
            let config = one_pipeline(&closed, "2s", "never-sent")
                .replace("operation_timeout = \"10m\"", limits);
            ws.write("main.tf", &config);
            ws.init();
            let out = flat(&ws.tf_err(&["apply", "-auto-approve", "-input=false", "-no-color"]));
            assert!(
                out.contains("CreatePipeline failed: could not connect to the endpoint"),
                "[{v}] {out}"
            );
            assert!(out.contains(attempts), "[{v}] {out}");
            assert_eq!(
                out.contains("operation_timeout ended the retries"),
                timed_out,
                "[{v}] {out}"
            );
            assert!(
                out.contains("No request reached SageMaker, so nothing was changed there"),
                "[{v}] {out}"
            );
            assert!(!out.contains("not known"), "[{v}] {out}");
            assert!(!out.contains("DescribePipeline"), "no check is needed: [{v}] {out}");
            let listed = ws.tf_ok(&["state", "list"]);
            assert!(listed.trim().is_empty(), "[{v}] state: {listed}");
        }
    }
}

// ---- Ctrl-C during an apply -------------------------------------------------------------------

/// One pipeline `name` (a single Fail step) through `endpoint`, with `call_timeout` per attempt
/// and 10 minutes per call: an apply that waits on the endpoint long enough to be interrupted.
fn one_pipeline(endpoint: &str, call_timeout: &str, name: &str) -> String {
    format!(
        r#"
terraform {{
  required_providers {{
    sagemaker = {{ source = "sagemaker-pipelines/sagemaker" }}
  }}
}}

provider "sagemaker" {{
  call_timeout      = "{call_timeout}"
  operation_timeout = "10m"
  endpoints {{
    sagemaker = "{endpoint}"
  }}
}}

resource "sagemaker_ml_pipeline" "p" {{
  name     = "{name}"
  role_arn = "{ROLE}"
  steps    = [jsonencode({{ Name = "F", Type = "Fail", Arguments = {{ ErrorMessage = "x" }} }})]
}}
"#
    )
}

/// Issue 6: a Ctrl-C did not end an apply (users pressed it twice and Terraform left an empty
/// state). Here CreatePipeline takes effect but its answer never comes; a Ctrl-C (SIGINT to
/// Terraform's process group, as a terminal sends it) must end the apply within seconds, long
/// before `call_timeout`, with an error, and the created pipeline must be in the state.
#[test]
fn ctrl_c_ends_an_apply_at_once_and_keeps_the_created_pipeline() {
    let sagemaker = LocalSageMaker::start();
    let proxy = FaultProxy::start(sagemaker.port, 1, 0.0);
    for terraform in terraform_binaries() {
        proxy.hang_creates.store(true, Ordering::Relaxed);
        let ws = Workspace::new(&terraform, &sagemaker);
        ws.write("main.tf", &one_pipeline(&proxy.url, "2m", "ctrl-c"));
        ws.init();
        let run = ws.apply_interrupted_when(
            || sagemaker.pipeline_names().contains(&"ctrl-c".to_string()),
            Duration::from_millis(500),
        );
        let (took, text) = (run.after_signal, run.text);
        eprintln!("Terraform {} after Ctrl-C ({took:?}):\n{text}", terraform.version);
        assert!(took < Duration::from_secs(30), "the apply went on for {took:?} after Ctrl-C");
        assert!(!run.success, "an interrupted apply must fail");
        assert!(
            flat(&text)
                .contains("Apply interrupted after SageMaker pipeline \"ctrl-c\" was created"),
            "{text}"
        );

        proxy.hang_creates.store(false, Ordering::Relaxed);
        let listed = ws.tf_ok(&["state", "list"]);
        assert!(
            listed.contains("sagemaker_ml_pipeline.p"),
            "the created pipeline was lost from state: {listed}"
        );
        assert_state_matches_endpoint(&ws, &sagemaker, 1);
        assert_eq!(ws.plan_exit_code(), 0, "the next plan must be empty");
        ws.destroy();
        assert!(sagemaker.pipeline_names().is_empty());
    }
}

/// A Ctrl-C while an UpdatePipeline that took effect waits for its answer: the apply ends at
/// once, says the pipeline was updated, and the state records the update (the next plan is
/// empty).
#[test]
fn a_ctrl_c_during_an_update_that_took_effect_records_it() {
    let sagemaker = LocalSageMaker::start();
    let proxy = FaultProxy::start(sagemaker.port, 7, 0.0);
    for terraform in terraform_binaries() {
        let v = &terraform.version;
        let name = format!("ctrl-c-update-{}", v.replace('.', "-"));
        let ws = Workspace::new(&terraform, &sagemaker);
        let config = one_pipeline(&proxy.url, "2m", &name);
        ws.write("main.tf", &config);
        ws.init();
        ws.apply();
        ws.write("main.tf", &config.replace("ErrorMessage = \"x\"", "ErrorMessage = \"changed\""));
        proxy.hang_updates.store(true, Ordering::Relaxed);
        let hung = || proxy.stats().get("hung UpdatePipeline").copied().unwrap_or(0);
        let before = hung();
        let run = ws.apply_interrupted_when(|| hung() > before, Duration::from_millis(500));
        proxy.hang_updates.store(false, Ordering::Relaxed);
        let (took, text) = (run.after_signal, flat(&run.text));
        assert!(took < Duration::from_secs(30), "[{v}] ran on for {took:?} after Ctrl-C: {text}");
        assert!(
            text.contains(&format!(
                "Apply interrupted after SageMaker pipeline \"{name}\" was updated"
            )),
            "[{v}] {text}"
        );
        assert_state_matches_endpoint(&ws, &sagemaker, 1);
        assert_eq!(ws.plan_exit_code(), 0, "[{v}] the next plan must be empty");
        ws.destroy();
    }
}

/// A Ctrl-C while the provider checks what a failed create left behind (its DescribePipeline
/// hangs) ends the apply within SETTLE_AFTER_STOP (10 s), not after the check's own timeouts
/// (reviewer finding: the check, begun before the stop, ran on for its whole retry budget, and
/// users pressed Ctrl-C twice).
#[test]
fn a_ctrl_c_during_the_check_after_a_failed_create_ends_the_apply() {
    let sagemaker = LocalSageMaker::start();
    let proxy = FaultProxy::start(sagemaker.port, 6, 0.0);
    for terraform in terraform_binaries() {
        let v = &terraform.version;
        proxy.fail_creates_hang_describes.store(true, Ordering::Relaxed);
        let ws = Workspace::new(&terraform, &sagemaker);
        let config = one_pipeline(&proxy.url, "1m", "checked").replace(
            "call_timeout      = \"1m\"",
            "call_timeout      = \"1m\"\n  max_retries       = 1",
        );
        ws.write("main.tf", &config);
        ws.init();
        let hung = || proxy.stats().get("hung DescribePipeline").copied().unwrap_or(0);
        let before = hung();
        let run = ws.apply_interrupted_when(|| hung() > before, Duration::from_millis(300));
        proxy.fail_creates_hang_describes.store(false, Ordering::Relaxed);
        let (took, text) = (run.after_signal, run.text);
        assert!(took < Duration::from_secs(25), "[{v}] ran on for {took:?} after Ctrl-C:\n{text}");
        assert!(!run.success, "[{v}] {text}");
        assert!(
            flat(&text).contains("Failed to create SageMaker pipeline \"checked\""),
            "[{v}] {text}"
        );
        assert!(sagemaker.pipeline_names().is_empty(), "[{v}] nothing was created");
    }
}

/// Issue 6: when the provider was killed mid-apply after CreatePipeline took effect, every later
/// apply failed with "already exists" and only a hand-run `terraform import` recovered. Now the
/// re-apply adopts the pipeline it was creating (same definition, role and tags).
#[test]
fn a_reapply_after_a_killed_apply_adopts_the_pipeline() {
    let sagemaker = LocalSageMaker::start();
    let proxy = FaultProxy::start(sagemaker.port, 2, 0.0);
    for terraform in terraform_binaries() {
        proxy.hang_creates.store(true, Ordering::Relaxed);
        let ws = Workspace::new(&terraform, &sagemaker);
        let config = |name: &str| {
            format!(
                r#"
terraform {{
  required_providers {{
    sagemaker = {{ source = "sagemaker-pipelines/sagemaker" }}
  }}
}}

provider "sagemaker" {{
  default_tags = {{ team = "ml" }}
  endpoints {{
    sagemaker = "{}"
  }}
}}

resource "sagemaker_ml_pipeline" "p" {{
  name        = "{name}"
  role_arn    = "{ROLE}"
  description = "killed"
  steps       = [jsonencode({{ Name = "F", Type = "Fail", Arguments = {{ ErrorMessage = "x" }} }})]
}}
"#,
                proxy.url
            )
        };
        ws.write("main.tf", &config("killed"));
        ws.init();
        let mut cmd = ws.command(&["apply", "-auto-approve", "-input=false", "-no-color"]);
        cmd.process_group(0)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        let mut child = cmd.spawn().expect("start terraform apply");
        let pid = child.id() as i32;
        let waited = Instant::now();
        while !sagemaker.pipeline_names().contains(&"killed".to_string()) {
            assert!(
                waited.elapsed() < Duration::from_secs(60),
                "CreatePipeline never reached the endpoint"
            );
            thread::sleep(Duration::from_millis(200));
        }
        // SAFETY: killing the process group we created (Terraform and the provider).
        unsafe { libc::kill(-pid, libc::SIGKILL) };
        let _ = child.wait();
        let listed = ws.tf(&["state", "list"]);
        assert!(
            !String::from_utf8_lossy(&listed.stdout).contains("sagemaker_ml_pipeline.p"),
            "the killed apply recorded nothing (there may be no state file at all)"
        );

        proxy.hang_creates.store(false, Ordering::Relaxed);
        // The re-apply plans another description. The adopted pipeline is brought in line with
        // it by an UpdatePipeline; when that is refused, the pipeline is still recorded (it was
        // once left out of the state), and the next plan shows the description left to change.
        ws.write(
            "main.tf",
            &config("killed")
                .replace("description = \"killed\"", "description = \"killed, then changed\""),
        );
        proxy.refuse_updates.store(true, Ordering::Relaxed);
        let out = ws.apply();
        proxy.refuse_updates.store(false, Ordering::Relaxed);
        assert!(out.contains("1 added"), "{out}");
        // Adopting after "already exists" says so: another state may declare the same pipeline.
        assert!(flat(&out).contains("already existed and is now managed here"), "{out}");
        assert!(
            flat(&out).contains("Could not update adopted SageMaker pipeline \"killed\""),
            "{out}"
        );
        assert!(ws.tf_ok(&["state", "list"]).contains("sagemaker_ml_pipeline.p"));
        assert_eq!(ws.plan_exit_code(), 2, "the description is left to change");
        ws.apply();
        assert_state_matches_endpoint(&ws, &sagemaker, 1);
        assert_eq!(ws.plan_exit_code(), 0, "the next plan must be empty");

        // A different pipeline under a taken name is not adopted: the error names import.
        ws.write(
            "main.tf",
            &config("killed")
                .replace("description = \"killed\"", "description = \"other\"")
                .replace(
                    "resource \"sagemaker_ml_pipeline\" \"p\"",
                    "resource \"sagemaker_ml_pipeline\" \"q\"",
                )
                .replace("ErrorMessage = \"x\"", "ErrorMessage = \"y\""),
        );
        ws.tf_ok(&["state", "rm", "sagemaker_ml_pipeline.p"]);
        let err = ws.tf_err(&["apply", "-auto-approve", "-input=false", "-no-color"]);
        // Terraform wraps diagnostics at its own width.
        let err = flat(&err);
        assert!(
            err.contains("already exists")
                && err.contains("terraform import sagemaker_ml_pipeline.<resource name> killed"),
            "{err}"
        );
        assert!(err.contains("(its definition differs)"), "{err}");
        assert_eq!(sagemaker.pipeline_names(), vec!["killed".to_string()]);
        sagemaker.request_sagemaker("DeletePipeline", r#"{"PipelineName":"killed","ClientRequestToken":"cleanup-0000000000000000000000000000"}"#).expect("delete");
        assert!(sagemaker.pipeline_names().is_empty());
    }
}

/// A CreatePipeline refused in another format than SageMaker's (an XML 403, as an
/// IAM-enforcing endpoint or a proxy answers) is a refusal, not a lost answer: the apply fails
/// with the code and message the answer held, and a pipeline of that name that already exists
/// is not taken over (session 17 helper finding: it was adopted, "Creation complete").
#[test]
fn a_create_refused_in_xml_fails_and_adopts_nothing() {
    let sagemaker = LocalSageMaker::start();
    let proxy = FaultProxy::start(sagemaker.port, 5, 0.0);
    for terraform in terraform_binaries() {
        let v = &terraform.version;
        let name = format!("denied-{}", v.replace('.', "-"));
        let ws = Workspace::new(&terraform, &sagemaker);
        let config = one_pipeline(&proxy.url, "2s", &name);
        ws.write("main.tf", &config);
        ws.init();
        ws.apply();
        // The same pipeline, no longer in the state: a create that is answered "taken" would
        // adopt it; one that is refused must not.
        ws.tf_ok(&["state", "rm", "sagemaker_ml_pipeline.p"]);
        proxy.deny_creates_in_xml.store(true, Ordering::Relaxed);
        let started = Instant::now();
        let err = flat(&ws.tf_err(&["apply", "-auto-approve", "-input=false", "-no-color"]));
        proxy.deny_creates_in_xml.store(false, Ordering::Relaxed);
        assert!(
            err.contains("AccessDenied: User: arn:aws:iam::123456789012:user/ci is not authorized to perform: sagemaker:CreatePipeline")
                && err.contains("not in the service's format")
                && err.contains("HTTP 403"),
            "[{v}] {err}"
        );
        assert!(!err.contains("already existed and is now managed here"), "[{v}] {err}");
        assert!(started.elapsed() < Duration::from_secs(60), "[{v}] took {:?}", started.elapsed());
        let listed = ws.tf_ok(&["state", "list"]);
        assert!(!listed.contains("sagemaker_ml_pipeline.p"), "[{v}] nothing recorded: {listed}");
        sagemaker
            .request_sagemaker(
                "DeletePipeline",
                &format!(r#"{{"PipelineName":"{name}","ClientRequestToken":"cleanup-0000000000000000000000000000"}}"#),
            )
            .expect("delete");
    }
}

/// An UpdatePipeline that takes effect while no answer comes (every attempt, until
/// `operation_timeout` ends them) is checked with DescribePipeline: the apply records the update
/// and the next plan is empty. Before, the state kept the prior object and the next plan showed
/// only `steps (sensitive value)` changing, an update that changed nothing on SageMaker.
#[test]
fn an_update_whose_answers_were_lost_is_recorded() {
    let sagemaker = LocalSageMaker::start();
    let proxy = FaultProxy::start(sagemaker.port, 3, 0.0);
    for terraform in terraform_binaries() {
        let v = &terraform.version;
        let name = format!("lost-update-{}", v.replace('.', "-"));
        let ws = Workspace::new(&terraform, &sagemaker);
        let config = one_pipeline(&proxy.url, "2s", &name)
            .replace("operation_timeout = \"10m\"", "operation_timeout = \"5s\"");
        ws.write("main.tf", &config);
        ws.init();
        ws.apply();

        proxy.hang_updates.store(true, Ordering::Relaxed);
        ws.write("main.tf", &config.replace("ErrorMessage = \"x\"", "ErrorMessage = \"changed\""));
        let started = Instant::now();
        let out = flat(&ws.apply());
        proxy.hang_updates.store(false, Ordering::Relaxed);
        assert!(out.contains("1 changed"), "[{v}] {out}");
        assert!(started.elapsed() < Duration::from_secs(60), "[{v}] took {:?}", started.elapsed());
        assert!(
            proxy.stats().get("hung UpdatePipeline").copied().unwrap_or(0) > 0,
            "[{v}] no update was held"
        );
        assert_eq!(
            sagemaker.deployed_definition(&name)["Steps"][0]["Arguments"]["ErrorMessage"],
            "changed",
            "[{v}]"
        );
        assert_state_matches_endpoint(&ws, &sagemaker, 1);
        assert_eq!(ws.plan_exit_code(), 0, "[{v}] the next plan must be empty");

        // An update that never reached SageMaker is an error, and the state keeps the prior
        // object: the next plan shows the change again.
        ws.write(
            "main.tf",
            &config
                .replace(&proxy.url, &closed_endpoint())
                .replace("ErrorMessage = \"x\"", "ErrorMessage = \"again\""),
        );
        let err = flat(&ws.tf_err(&[
            "apply",
            "-auto-approve",
            "-input=false",
            "-no-color",
            "-refresh=false",
        ]));
        assert!(err.contains("Failed to update SageMaker pipeline"), "[{v}] {err}");
        assert!(err.contains("so nothing was changed there"), "[{v}] {err}");
        assert!(!err.contains("DescribePipeline"), "[{v}] no check is needed: {err}");
        ws.write("main.tf", &config);
        ws.destroy();
        assert!(sagemaker.pipeline_names().is_empty(), "[{v}]");
    }
}

/// A pipeline SageMaker is deleting (a delete whose answer was lost, or one made outside
/// Terraform) is gone for the refresh, and a create does not adopt it: it says to apply again
/// once the deletion has finished. (moto deletes at once; the proxy shows the status.)
#[test]
fn a_pipeline_being_deleted_is_not_kept_or_adopted() {
    let sagemaker = LocalSageMaker::start();
    let proxy = FaultProxy::start(sagemaker.port, 4, 0.0);
    for terraform in terraform_binaries() {
        let v = &terraform.version;
        let name = format!("deleting-{}", v.replace('.', "-"));
        let ws = Workspace::new(&terraform, &sagemaker);
        ws.write("main.tf", &one_pipeline(&proxy.url, "10s", &name));
        ws.init();
        ws.apply();
        proxy.deleting.store(true, Ordering::Relaxed);
        let plan = ws.tf_ok(&["plan", "-no-color", "-input=false"]);
        assert!(plan.contains("will be created"), "[{v}] {plan}");
        let err = flat(&ws.tf_err(&["apply", "-auto-approve", "-input=false", "-no-color"]));
        assert!(
            err.contains(&format!("SageMaker pipeline \"{name}\" is being deleted"))
                && err.contains("Apply again once the deletion has finished"),
            "[{v}] {err}"
        );
        let listed = ws.tf_ok(&["state", "list"]);
        assert!(!listed.contains("sagemaker_ml_pipeline.p"), "[{v}] adopted: {listed}");
        // Here the deletion never happens: once the status is Active again, the pipeline (the
        // one this configuration creates) is adopted.
        proxy.deleting.store(false, Ordering::Relaxed);
        ws.apply();
        assert_eq!(ws.plan_exit_code(), 0, "[{v}] the next plan must be empty");
        ws.destroy();
        assert!(!sagemaker.pipeline_names().contains(&name), "[{v}]");
    }
}

/// SageMaker deletes a pipeline in the background, and a create of the same name fails until it
/// is done. A replacement that keeps the name (`-replace`; the default order deletes first)
/// waits for the deletion before creating the new pipeline. (moto deletes at once; the proxy
/// lets the deleted pipeline linger as `Deleting` for a few seconds.)
#[test]
fn a_replacement_waits_until_the_old_pipeline_is_deleted() {
    let sagemaker = LocalSageMaker::start();
    let proxy = FaultProxy::start(sagemaker.port, 5, 0.0);
    for terraform in terraform_binaries() {
        let v = &terraform.version;
        let name = format!("linger-{}", v.replace('.', "-"));
        let ws = Workspace::new(&terraform, &sagemaker);
        ws.write("main.tf", &one_pipeline(&proxy.url, "10s", &name));
        ws.init();
        ws.apply();
        let before = sagemaker.describe_pipeline(&name).expect("deployed");
        proxy.linger_deletes.store(true, Ordering::Relaxed);
        let out = ws.tf_ok(&[
            "apply",
            "-auto-approve",
            "-input=false",
            "-no-color",
            "-replace=sagemaker_ml_pipeline.p",
        ]);
        proxy.linger_deletes.store(false, Ordering::Relaxed);
        assert!(out.contains("1 added") && out.contains("1 destroyed"), "[{v}] {out}");
        assert!(
            proxy.stats().get("lingering DescribePipeline").copied().unwrap_or(0) > 0,
            "[{v}] the deletion was not waited for: {:?}",
            proxy.stats()
        );
        let after = sagemaker.describe_pipeline(&name).expect("created again");
        assert_ne!(after["CreationTime"], before["CreationTime"], "[{v}] not created again");
        assert_state_matches_endpoint(&ws, &sagemaker, 1);
        assert_eq!(ws.plan_exit_code(), 0, "[{v}] the next plan must be empty");
        ws.destroy();
        assert!(!sagemaker.pipeline_names().contains(&name), "[{v}]");
    }
}

/// The whole definition the state's `definition_parts` describe (docs/design/0003).
fn definition_from_parts(parts: &Json) -> Json {
    let parts = parts.as_object().expect("definition_parts is a map");
    let parse = |text: &Json| -> Json {
        serde_json::from_str(text.as_str().expect("part text")).expect("part json")
    };
    let mut whole = serde_json::Map::new();
    for (key, text) in parts {
        if key == "Steps" {
            let names = parse(text);
            let steps = names
                .as_array()
                .expect("Steps lists names")
                .iter()
                .map(|n| parse(&parts[&format!("Steps.{}", n.as_str().expect("name"))]))
                .collect();
            whole.insert(key.clone(), Json::Array(steps));
        } else if !key.starts_with("Steps.") {
            whole.insert(key.clone(), parse(text));
        }
    }
    Json::Object(whole)
}

/// The provider processes running in `dir` (their working directory), by PID.
fn providers_in(dir: &std::path::Path) -> Vec<i32> {
    let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| {
            let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
            comm.starts_with("terraform-provi")
                && std::fs::read_link(format!("/proc/{pid}/cwd")).is_ok_and(|cwd| cwd == dir)
        })
        .collect()
}

/// Fresh-eyes finding: Terraform killed during an apply (SIGKILL, so no Shutdown call) left
/// the provider re-parented and alive, retrying its AWS call for a minute and idle for longer.
/// It now notices within about a second that Terraform is gone and exits.
#[test]
fn the_provider_exits_when_terraform_is_killed() {
    let hang = hanging_endpoint();
    let sagemaker = LocalSageMaker::start();
    let terraform = terraform_binaries().remove(0);
    let ws = Workspace::new(&terraform, &sagemaker);
    ws.write("main.tf", &one_pipeline(&hang.url, "60s", "orphan"));
    ws.init();
    let mut cmd = ws.command(&["apply", "-auto-approve", "-input=false", "-no-color"]);
    cmd.process_group(0).stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null());
    let mut child = cmd.spawn().expect("start terraform apply");
    let pid = child.id() as i32;
    // The apply's provider is waiting on the hanging endpoint once it has been running a while.
    let waited = Instant::now();
    while providers_in(&ws.dir).is_empty() {
        assert!(waited.elapsed() < Duration::from_secs(60), "no provider process started");
        thread::sleep(Duration::from_millis(200));
    }
    thread::sleep(Duration::from_secs(3));
    let running = providers_in(&ws.dir);
    assert!(!running.is_empty(), "the provider ended before Terraform was killed");
    // Terraform is the provider's parent (scripts/tf, the child started here, runs it).
    let stat = std::fs::read_to_string(format!("/proc/{}/stat", running[0])).unwrap_or_default();
    let parent: i32 = stat
        .rsplit(')')
        .next()
        .and_then(|rest| rest.split_whitespace().nth(1))
        .and_then(|p| p.parse().ok())
        .expect("the provider's parent");
    let parent_name = std::fs::read_to_string(format!("/proc/{parent}/comm")).unwrap_or_default();
    assert_eq!(parent_name.trim(), "terraform", "the provider's parent");
    // SAFETY: killing the Terraform process this test started (through scripts/tf), and only it.
    unsafe { libc::kill(parent, libc::SIGKILL) };
    let killed = Instant::now();
    while !providers_in(&ws.dir).is_empty() && killed.elapsed() < Duration::from_secs(15) {
        thread::sleep(Duration::from_millis(200));
    }
    let left = providers_in(&ws.dir);
    // SAFETY: the test's own process group: whatever is left of it, so nothing outlives the test.
    unsafe { libc::kill(-pid, libc::SIGKILL) };
    let _ = child.wait();
    assert!(left.is_empty(), "provider processes {left:?} outlived the killed Terraform by 15 s");
}

/// Answers every request with `400 ThrottlingException`, forever.
fn throttling_endpoint() -> String {
    let listener = TcpListener::bind(("127.0.0.1", 0)).expect("bind");
    let url = format!("http://127.0.0.1:{}", listener.local_addr().expect("addr").port());
    thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            thread::spawn(move || {
                let Ok(mut writer) = conn.try_clone() else { return };
                let mut reader = BufReader::new(conn);
                while Message::read(&mut reader).is_some() {
                    let answer = error_answer(400, "Bad Request", Some("ThrottlingException"));
                    if writer.write_all(&answer).is_err() {
                        return;
                    }
                }
            });
        }
    });
    url
}

/// Fresh-eyes finding: a service that throttles every attempt, with default retries, ended when
/// `operation_timeout` ran out, as "the endpoint did not answer ... check the network". The error
/// now names what the service kept answering.
#[test]
fn a_call_throttled_until_its_timeout_says_so() {
    let url = throttling_endpoint();
    let terraform = terraform_binaries().remove(0);
    let mut ws = Workspace::for_endpoint(&terraform, &url);
    let log = ws.dir.join("provider.log");
    ws.set_env("TF_LOG_PROVIDER", "DEBUG");
    ws.set_env("TF_LOG_PATH", &log);
    ws.write(
        "main.tf",
        &format!(
            r#"
terraform {{
  required_providers {{
    sagemaker = {{ source = "sagemaker-pipelines/sagemaker" }}
  }}
}}

provider "sagemaker" {{
  skip_credentials_validation = true
  operation_timeout           = "4s"
  endpoints {{
    sagemaker = "{url}"
  }}
}}

data "sagemaker_ml_pipeline" "x" {{
  name = "anything"
}}
"#
        ),
    );
    ws.init();
    let out = flat(&ws.tf_err(&["plan", "-input=false", "-no-color"]));
    assert!(out.contains("DescribePipeline failed"), "{out}");
    assert!(
        out.contains("answered the earlier attempts with ThrottlingException: Rate exceeded")
            && out.contains("operation_timeout (4s)")
            && !out.contains("Check the endpoint"),
        "{out}"
    );
    // Each refused attempt's log line says why (helper finding: `failure=` was empty).
    let text = std::fs::read_to_string(&log).expect("provider log");
    let attempts: Vec<&str> = text.lines().filter(|l| l.contains("AWS attempt")).collect();
    assert!(
        !attempts.is_empty()
            && attempts.iter().all(|l| l.contains("ThrottlingException: Rate exceeded")),
        "{attempts:#?}"
    );

    // A create refused on every attempt was not carried out: it fails with the service's
    // answer and no DescribePipeline check (fresh-eyes finding: the check was throttled for
    // another operation_timeout before the error came).
    std::fs::remove_file(&log).expect("clear the log");
    let config = one_pipeline(&url, "2s", "busy").replace(r#""10m""#, r#""4s""#);
    ws.write(
        "main.tf",
        &config.replace(
            "provider \"sagemaker\" {",
            "provider \"sagemaker\" {\n  skip_credentials_validation = true",
        ),
    );
    let started = std::time::Instant::now();
    let out = flat(&ws.tf_err(&["apply", "-auto-approve", "-input=false", "-no-color"]));
    assert!(
        out.contains(r#"Failed to create SageMaker pipeline "busy""#)
            && out.contains("operation_timeout (4s)")
            && !out.contains("not known"),
        "{out}"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(30), "{:?}", started.elapsed());
    let text = std::fs::read_to_string(&log).expect("provider log");
    let operations: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("AWS attempt"))
        .filter_map(|l| l.split("operation=").nth(1)?.split_whitespace().next())
        .collect();
    assert!(
        !operations.is_empty() && operations.iter().all(|o| o.contains("CreatePipeline")),
        "only CreatePipeline attempts: {operations:?}"
    );

    // An import that cannot describe the pipeline fails and records nothing (review finding:
    // it recorded an object without the owner token the pipeline's mark asks for).
    let out = flat(&ws.tf_err(&[
        "import",
        "-input=false",
        "-no-color",
        "sagemaker_ml_pipeline.p",
        "busy",
    ]));
    assert!(
        out.contains(r#"Cannot import SageMaker pipeline "busy""#)
            && out.contains("Nothing was imported")
            && out.contains("ThrottlingException"),
        "{out}"
    );
    let listed = ws.tf_ok(&["state", "list"]);
    assert!(!listed.contains("sagemaker_ml_pipeline.p"), "{listed}");
}
