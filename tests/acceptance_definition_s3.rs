//! Issue 8, point 2 (large definitions): `sagemaker_ml_pipeline.definition_s3` through the real
//! Terraform CLI, on Terraform 1.0.3 and the newer one, against a moto server per test, which
//! serves S3 on the same port as SageMaker (the buckets are made here, with plain HTTP).
//!
//! The local endpoint's quirk, checked here against the installed moto: it reads a
//! `PipelineDefinitionS3Location` object with Python's `json.loads`, and DescribePipeline then
//! answers with that dict's Python rendering (`{'Version': ..., 'DefaultValue': True}`), not
//! JSON. The provider's Read compares the object at the recorded `definition_s3_uri` instead
//! (GetObject; `readback_object` in src/provider/ml_pipeline.rs), so plans stay empty. The test
//! asserts that the quirk is still there (should a moto release fix it, that fallback is no
//! longer exercised here, and this test says so), and that what moto deployed is the uploaded
//! object: the rendering is read back with Python's `ast.literal_eval` and compared with it.
//!
//! `definition_s3` is added, changed and removed here rather than in the edit cycle
//! (tests/acceptance_edit_cycle.rs), whose checks read the deployed definition as JSON and
//! re-import the pipeline, which this quirk makes impossible on the local endpoint.

mod support;

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::Value as Json;
use support::{terraform_binaries, tools_dir, LocalSageMaker, Workspace};

const ROLE: &str = "arn:aws:iam::123456789012:role/sagemaker-pipeline";
const PIPELINE: &str = "large";

/// Where the provider finds S3: the provider block's `endpoints.s3`, or the environment
/// (`AWS_ENDPOINT_URL_S3`).
#[derive(Clone, Copy)]
enum S3Endpoint<'a> {
    Block(&'a str),
    Environment,
}

/// The pipeline: a Fail step resource with `message`, two typed parameters (a Boolean and a
/// Float: Python renders them `True` and `0.5`), and `definition_s3` when `s3` is given.
fn config(endpoint: S3Endpoint<'_>, message: &str, s3: Option<&str>) -> String {
    let endpoints = match endpoint {
        S3Endpoint::Block(url) => format!("endpoints {{ s3 = \"{url}\" }}"),
        S3Endpoint::Environment => String::new(),
    };
    let block = s3.map(|b| format!("definition_s3 {{\n    {b}\n  }}")).unwrap_or_default();
    format!(
        r#"
terraform {{
  required_providers {{
    sagemaker = {{ source = "sagemaker-pipelines/sagemaker" }}
  }}
}}

provider "sagemaker" {{
  {endpoints}
}}

resource "sagemaker_fail_step" "stop" {{
  name          = "Stop"
  error_message = "{message}"
}}

resource "sagemaker_ml_pipeline" "p" {{
  name     = "{PIPELINE}"
  role_arn = "{ROLE}"
  parameter {{
    name    = "Deploy"
    type    = "Boolean"
    default = "true"
  }}
  parameter {{
    name    = "Threshold"
    type    = "Float"
    default = "0.5"
  }}
  steps = [sagemaker_fail_step.stop.json]
  {block}
}}

output "uri" {{
  value = sagemaker_ml_pipeline.p.definition_s3_uri == null ? "" : sagemaker_ml_pipeline.p.definition_s3_uri
}}
"#
    )
}

fn create_bucket(sm: &LocalSageMaker, bucket: &str) {
    match sm.request_s3("PUT", &format!("/{bucket}"), "") {
        Ok((200, _)) => {}
        other => panic!("creating bucket {bucket} in moto failed: {other:?}"),
    }
}

/// The object at an `s3://bucket/key` URI, or `None` when there is none.
fn object(sm: &LocalSageMaker, uri: &str) -> Option<String> {
    let path = uri.strip_prefix("s3://").unwrap_or_else(|| panic!("not an S3 URI: {uri:?}"));
    match sm.request_s3("GET", &format!("/{path}"), "") {
        Ok((200, body)) => Some(body),
        Ok((404, _)) => None,
        other => panic!("GET {uri} from moto failed: {other:?}"),
    }
}

