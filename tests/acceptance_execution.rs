//! Acceptance tests of `sagemaker_ml_pipeline_execution` through the real Terraform CLI (1.0.3,
//! and the `terraform` on PATH when it is another version).
//!
//! - Against the local moto endpoint: typed parameters converted and checked (an undeclared and
//!   a mistyped parameter fail at plan), waiting for a run moto finishes at once, a no-op
//!   re-apply, an in-place change of the wait settings, `triggers` starting a new run, every
//!   optional start argument added and removed (each a new run), import, destroy. (The
//!   edit-cycle test leaves this type to this file: every change of a run replaces it.)
//!   Runs are counted through moto's ListPipelineExecutions.
//! - Against a scripted SageMaker endpoint (`Scripted`, below; moto's runs end at once and it
//!   lacks ListPipelineExecutionSteps and StopPipelineExecution): progress logged while
//!   waiting, a failed run reported with the failed step and its reason and still recorded in
//!   the state, a wait that times out, and destroy stopping a run that is still going.

mod support;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{json, Value as Json};
use support::{flat, terraform_binaries, LocalSageMaker, Workspace};

const ROLE: &str = "arn:aws:iam::123456789012:role/sagemaker-pipeline";

fn header() -> &'static str {
    r#"
terraform {
  required_providers {
    sagemaker = { source = "sagemaker-pipelines/sagemaker" }
  }
}
"#
}

/// The value of one resource in `terraform show -json`.
fn resource_values(ws: &Workspace, address: &str) -> Option<Json> {
    let state: Json = serde_json::from_str(&ws.show_json(None)).expect("show -json");
    state["values"]["root_module"]["resources"]
        .as_array()?
        .iter()
        .find(|r| r["address"] == address)
        .map(|r| r["values"].clone())
}

// ---- against moto -------------------------------------------------------------------------

fn moto_config(parameters: &str, triggers: &str, wait_timeout: &str) -> String {
    moto_config_with(parameters, triggers, wait_timeout, "")
}

fn moto_config_with(parameters: &str, triggers: &str, wait_timeout: &str, extra: &str) -> String {
    format!(
        r#"{header}
resource "sagemaker_ml_pipeline" "p" {{
  name     = "exec-a"
  role_arn = "{ROLE}"

  parameter {{
    name = "InputData"
  }}
  parameter {{
    name    = "Epochs"
    type    = "Integer"
    default = "3"
  }}

  steps = [
    jsonencode({{
      Name      = "Stop"
      Type      = "Fail"
      Arguments = {{ ErrorMessage = "not yet" }}
    }}),
    jsonencode({{
      Name = "Prep"
      Type = "Processing"
      Arguments = {{
        RoleArn          = "{ROLE}"
        AppSpecification = {{ ImageUri = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3" }}
        ProcessingResources = {{ ClusterConfig = {{ InstanceCount = {{ Get = "Parameters.Epochs" }}, InstanceType = "ml.m5.xlarge", VolumeSizeInGB = 30 }} }}
        ProcessingInputs = [{{
          InputName = "raw"
          S3Input = {{
            S3Uri       = {{ Get = "Parameters.InputData" }}
            LocalPath   = "/opt/ml/processing/input"
            S3DataType  = "S3Prefix"
            S3InputMode = "File"
          }}
        }}]
      }}
    }}),
  ]
}}

resource "sagemaker_ml_pipeline_execution" "run" {{
  pipeline_name       = sagemaker_ml_pipeline.p.name
  parameters          = {parameters}
  display_name        = "run-1"
  triggers            = {triggers}
  wait_for_completion = true
  wait_timeout        = "{wait_timeout}"
{extra}
}}
"#,
        header = header()
    )
}

fn executions(sm: &LocalSageMaker, pipeline: &str) -> Vec<String> {
    let (status, body) = sm
        .request_sagemaker(
            "ListPipelineExecutions",
            &json!({ "PipelineName": pipeline }).to_string(),
        )
        .expect("ListPipelineExecutions");
    assert_eq!(status, 200, "{body}");
    let v: Json = serde_json::from_str(&body).expect("json");
    v["PipelineExecutionSummaries"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s["PipelineExecutionArn"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn execution_parameters(sm: &LocalSageMaker, arn: &str) -> BTreeMap<String, String> {
    let (_, body) = sm
        .request_sagemaker(
            "ListPipelineParametersForExecution",
            &json!({ "PipelineExecutionArn": arn }).to_string(),
        )
        .expect("ListPipelineParametersForExecution");
    let v: Json = serde_json::from_str(&body).expect("json");
    v["PipelineParameters"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|p| {
                    (
                        p["Name"].as_str().unwrap_or("").to_string(),
                        p["Value"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

const GOOD: &str = r#"{ InputData = "s3://bucket/in", Epochs = "05" }"#;

/// A pipeline and a run with typed parameters, waited for; checks at plan; no-op re-apply;
/// wait settings in place; triggers start a new run; destroy.
#[test]
fn execution_lifecycle_against_moto() {
    let sm = LocalSageMaker::start();
    for terraform in terraform_binaries() {
        sm.reset();
        let ws = Workspace::new(&terraform, &sm);
        let v = &terraform.version;
        ws.write("main.tf", &moto_config(GOOD, r#"{ round = "1" }"#, "10m"));
        ws.init();

        let out = ws.apply();
        assert!(out.contains("2 added"), "[{v}] {out}");
        let runs = executions(&sm, "exec-a");
        assert_eq!(runs.len(), 1, "[{v}] one run started");
        assert_eq!(
            execution_parameters(&sm, &runs[0]),
            BTreeMap::from([
                ("Epochs".to_string(), "5".to_string()),
                ("InputData".to_string(), "s3://bucket/in".to_string())
            ]),
            "[{v}] values sent in the declared type's canonical text"
        );
        let run = resource_values(&ws, "sagemaker_ml_pipeline_execution.run").expect("in state");
        assert_eq!(run["status"], "Succeeded", "[{v}] {run}");
        assert_eq!(run["arn"], runs[0].as_str(), "[{v}]");
        assert_eq!(run["step_statuses"], Json::Null, "[{v}] moto has no step list");

        // Nothing changed: the plan is empty and a re-apply starts no run.
        assert_eq!(ws.plan_exit_code(), 0, "[{v}] plan right after apply must be empty");
        ws.apply();
        assert_eq!(executions(&sm, "exec-a").len(), 1, "[{v}] a re-apply starts no run");

        // The wait settings change in place and start nothing.
        ws.write("main.tf", &moto_config(GOOD, r#"{ round = "1" }"#, "30m"));
        let plan = ws.tf_ok(&["plan", "-no-color", "-input=false"]);
        assert!(plan.contains("updated in-place"), "[{v}] {plan}");
        assert!(!plan.contains("replace"), "[{v}] {plan}");
        ws.apply();
        assert_eq!(executions(&sm, "exec-a").len(), 1, "[{v}] wait_timeout starts no run");

        // An undeclared and a mistyped parameter fail at plan, naming the parameter.
        ws.write(
            "main.tf",
            &moto_config(
                r#"{ InputData = "s3://bucket/in", Epochz = "5" }"#,
                r#"{ round = "1" }"#,
                "30m",
            ),
        );
        let err = flat(&ws.tf_err(&["plan", "-no-color", "-input=false"]));
        assert!(err.contains(r#"Pipeline "exec-a" has no parameter "Epochz""#), "[{v}] {err}");
        assert!(err.contains("Did you mean 'Epochs'?"), "[{v}] {err}");
        assert!(
            err.contains("InputData (String), Epochs (Integer)")
                || err.contains("Epochs (Integer), InputData (String)"),
            "[{v}] {err}"
        );
        ws.write(
            "main.tf",
            &moto_config(
                r#"{ InputData = "s3://bucket/in", Epochs = "abc" }"#,
                r#"{ round = "1" }"#,
                "30m",
            ),
        );
        let err = flat(&ws.tf_err(&["plan", "-no-color", "-input=false"]));
        assert!(
            err.contains(r#"Parameter "Epochs" is an Integer: "abc" is not a valid value"#),
            "[{v}] {err}"
        );
        // A value that is not an S3 URI, for a parameter a step uses as one, fails at plan.
        ws.write(
            "main.tf",
            &moto_config(r#"{ InputData = "bucket/in" }"#, r#"{ round = "1" }"#, "30m"),
        );
        let err = flat(&ws.tf_err(&["plan", "-no-color", "-input=false"]));
        assert!(
            err.contains(r#"Value "bucket/in" of parameter "InputData" is not an S3 location"#)
                && err.contains("Arguments.ProcessingInputs[0].S3Input.S3Uri")
                && err.contains(r#"Use a value such as "s3://bucket/in"."#),
            "[{v}] {err}"
        );
        // So does a value the field the parameter fills cannot take (Epochs is the cluster's
        // instance count, 1 to 100).
        ws.write(
            "main.tf",
            &moto_config(
                r#"{ InputData = "s3://bucket/in", Epochs = "0" }"#,
                r#"{ round = "1" }"#,
                "30m",
            ),
        );
        let err = flat(&ws.tf_err(&["plan", "-no-color", "-input=false"]));
        assert!(
            err.contains(r#"Value "0" of parameter "Epochs" is out of range for InstanceCount"#)
                && err.contains("which takes a whole number from 1 to 100"),
            "[{v}] {err}"
        );
        // A null value is a mistake, not "use the default" (session 17 helper finding: it was
        // dropped and the run started); `terraform validate` says so too.
        ws.write(
            "main.tf",
            &moto_config(
                r#"{ InputData = "s3://bucket/in", Epochs = null }"#,
                r#"{ round = "1" }"#,
                "30m",
            ),
        );
        for command in ["plan", "validate"] {
            let err = flat(&ws.tf_err(&[command, "-no-color"]));
            assert!(
                err.contains(r#"The value of parameter "Epochs" is null"#)
                    && err.contains("k => v if v != null"),
                "[{v}] {command}: {err}"
            );
        }
        // An undeclared name is caught at plan also when its value is known only at apply
        // (it was caught only once the apply started the run).
        ws.write(
            "main.tf",
            &moto_config(
                r#"{ InputData = "s3://bucket/in", Epochz = timestamp() }"#,
                r#"{ round = "1" }"#,
                "30m",
            ),
        );
        let err = flat(&ws.tf_err(&["plan", "-no-color", "-input=false"]));
        assert!(err.contains(r#"Pipeline "exec-a" has no parameter "Epochz""#), "[{v}] {err}");
        assert_eq!(executions(&sm, "exec-a").len(), 1, "[{v}] a failed plan starts nothing");

        // A change of triggers starts a new run.
        ws.write("main.tf", &moto_config(GOOD, r#"{ round = "2" }"#, "30m"));
        let out = ws.apply();
        assert!(out.contains("1 added, 0 changed, 1 destroyed"), "[{v}] {out}");
        let runs = executions(&sm, "exec-a");
        assert_eq!(runs.len(), 2, "[{v}] triggers started a second run");
        let run = resource_values(&ws, "sagemaker_ml_pipeline_execution.run").expect("in state");
        assert_ne!(run["arn"], Json::Null);
        assert!(runs.iter().any(|r| run["arn"] == r.as_str()), "[{v}] {run}");
        assert_eq!(ws.plan_exit_code(), 0, "[{v}] plan after the new run must be empty");

        // Every optional start argument added, then removed: each time a new run, and the plan
        // right after is empty.
        let first = runs.iter().find(|r| run["arn"] != r.as_str()).expect("the first run").clone();
        let every = format!(
            r#"
  description         = "every optional argument"
  pipeline_version_id = 1
  parallelism_config {{
    max_parallel_execution_steps = 2
  }}
  selective_execution {{
    source_execution_arn = "{first}"
    selected_steps       = ["Stop"]
  }}"#
        );
        // A misspelt selected step, and a source run of another pipeline, fail plan (fresh-eyes:
        // both passed until StartPipelineExecution; the second fails validate too when
        // pipeline_name is a literal).
        // (Checked against the latest version: without pipeline_version_id.)
        let misspelt =
            every.replace(r#"["Stop"]"#, r#"["Stpo"]"#).replace("pipeline_version_id = 1", "");
        ws.write("main.tf", &moto_config_with(GOOD, r#"{ round = "2" }"#, "30m", &misspelt));
        let err = flat(&ws.tf_err(&["plan", "-no-color", "-input=false"]));
        assert!(
            err.contains(r#"Pipeline "exec-a" has no step "Stpo""#)
                && err.contains("Did you mean 'Stop'?")
                && err.contains("selected_steps"),
            "[{v}] {err}"
        );
        let other = every.replace("pipeline/exec-a/", "pipeline/other/");
        assert_ne!(other, every, "[{v}] {first}");
        ws.write("main.tf", &moto_config_with(GOOD, r#"{ round = "2" }"#, "30m", &other));
        let err = flat(&ws.tf_err(&["plan", "-no-color", "-input=false"]));
        assert!(
            err.contains(r#"The source run is a run of pipeline "other", not "exec-a""#),
            "[{v}] {err}"
        );
        assert_eq!(executions(&sm, "exec-a").len(), 2, "[{v}] failed plans start nothing");
        ws.write("main.tf", &moto_config_with(GOOD, r#"{ round = "2" }"#, "30m", &every));
        let plan = ws.tf_ok(&["plan", "-no-color", "-input=false"]);
        assert!(plan.contains("must be replaced"), "[{v}] {plan}");
        let out = ws.apply();
        assert!(out.contains("1 added, 0 changed, 1 destroyed"), "[{v}] {out}");
        assert_eq!(executions(&sm, "exec-a").len(), 3, "[{v}] a new run");
        let run = resource_values(&ws, "sagemaker_ml_pipeline_execution.run").expect("in state");
        assert_eq!(run["parallelism_config"]["max_parallel_execution_steps"], 2, "[{v}] {run}");
        let (_, body) = sm
            .request_sagemaker(
                "DescribePipelineExecution",
                &json!({ "PipelineExecutionArn": run["arn"] }).to_string(),
            )
            .expect("DescribePipelineExecution");
        let described: Json = serde_json::from_str(&body).expect("json");
        assert_eq!(described["PipelineExecutionDescription"], "every optional argument", "[{v}]");
        assert_eq!(described["ParallelismConfiguration"]["MaxParallelExecutionSteps"], 2, "[{v}]");
        assert_eq!(ws.plan_exit_code(), 0, "[{v}] plan after the full run must be empty");
        ws.write("main.tf", &moto_config(GOOD, r#"{ round = "2" }"#, "30m"));
        let out = ws.apply();
        assert!(out.contains("1 added, 0 changed, 1 destroyed"), "[{v}] {out}");
        assert_eq!(executions(&sm, "exec-a").len(), 4, "[{v}] a new run");
        assert_eq!(ws.plan_exit_code(), 0, "[{v}] plan after removing them must be empty");

        let out = ws.destroy();
        assert!(out.contains("2 destroyed"), "[{v}] {out}");
        assert!(sm.pipeline_names().is_empty(), "[{v}] nothing left behind");
    }
}

/// A run started outside Terraform is imported by its ARN and plans empty against a matching
/// configuration, also when SageMaker reports the pipeline's parallelism limit as the run's.
#[test]
fn a_run_is_imported_by_its_arn() {
    let sm = LocalSageMaker::start();
    for terraform in terraform_binaries() {
        sm.reset();
        let ws = Workspace::new(&terraform, &sm);
        let v = &terraform.version;
        let pipeline = format!(
            r#"{header}
resource "sagemaker_ml_pipeline" "p" {{
  name     = "exec-i"
  role_arn = "{ROLE}"
  # A run started without a limit takes this one, and SageMaker reports it as the run's: the
  # import must not read it as the run's own (a configuration without it would start a new run).
  parallelism_config {{
    max_parallel_execution_steps = 2
  }}
  parameter {{
    name    = "Epochs"
    type    = "Integer"
    default = "3"
  }}
  steps = [jsonencode({{ Name = "Stop", Type = "Fail", Arguments = {{ ErrorMessage = "x" }} }})]
}}
"#,
            header = header()
        );
        ws.write("main.tf", &pipeline);
        ws.init();
        ws.apply();
        let (status, body) = sm
            .request_sagemaker(
                "StartPipelineExecution",
                &json!({
                    "PipelineName": "exec-i",
                    "PipelineExecutionDisplayName": "by-hand",
                    "PipelineParameters": [{ "Name": "Epochs", "Value": "4" }],
                    "ClientRequestToken": "by-hand-0123456789abcdef0123456789abcdef"
                })
                .to_string(),
            )
            .expect("start");
        assert_eq!(status, 200, "{body}");
        let arn = serde_json::from_str::<Json>(&body).expect("json")["PipelineExecutionArn"]
            .as_str()
            .expect("arn")
            .to_string();
        ws.write(
            "main.tf",
            &format!(
                r#"{pipeline}
resource "sagemaker_ml_pipeline_execution" "run" {{
  pipeline_name = sagemaker_ml_pipeline.p.name
  display_name  = "by-hand"
  parameters    = {{ Epochs = "4" }}
}}
"#
            ),
        );
        ws.tf_ok(&[
            "import",
            "-no-color",
            "-input=false",
            "sagemaker_ml_pipeline_execution.run",
            &arn,
        ]);
        let run = resource_values(&ws, "sagemaker_ml_pipeline_execution.run").expect("in state");
        assert_eq!(run["status"], "Succeeded", "[{v}] {run}");
        assert_eq!(run["parameters"], json!({ "Epochs": "4" }), "[{v}] {run}");
        assert_eq!(run["parallelism_config"], Json::Null, "[{v}] the pipeline's limit: {run}");
        assert_eq!(ws.plan_exit_code(), 0, "[{v}] an imported run plans empty");
        // The same value spelt otherwise is the same run (fresh-eyes finding: it was replaced).
        let config = std::fs::read_to_string(ws.dir.join("main.tf")).expect("main.tf");
        ws.write("main.tf", &config.replace(r#"Epochs = "4""#, r#"Epochs = "04""#));
        assert_eq!(ws.plan_exit_code(), 0, "[{v}] \"04\" is the Integer the run was started with");
        ws.write("main.tf", &config);

        // A run deleted with its pipeline leaves the state; the next apply starts a new one.
        let (status, body) = sm
            .request_sagemaker("DeletePipeline", &json!({ "PipelineName": "exec-i", "ClientRequestToken": "delete-0123456789abcdef0123456789abcdef" }).to_string())
            .expect("DeletePipeline");
        assert_eq!(status, 200, "{body}");
        let out = ws.apply();
        assert!(out.contains("2 added, 0 changed, 0 destroyed"), "[{v}] {out}");
        assert_eq!(executions(&sm, "exec-i").len(), 1, "[{v}] one new run");
        ws.destroy();
        assert!(sm.pipeline_names().is_empty(), "[{v}] nothing left behind");
    }
}

// ---- the scripted SageMaker endpoint ------------------------------------------------------

/// How long a scripted endpoint serves at most, should a test never stop it.
const SCRIPTED_LIFETIME: Duration = Duration::from_secs(600);

#[derive(Default)]
struct Record {
    /// StartPipelineExecution request bodies, in order.
    started: Vec<Json>,
    /// Execution ARN -> DescribePipelineExecution calls so far.
    describes: BTreeMap<String, usize>,
    /// The ClientRequestToken of every StartPipelineExecution attempt, in order.
    start_attempts: Vec<String>,
    /// ClientRequestToken -> the run it started (SageMaker's idempotency).
    tokens: BTreeMap<String, String>,
    /// StopPipelineExecution ARNs, in order.
    stopped: Vec<String>,
    /// Every operation called, in order.
    operations: Vec<String>,
}

/// A tiny SageMaker endpoint (JSON 1.1 over HTTP/1.1 POST, `X-Amz-Target: SageMaker.<op>`)
/// whose answers follow a script per pipeline name:
/// - `failing`: runs report Executing, Executing, then Failed; their steps go Prep Executing ->
///   Prep Succeeded + Train Executing -> Train Failed ("AlgorithmError: out of memory");
/// - `running`: runs stay Executing (step Prep Executing) until StopPipelineExecution, then
///   report Stopped.
/// - `lossy`: the first attempt of each start takes effect but its answer is lost (the
///   connection is closed without one); a repeated `ClientRequestToken` is answered with the
///   first attempt's run, as SageMaker does; runs report Succeeded.
/// - `slow`: a start takes effect only after [`SLOW_START`], longer than the provider waits;
///   `void`: the same wait, then a 500 and no run.
/// - `held`: a start takes effect at once, and its answer comes only after [`HELD_START`].
///
/// Listens on 127.0.0.1, serves at most `SCRIPTED_LIFETIME`, stops when dropped.
struct Scripted {
    url: String,
    record: Arc<Mutex<Record>>,
    stop: Arc<AtomicBool>,
    server: Option<thread::JoinHandle<()>>,
}

impl Scripted {
    fn start() -> Scripted {
        let listener = TcpListener::bind(("127.0.0.1", 0)).expect("bind");
        listener.set_nonblocking(true).expect("nonblocking");
        let url = format!("http://127.0.0.1:{}", listener.local_addr().expect("addr").port());
        let record = Arc::new(Mutex::new(Record::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let (record2, stop2) = (record.clone(), stop.clone());
        let server = thread::spawn(move || {
            let until = Instant::now() + SCRIPTED_LIFETIME;
            while !stop2.load(Ordering::Relaxed) && Instant::now() < until {
                match listener.accept() {
                    Ok((conn, _)) => {
                        let record = record2.clone();
                        thread::spawn(move || serve_scripted(conn, &record));
                    }
                    Err(_) => thread::sleep(Duration::from_millis(20)),
                }
            }
        });
        Scripted { url, record, stop, server: Some(server) }
    }

    fn record(&self) -> std::sync::MutexGuard<'_, Record> {
        self.record.lock().expect("record")
    }
}

impl Drop for Scripted {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.server.take() {
            let _ = h.join();
        }
    }
}

fn read_request(reader: &mut BufReader<TcpStream>) -> Option<(BTreeMap<String, String>, Vec<u8>)> {
    let mut headers = BTreeMap::new();
    let mut first = true;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            if first {
                continue;
            }
            break;
        }
        if !first {
            if let Some((k, v)) = line.split_once(':') {
                headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
            }
        }
        first = false;
    }
    let len: usize = headers.get("content-length").and_then(|l| l.parse().ok()).unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body).ok()?;
    Some((headers, body))
}

fn serve_scripted(conn: TcpStream, record: &Mutex<Record>) {
    let _ = conn.set_nonblocking(false);
    let _ = conn.set_read_timeout(Some(Duration::from_secs(60)));
    let Ok(read_half) = conn.try_clone() else { return };
    let mut reader = BufReader::new(read_half);
    let mut conn = conn;
    while let Some((headers, body)) = read_request(&mut reader) {
        let operation = headers
            .get("x-amz-target")
            .map(|t| t.trim_start_matches("SageMaker.").to_string())
            .unwrap_or_default();
        let input: Json = serde_json::from_slice(&body).unwrap_or_default();
        if operation == "StartPipelineExecution"
            && ["slow", "void"].contains(&input["PipelineName"].as_str().unwrap_or_default())
        {
            // On its way for longer than the provider waits (outside the record's lock).
            thread::sleep(SLOW_START);
        }
        let (status, answer) = answer(&operation, &input, &mut record.lock().expect("record"));
        if operation == "StartPipelineExecution" && input["PipelineName"] == "held" {
            // The run exists; its answer is on its way (outside the record's lock).
            thread::sleep(HELD_START);
        }
        if status == 0 {
            // The call took effect; its answer is lost.
            let _ = conn.shutdown(Shutdown::Both);
            return;
        }
        let text = answer.to_string();
        let response = format!(
            "HTTP/1.1 {status} {}\r\nContent-Type: application/x-amz-json-1.1\r\nx-amzn-RequestId: scripted-{operation}\r\nContent-Length: {}\r\nConnection: keep-alive\r\n\r\n{text}",
            if status == 200 { "OK" } else { "Bad Request" },
            text.len()
        );
        if conn.write_all(response.as_bytes()).is_err() {
            return;
        }
    }
    let _ = conn.shutdown(Shutdown::Both);
}

const SCRIPTED_DEFINITION: &str = r#"{"Version":"2020-12-01","Parameters":[{"Name":"Epochs","Type":"Integer","DefaultValue":3}],"Steps":[{"Name":"Prep","Type":"Fail","Arguments":{}},{"Name":"Train","Type":"Fail","Arguments":{}}]}"#;

fn step(name: &str, status: &str, reason: Option<&str>) -> Json {
    let mut s = json!({ "StepName": name, "StepStatus": status, "StartTime": 1.7e9 });
    if let Some(r) = reason {
        s["FailureReason"] = json!(r);
    }
    s
}

/// The scripted answer to one call.
fn answer(operation: &str, input: &Json, rec: &mut Record) -> (u16, Json) {
    rec.operations.push(operation.to_string());
    let not_found = |what: &str| {
        (400, json!({ "__type": "ResourceNotFound", "message": format!("{what} does not exist.") }))
    };
    let arn = input["PipelineExecutionArn"].as_str().unwrap_or_default().to_string();
    let pipeline_of = |arn: &str| {
        arn.split_once(":pipeline/")
            .and_then(|(_, r)| r.split_once("/execution/"))
            .map(|(p, _)| p.to_string())
            .unwrap_or_default()
    };
    match operation {
        "DescribePipeline" => {
            let name = input["PipelineName"].as_str().unwrap_or_default();
            if !["failing", "running", "lossy", "slow", "void", "held", "busy"].contains(&name) {
                return not_found(&format!("Pipeline {name}"));
            }
            (
                200,
                json!({
                    "PipelineArn": format!("arn:aws:sagemaker:us-east-1:123456789012:pipeline/{name}"),
                    "PipelineName": name,
                    "PipelineDefinition": SCRIPTED_DEFINITION,
                    "RoleArn": ROLE,
                    "PipelineStatus": "Active",
                }),
            )
        }
        "ListTags" => (200, json!({ "Tags": [] })),
        "StartPipelineExecution" => {
            let name = input["PipelineName"].as_str().unwrap_or_default().to_string();
            let token = input["ClientRequestToken"].as_str().unwrap_or_default().to_string();
            rec.start_attempts.push(token.clone());
            if let Some(arn) = rec.tokens.get(&token) {
                return (200, json!({ "PipelineExecutionArn": arn }));
            }
            if name == "void" {
                return (500, json!({ "__type": "InternalFailure", "message": "scripted" }));
            }
            if name == "busy" {
                return (
                    400,
                    json!({ "__type": "ThrottlingException", "message": "Rate exceeded" }),
                );
            }
            rec.started.push(input.clone());
            let arn = format!(
                "arn:aws:sagemaker:us-east-1:123456789012:pipeline/{name}/execution/run{}",
                rec.started.len()
            );
            rec.tokens.insert(token, arn.clone());
            if name == "lossy" {
                return (0, Json::Null);
            }
            (200, json!({ "PipelineExecutionArn": arn }))
        }
        "DescribePipelineExecution" => {
            let pipeline = pipeline_of(&arn);
            if !rec.started.iter().any(|s| s["PipelineName"] == pipeline.as_str()) {
                return not_found(&format!("Pipeline execution {arn}"));
            }
            let n = {
                let c = rec.describes.entry(arn.clone()).or_insert(0);
                *c += 1;
                *c
            };
            let stopped = rec.stopped.contains(&arn);
            let (status, reason) = match pipeline.as_str() {
                "lossy" => ("Succeeded", None),
                "failing" if n >= 3 => {
                    ("Failed", Some("Step failure: One or multiple steps failed."))
                }
                "running" if stopped => ("Stopped", None),
                _ => ("Executing", None),
            };
            let mut out = json!({
                "PipelineArn": format!("arn:aws:sagemaker:us-east-1:123456789012:pipeline/{pipeline}"),
                "PipelineExecutionArn": arn,
                "PipelineExecutionStatus": status,
            });
            if let Some(r) = reason {
                out["FailureReason"] = json!(r);
            }
            (200, out)
        }
        "ListPipelineExecutionSteps" => {
            let n = rec.describes.get(&arn).copied().unwrap_or(0);
            let steps = match (pipeline_of(&arn).as_str(), n) {
                ("failing", 0 | 1) => vec![step("Prep", "Executing", None)],
                ("failing", 2) => {
                    vec![step("Prep", "Succeeded", None), step("Train", "Executing", None)]
                }
                ("failing", _) => vec![
                    step("Prep", "Succeeded", None),
                    step("Train", "Failed", Some("AlgorithmError: out of memory")),
                ],
                _ => vec![step("Prep", "Executing", None)],
            };
            (200, json!({ "PipelineExecutionSteps": steps }))
        }
        "ListPipelineParametersForExecution" => {
            let n: usize =
                arn.rsplit("/execution/run").next().and_then(|n| n.parse().ok()).unwrap_or(0);
            match n.checked_sub(1).and_then(|i| rec.started.get(i)) {
                Some(s) => (
                    200,
                    json!({ "PipelineParameters": s["PipelineParameters"].as_array().cloned().unwrap_or_default() }),
                ),
                None => not_found(&format!("Pipeline execution {arn}")),
            }
        }
        "StopPipelineExecution" => {
            rec.stopped.push(arn.clone());
            (200, json!({ "PipelineExecutionArn": arn }))
        }
        "ListPipelineExecutions" => {
            let name = input["PipelineName"].as_str().unwrap_or_default();
            let runs: Vec<Json> = rec
                .started
                .iter()
                .enumerate()
                .filter(|(_, s)| s["PipelineName"] == name)
                .map(|(i, s)| json!({
                    "PipelineExecutionArn": format!("arn:aws:sagemaker:us-east-1:123456789012:pipeline/{name}/execution/run{}", i + 1),
                    "PipelineExecutionStatus": "Executing",
                    "PipelineExecutionDisplayName": s["PipelineExecutionDisplayName"],
                    "PipelineExecutionDescription": s["PipelineExecutionDescription"],
                }))
                .collect();
            (200, json!({ "PipelineExecutionSummaries": runs }))
        }
        other => (
            400,
            json!({ "__type": "UnknownOperationException", "message": format!("{other} is not scripted") }),
        ),
    }
}

fn scripted_config(pipeline: &str, wait_timeout: &str) -> String {
    format!(
        r#"{header}
# The scripted endpoint plays SageMaker only: no STS to check the credentials with.
provider "sagemaker" {{
  skip_credentials_validation = true
}}

resource "sagemaker_ml_pipeline_execution" "run" {{
  pipeline_name       = "{pipeline}"
  parameters          = {{ Epochs = "07" }}
  wait_for_completion = true
  wait_timeout        = "{wait_timeout}"
}}
"#,
        header = header()
    )
}

/// A workspace on the scripted endpoint whose provider logs at INFO go to `provider.log`.
fn scripted_workspace(
    terraform: &support::Terraform,
    server: &Scripted,
) -> (Workspace, std::path::PathBuf) {
    let mut ws = Workspace::for_endpoint(terraform, &server.url);
    let log = ws.dir.join("provider.log");
    ws.set_env("TF_LOG_PROVIDER", "INFO");
    ws.set_env("TF_LOG_PATH", &log);
    (ws, log)
}

/// Waiting logs each step's status as it changes; a failed run is an error naming the failed
/// step and its reason, and is still recorded in the state with its step statuses.
#[test]
fn a_failed_run_names_its_step_and_stays_in_state() {
    for terraform in terraform_binaries() {
        let server = Scripted::start();
        let (ws, log) = scripted_workspace(&terraform, &server);
        let v = &terraform.version;
        ws.write("main.tf", &scripted_config("failing", "2m"));
        ws.init();

        let err = flat(&ws.tf_err(&["apply", "-auto-approve", "-input=false", "-no-color"]));
        assert!(
            err.contains(r#"The run of pipeline "failing" failed in step "Train""#),
            "[{v}] {err}"
        );
        assert!(err.contains("AlgorithmError: out of memory"), "[{v}] {err}");

        let run = resource_values(&ws, "sagemaker_ml_pipeline_execution.run")
            .unwrap_or_else(|| panic!("[{v}] the failed run must stay in the state"));
        assert_eq!(run["status"], "Failed", "[{v}] {run}");
        assert_eq!(
            run["step_statuses"],
            json!({ "Prep": "Succeeded", "Train": "Failed" }),
            "[{v}]"
        );
        assert_eq!(run["failure_reason"], "Step failure: One or multiple steps failed.", "[{v}]");
        {
            let rec = server.record();
            assert_eq!(rec.started.len(), 1, "[{v}] one start");
            let started = &rec.started[0];
            assert_eq!(
                started["PipelineParameters"],
                json!([{ "Name": "Epochs", "Value": "7" }]),
                "[{v}] the Integer sent canonically"
            );
            let token = started["ClientRequestToken"].as_str().unwrap_or_default();
            assert!(token.starts_with("tf-") && token.len() >= 32, "[{v}] token {token:?}");
        }

        // Progress at INFO, in order, as the statuses changed.
        let logs = std::fs::read_to_string(&log).unwrap_or_default();
        let mut from = 0;
        for line in [
            "pipeline failing step Prep: Executing",
            "pipeline failing execution: Executing",
            "pipeline failing step Prep: Succeeded",
            "pipeline failing step Train: Executing",
            "pipeline failing step Train: Failed",
            "pipeline failing execution: Failed",
        ] {
            let at = logs[from..].find(line).unwrap_or_else(|| {
                panic!("[{v}] {line:?} missing (in order) from the provider log:\n{logs}")
            });
            from += at + line.len();
        }

        // The run has ended: destroy forgets it without stopping anything.
        ws.destroy();
        assert!(server.record().stopped.is_empty(), "[{v}] an ended run is not stopped");
    }
}

/// A wait that times out is an error at wait_timeout; the run, still going, is recorded; destroy
/// stops it (StopPipelineExecution with its ARN) and starts nothing.
#[test]
fn a_timed_out_wait_keeps_the_run_and_destroy_stops_it() {
    for terraform in terraform_binaries() {
        let server = Scripted::start();
        let (ws, _log) = scripted_workspace(&terraform, &server);
        let v = &terraform.version;
        ws.write("main.tf", &scripted_config("running", "3s"));
        ws.init();

        let started = Instant::now();
        let err = flat(&ws.tf_err(&["apply", "-auto-approve", "-input=false", "-no-color"]));
        assert!(
            err.contains(r#"The run of pipeline "running" did not finish within 3s"#),
            "[{v}] {err}"
        );
        assert!(started.elapsed() < Duration::from_secs(120), "[{v}] the wait is bounded");
        let run = resource_values(&ws, "sagemaker_ml_pipeline_execution.run")
            .unwrap_or_else(|| panic!("[{v}] the running run must stay in the state"));
        assert_eq!(run["status"], "Executing", "[{v}] {run}");
        assert_eq!(run["step_statuses"], json!({ "Prep": "Executing" }), "[{v}]");
        let arn = run["arn"].as_str().expect("arn").to_string();

        ws.destroy();
        let rec = server.record();
        assert_eq!(rec.stopped, vec![arn], "[{v}] destroy stops the running run");
        assert_eq!(rec.started.len(), 1, "[{v}] nothing else started");
    }
}

fn lossy_config(provider: &str, display_name: &str) -> String {
    format!(
        r#"{header}
provider "sagemaker" {{
  skip_credentials_validation = true
  {provider}
}}

resource "sagemaker_ml_pipeline_execution" "run" {{
  pipeline_name = "lossy"
  display_name  = "{display_name}"
}}
"#,
        header = header()
    )
}

/// A start whose answer is lost is never started twice: with retries, every attempt carries the
/// same ClientRequestToken (SageMaker answers the repeat with the first run); with a single
/// attempt, the run is found by listing the pipeline's runs and adopted.
#[test]
fn a_lost_start_answer_starts_one_run() {
    for terraform in terraform_binaries() {
        let server = Scripted::start();
        let (ws, _log) = scripted_workspace(&terraform, &server);
        let v = &terraform.version;

        // One attempt only: the outcome is unknown, the run is adopted from the listing.
        ws.write("main.tf", &lossy_config("max_retries = 1", "first"));
        ws.init();
        ws.apply();
        let run = resource_values(&ws, "sagemaker_ml_pipeline_execution.run").expect("in state");
        {
            let rec = server.record();
            assert_eq!(rec.started.len(), 1, "[{v}] one run");
            assert_eq!(rec.start_attempts.len(), 1, "[{v}] one attempt");
            assert!(rec.operations.contains(&"ListPipelineExecutions".to_string()), "[{v}]");
            assert_eq!(
                run["arn"],
                rec.tokens.values().next().expect("run").as_str(),
                "[{v}] adopted"
            );
        }

        // With retries: the second attempt repeats the token and gets the first run back.
        ws.write("main.tf", &lossy_config("", "second"));
        ws.apply();
        let run = resource_values(&ws, "sagemaker_ml_pipeline_execution.run").expect("in state");
        let rec = server.record();
        assert_eq!(rec.started.len(), 2, "[{v}] one more run, not two");
        assert_eq!(rec.start_attempts.len(), 3, "[{v}] the lost answer was retried once");
        assert_eq!(
            rec.start_attempts[1], rec.start_attempts[2],
            "[{v}] the retry repeats the token"
        );
        assert_ne!(rec.start_attempts[0], rec.start_attempts[1], "[{v}] a new run has a new token");
        assert_eq!(run["arn"], rec.tokens[&rec.start_attempts[2]].as_str(), "[{v}]");
        assert_eq!(run["status"], "Succeeded", "[{v}] {run}");
    }
}

/// Fresh-eyes finding: a start that SageMaker throttled on every attempt (with `max_retries = 1`,
/// on its only one) was recorded as a pending run, "cut off before its answer", and the apply
/// succeeded. Every attempt was refused, so nothing started: the apply fails with the service's
/// answer, records nothing, and does not look for the run.
#[test]
fn a_start_throttled_on_every_attempt_fails_and_records_nothing() {
    for terraform in terraform_binaries() {
        let server = Scripted::start();
        let (ws, _log) = scripted_workspace(&terraform, &server);
        let v = &terraform.version;
        let config = lossy_config("max_retries = 1", "busy").replace(r#""lossy""#, r#""busy""#);
        ws.write("main.tf", &config);
        ws.init();
        let err = flat(&ws.tf_err(&["apply", "-auto-approve", "-input=false", "-no-color"]));
        assert!(
            err.contains(r#"Failed to start a run of SageMaker pipeline "busy""#)
                && err.contains("ThrottlingException: Rate exceeded")
                && err.contains("still throttling after 1 attempt (max_retries)")
                && !err.contains("cut off"),
            "[{v}] {err}"
        );
        assert!(resource_values(&ws, "sagemaker_ml_pipeline_execution.run").is_none(), "[{v}]");
        let rec = server.record();
        assert_eq!(rec.start_attempts.len(), 1, "[{v}] one attempt");
        assert!(
            !rec.operations.contains(&"ListPipelineExecutions".to_string()),
            "[{v}] nothing to look for: {:?}",
            rec.operations
        );
    }
}

const SLOW_START: Duration = Duration::from_secs(4);
const HELD_START: Duration = Duration::from_secs(30);
/// `slow_config`'s operation_timeout + call_timeout + the provider's margin of 10 s: how long a
/// cut-off start may still land.
const SLOW_GRACE: Duration = Duration::from_secs(13);

fn slow_config(pipeline: &str) -> String {
    format!(
        r#"{header}
provider "sagemaker" {{
  skip_credentials_validation = true
  max_retries                 = 1
  call_timeout                = "1s"
  operation_timeout           = "2s"
}}

resource "sagemaker_ml_pipeline_execution" "run" {{
  pipeline_name       = "{pipeline}"
  display_name        = "nightly"
  wait_for_completion = true
}}
"#,
        header = header()
    )
}

/// Helper finding: a start cut off before its answer was reported as "none was started" from a
/// listing made while the request was still on its way, and the next apply started a second
/// run. Such a run is now recorded as pending and settled by the next refresh: adopted when it
/// started late, removed (and planned again) when SageMaker never started it.
#[test]
fn a_start_cut_off_on_its_way_is_settled_by_the_next_refresh() {
    for terraform in terraform_binaries() {
        let server = Scripted::start();
        let (ws, _log) = scripted_workspace(&terraform, &server);
        let v = &terraform.version;
        ws.write("main.tf", &slow_config("slow"));
        ws.init();
        let out = flat(&ws.apply());
        assert!(
            out.contains(r#"The start of a run of pipeline "slow" was cut off before its answer"#),
            "[{v}] {out}"
        );
        let run = resource_values(&ws, "sagemaker_ml_pipeline_execution.run").expect("in state");
        assert_eq!(run["status"], "Pending", "[{v}] {run}");
        assert_eq!(run["arn"], "", "[{v}] {run}");
        // Right away (review finding: a refresh before the request landed forgot the run), and
        // once it landed: nothing is started again.
        assert_eq!(ws.plan_exit_code(), 0, "[{v}] still pending, nothing to start");
        thread::sleep(SLOW_START);
        assert_eq!(ws.plan_exit_code(), 0, "[{v}] the late run is adopted, not started again");
        ws.apply();
        let run = resource_values(&ws, "sagemaker_ml_pipeline_execution.run").expect("in state");
        {
            let rec = server.record();
            assert_eq!(rec.started.len(), 1, "[{v}] one run");
            assert_eq!(run["arn"], rec.tokens.values().next().expect("run").as_str(), "[{v}]");
            assert_eq!(run["id"], run["arn"], "[{v}]");
        }

        // A start that never took effect: the refresh forgets it and the plan starts it again.
        ws.write("main.tf", &slow_config("void"));
        let called = Instant::now();
        let out = flat(&ws.apply());
        assert!(out.contains("was cut off before its answer"), "[{v}] {out}");
        let plan = flat(&ws.tf_ok(&["plan", "-no-color", "-input=false"]));
        assert!(
            plan.contains(r#"The run of pipeline "void" is still pending"#)
                && plan.contains("No changes."),
            "[{v}] {plan}"
        );
        let err = flat(&ws.tf_err(&["destroy", "-auto-approve", "-no-color", "-input=false"]));
        assert!(err.contains("Destroy again once it is settled"), "[{v}] {err}");
        thread::sleep(
            (called + SLOW_GRACE + Duration::from_secs(1))
                .saturating_duration_since(Instant::now()),
        );
        let plan = flat(&ws.tf_ok(&["plan", "-no-color", "-input=false"]));
        assert!(
            plan.contains(r#"The pending run of pipeline "void" was never started"#)
                && plan.contains("Plan: 1 to add, 0 to change, 0 to destroy."),
            "[{v}] {plan}"
        );
        assert_eq!(server.record().started.len(), 1, "[{v}] no run of void");
    }
}

/// A Ctrl-C while StartPipelineExecution's answer is on its way (the run exists): the run is
/// listed right away and adopted, not recorded as pending (reviewer finding: reading the listed
/// run's parameters stopped at once after the stop request, so the run was never adopted).
#[test]
fn a_ctrl_c_during_a_start_records_the_run_it_started() {
    for terraform in terraform_binaries() {
        let server = Scripted::start();
        let (ws, _log) = scripted_workspace(&terraform, &server);
        let v = &terraform.version;
        ws.write(
            "main.tf",
            &slow_config("held")
                .replace(
                    "call_timeout                = \"1s\"",
                    "call_timeout                = \"2m\"",
                )
                .replace(
                    "operation_timeout           = \"2s\"",
                    "operation_timeout           = \"3m\"",
                )
                .replace("wait_for_completion = true", "wait_for_completion = false"),
        );
        ws.init();
        let run = ws.apply_interrupted_when(
            || !server.record().started.is_empty(),
            Duration::from_millis(300),
        );
        let text = run.text;
        assert!(run.since_start < HELD_START, "[{v}] the apply waited for the answer:\n{text}");
        let run = resource_values(&ws, "sagemaker_ml_pipeline_execution.run")
            .unwrap_or_else(|| panic!("[{v}] the run is not in the state:\n{text}"));
        let started = server.record().tokens.values().next().expect("run").clone();
        assert_eq!(run["arn"], started.as_str(), "[{v}] {run}\n{text}");
        assert_ne!(run["status"], "Pending", "[{v}] {run}");
    }
}