/// The pipeline's attributes in the Terraform state.
fn pipeline_state(ws: &Workspace) -> Json {
    let state: Json = serde_json::from_str(&ws.show_json(None)).expect("terraform show -json");
    state["values"]["root_module"]["resources"]
        .as_array()
        .and_then(|rs| rs.iter().find(|r| r["address"] == "sagemaker_ml_pipeline.p"))
        .map(|r| r["values"].clone())
        .expect("sagemaker_ml_pipeline.p in the state")
}

/// The `uri` output (`""` for null: Terraform 1.0 keeps no null outputs).
fn uri_output(ws: &Workspace) -> String {
    ws.tf_ok(&["output", "-raw", "uri"]).trim().to_string()
}

/// What DescribePipeline says is deployed, as text.
fn described(sm: &LocalSageMaker) -> String {
    let d = sm.describe_pipeline(PIPELINE).expect("the pipeline is deployed");
    d["PipelineDefinition"].as_str().expect("PipelineDefinition is a string").to_string()
}

/// A Python literal (moto's rendering of a definition) as JSON, read by the moto venv's Python.
fn python_literal_as_json(text: &str) -> Json {
    let python = tools_dir().join("venv/bin/python");
    let mut child = Command::new(&python)
        .args([
            "-c",
            "import ast, json, sys; print(json.dumps(ast.literal_eval(sys.stdin.read())))",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", python.display()));
    child.stdin.take().expect("stdin").write_all(text.as_bytes()).expect("write to python");
    let out = child.wait_with_output().expect("python runs");
    assert!(out.status.success(), "not a Python literal: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("python printed JSON")
}

/// The state's definition: its parts joined, as the provider holds them (`definition_parts`).
fn state_definition(state: &Json) -> Json {
    let parts = state["definition_parts"].as_object().expect("definition_parts");
    let part = |k: &str| -> Json {
        serde_json::from_str(parts[k].as_str().expect("part text")).expect("part is JSON")
    };
    let steps: Vec<Json> = part("Steps")
        .as_array()
        .expect("step names")
        .iter()
        .map(|n| part(&format!("Steps.{}", n.as_str().expect("name"))))
        .collect();
    let mut def = serde_json::Map::new();
    for (k, _) in parts.iter().filter(|(k, _)| !k.starts_with("Steps")) {
        def.insert(k.clone(), part(k));
    }
    def.insert("Steps".into(), Json::Array(steps));
    Json::Object(def)
}

/// After an apply that deployed from S3: the state records the object at
/// `<prefix>/<definition_sha256>.json`, which holds the state's definition, and moto deployed
/// exactly that object (its Python rendering read back). Returns the URI.
fn check_deployed_from(
    sm: &LocalSageMaker,
    ws: &Workspace,
    bucket_and_prefix: &str,
    label: &str,
) -> String {
    let state = pipeline_state(ws);
    let sha = state["definition_sha256"].as_str().expect("definition_sha256").to_string();
    let uri = format!("s3://{bucket_and_prefix}{sha}.json");
    assert_eq!(state["definition_s3_uri"], Json::from(uri.clone()), "[{label}] recorded URI");
    assert_eq!(uri_output(ws), uri, "[{label}] the URI is an output too");
    let text = object(sm, &uri).unwrap_or_else(|| panic!("[{label}] no object at {uri}"));
    let uploaded: Json = serde_json::from_str(&text).expect("the object is JSON");
    assert_eq!(
        uploaded,
        state_definition(&state),
        "[{label}] the object holds the state's definition"
    );
    let deployed = described(sm);
    assert!(
        serde_json::from_str::<Json>(&deployed).is_err(),
        "[{label}] moto now describes a definition from S3 as JSON: the quirk this test covers is \
         gone, so the provider's GetObject fallback is no longer exercised; update this test and \
         research/offline-test-infrastructure.md:\n{deployed}"
    );
    assert_eq!(
        python_literal_as_json(&deployed),
        uploaded,
        "[{label}] moto deployed the uploaded object"
    );
    uri
}

fn plan_text(ws: &Workspace) -> (i32, String) {
    let out = ws.tf(&["plan", "-detailed-exitcode", "-no-color", "-input=false"]);
    let text =
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

/// A move of the definition (block added, removed, another bucket or prefix) is an in-place
/// update of the pipeline alone, and never plans the definition away (the
/// hashicorp/terraform-provider-aws#38259 bug: `pipeline_definition -> null`).
fn assert_plans_a_move(ws: &Workspace, label: &str) -> String {
    let (code, text) = plan_text(ws);
    assert_eq!(code, 2, "[{label}] a move plans a change:\n{text}");
    assert!(
        text.contains("# sagemaker_ml_pipeline.p will be updated in-place"),
        "[{label}]\n{text}"
    );
    assert!(text.contains("0 to add, 1 to change, 0 to destroy"), "[{label}]\n{text}");
    for absent in ["definition_parts", "definition_sha256", "must be replaced"] {
        assert!(!text.contains(absent), "[{label}] a move must not plan {absent:?}:\n{text}");
    }
    text
}

/// Create, edit, move to another bucket (S3 endpoint from the environment), remove the block:
/// every apply is followed by an empty plan, and what SageMaker got is the uploaded object.
#[test]
fn definition_s3_is_added_changed_moved_and_removed() {
    let sm = LocalSageMaker::start();
    for terraform in terraform_binaries() {
        sm.reset();
        let v = terraform.version.clone();
        create_bucket(&sm, "defs");
        create_bucket(&sm, "defs-moved");
        let mut ws = Workspace::new(&terraform, &sm);
        let block = S3Endpoint::Block(&sm.url);

        // Created from S3, with a prefix whose slashes are trimmed.
        let in_defs = r#"bucket = "defs"
    key_prefix = "/pipelines/large/""#;
        ws.write("main.tf", &config(block, "one", Some(in_defs)));
        ws.init();
        let plan = ws.tf_ok(&["plan", "-no-color", "-input=false"]);
        assert!(plan.contains("definition_s3_uri"), "[{v}] {plan}");
        ws.apply();
        let first = check_deployed_from(&sm, &ws, "defs/pipelines/large/", &format!("{v} create"));
        assert_eq!(plan_text(&ws).0, 0, "[{v}] plan after create");

        // One step attribute changed: a new object, the old one kept.
        ws.write("main.tf", &config(block, "two", Some(in_defs)));
        let (code, text) = plan_text(&ws);
        assert_eq!(code, 2, "[{v}] {text}");
        assert!(text.contains("definition_s3_uri"), "[{v}] the new object is planned:\n{text}");
        ws.apply();
        let second = check_deployed_from(&sm, &ws, "defs/pipelines/large/", &format!("{v} edit"));
        assert_ne!(first, second, "[{v}] a changed definition gets a new key");
        assert!(object(&sm, &first).is_some(), "[{v}] old objects are not deleted");
        let state = pipeline_state(&ws);
        let stop = &state["definition_parts"]["Steps.Stop"];
        assert!(stop.as_str().is_some_and(|s| s.contains("two")), "[{v}] {stop}");
        assert_eq!(plan_text(&ws).0, 0, "[{v}] plan after the edit");

        // Another bucket, no prefix, the S3 endpoint from AWS_ENDPOINT_URL_S3.
        ws.set_env("AWS_ENDPOINT_URL_S3", &sm.url);
        ws.write(
            "main.tf",
            &config(S3Endpoint::Environment, "two", Some(r#"bucket = "defs-moved""#)),
        );
        assert_plans_a_move(&ws, &format!("{v} move"));
        ws.apply();
        let moved = check_deployed_from(&sm, &ws, "defs-moved/", &format!("{v} move"));
        assert_eq!(
            moved.rsplit('/').next(),
            second.rsplit('/').next(),
            "[{v}] the same definition, the same file name"
        );
        assert_eq!(plan_text(&ws).0, 0, "[{v}] plan after the move");

        // Removed: inline again (moto describes JSON again), nothing else changes.
        ws.write("main.tf", &config(S3Endpoint::Environment, "two", None));
        assert_plans_a_move(&ws, &format!("{v} remove"));
        ws.apply();
        let state = pipeline_state(&ws);
        assert!(state["definition_s3_uri"].is_null(), "[{v}] {}", state["definition_s3_uri"]);
        assert!(state["definition_s3"].is_null() || state["definition_s3"] == Json::Array(vec![]));
        assert_eq!(uri_output(&ws), "", "[{v}]");
        assert_eq!(
            sm.deployed_definition(PIPELINE),
            state_definition(&state),
            "[{v}] sent inline: moto describes it as JSON"
        );
        assert_eq!(plan_text(&ws).0, 0, "[{v}] plan after removing the block");

        // Added back to an existing pipeline.
        ws.write("main.tf", &config(block, "two", Some(in_defs)));
        assert_plans_a_move(&ws, &format!("{v} add"));
        ws.apply();
        assert_eq!(
            check_deployed_from(&sm, &ws, "defs/pipelines/large/", &format!("{v} add")),
            second,
            "[{v}] the same definition at the same place: the same object"
        );
        assert_eq!(plan_text(&ws).0, 0, "[{v}] plan after adding the block");

        // An import does not know where the definition object is, so on this endpoint it
        // reads the Python rendering; it says so (session 17 helper finding: it read back no
        // parameter or step without a word). Applying deploys the configured definition again,
        // after which Read compares the object and plans are empty.
        ws.tf_ok(&["state", "rm", "sagemaker_ml_pipeline.p"]);
        let out =
            ws.tf_ok(&["import", "-no-color", "-input=false", "sagemaker_ml_pipeline.p", PIPELINE]);
        let flat = out.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            flat.contains(&format!(
                "The deployed definition of pipeline \"{PIPELINE}\" is not JSON"
            )) && flat.contains("created with definition_s3"),
            "[{v}] {out}"
        );
        ws.apply();
        assert_eq!(plan_text(&ws).0, 0, "[{v}] plan after re-deploying the imported pipeline");

        ws.destroy();
        assert!(sm.pipeline_names().is_empty(), "[{v}] destroy removed the pipeline");
    }
}

/// A definition over the inline limit: without `definition_s3` a plan-time error whose detail
/// names the block; with it, the pipeline deploys from S3 and plans empty.
#[test]
fn a_definition_over_the_inline_limit_needs_definition_s3() {
    let sm = LocalSageMaker::start();
    // One long message makes the definition just over 1,048,576 characters.
    let long = "x".repeat(1_048_576);
    for terraform in terraform_binaries() {
        sm.reset();
        let v = terraform.version.clone();
        create_bucket(&sm, "defs");
        let ws = Workspace::new(&terraform, &sm);
        let block = S3Endpoint::Block(&sm.url);

        ws.write("main.tf", &config(block, &long, None));
        ws.init();
        let err = ws.tf_err(&["plan", "-no-color", "-input=false"]);
        assert!(
            err.contains("Pipeline definition is too large"),
            "[{v}] {}",
            err.chars().take(4000).collect::<String>()
        );
        assert!(err.contains("definition_s3"), "[{v}] the detail names the block");
        assert!(sm.pipeline_names().is_empty(), "[{v}] nothing deployed");

        ws.write("main.tf", &config(block, &long, Some(r#"bucket = "defs""#)));
        ws.apply();
        let uri = check_deployed_from(&sm, &ws, "defs/", &format!("{v} large"));
        let size = object(&sm, &uri).map(|o| o.chars().count()).unwrap_or_default();
        assert!(size > 1_048_576, "[{v}] the object holds the whole definition: {size} characters");
        assert_eq!(plan_text(&ws).0, 0, "[{v}] plan after deploying from S3");
        ws.destroy();
        assert!(sm.pipeline_names().is_empty(), "[{v}] destroy removed the pipeline");
    }
}
