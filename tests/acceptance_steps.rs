//! Acceptance tests of the typed step resources and pipeline assembly through the real
//! Terraform CLI against a local SageMaker endpoint: every example applies and re-plans empty,
//! a one-attribute change updates exactly that step and the definition, a step input unknown
//! until apply flows through, and every class of DAG mistake fails `terraform plan` with a
//! diagnostic naming the attribute.

mod support;

use std::path::Path;

use serde_json::Value as Json;
use support::{project_root, terraform_binaries, LocalSageMaker, Workspace};

fn copy_example(ws: &Workspace, example: &str) {
    fn walk(ws: &Workspace, base: &Path, dir: &Path) {
        for entry in std::fs::read_dir(dir).expect("example dir").flatten() {
            let p = entry.path();
            if p.is_dir() {
                if p.file_name().is_some_and(|n| n == ".terraform") {
                    continue;
                }
                walk(ws, base, &p);
            } else if p.extension().is_some_and(|e| e == "tf") {
                let rel = p.strip_prefix(base).expect("relative").to_string_lossy().to_string();
                ws.write(&rel, &std::fs::read_to_string(&p).expect("read"));
            }
        }
    }
    let base = project_root().join("examples").join(example);
    walk(ws, &base, &base);
}

fn deployed(sm: &LocalSageMaker) -> Vec<(String, Json)> {
    sm.pipeline_names().into_iter().map(|n| (n.clone(), sm.deployed_definition(&n))).collect()
}

/// Every example applies, plans empty afterwards, and destroys to nothing.
#[test]
fn every_example_applies_and_replans_empty() {
    let sm = LocalSageMaker::start();
    for terraform in terraform_binaries() {
        for example in ["quickstart", "process-train-model", "deploy-without-training", "train-evaluate-register", "multi-model"] {
            sm.reset();
            let v = format!("{} {example}", terraform.version);
            let ws = Workspace::new(&terraform, &sm);
            copy_example(&ws, example);
            ws.init();
            ws.apply();
            let pipelines = deployed(&sm);
            assert_eq!(pipelines.len(), 1, "[{v}] one pipeline deployed");
            let steps = pipelines[0].1["Steps"].as_array().map(Vec::len).unwrap_or(0);
            assert!(steps >= 1, "[{v}] deployed definition has steps");
            assert_eq!(ws.plan_exit_code(), 0, "[{v}] plan right after apply must be empty");
            ws.destroy();
            assert!(deployed(&sm).is_empty(), "[{v}] destroy removed the pipeline");
        }
    }
}

/// Changing one step attribute updates that step resource and the pipeline's definition in
/// place, nothing else; the deployed definition follows.
#[test]
fn one_attribute_change_updates_that_step_and_the_definition_only() {
    let sm = LocalSageMaker::start();
    for terraform in terraform_binaries() {
        sm.reset();
        let v = &terraform.version;
        let ws = Workspace::new(&terraform, &sm);
        copy_example(&ws, "process-train-model");
        ws.init();
        ws.apply();
        let main = std::fs::read_to_string(project_root().join("examples/process-train-model/main.tf")).expect("read");
        let changed = main.replacen("instance_type = \"ml.m5.xlarge\"", "instance_type = \"ml.m5.2xlarge\"", 1);
        assert_ne!(main, changed, "the example has a training instance type to change");
        ws.write("main.tf", &changed);
        let plan = ws.tf_ok(&["plan", "-no-color", "-input=false"]);
        assert!(plan.contains("sagemaker_training_step.train will be updated in-place"), "[{v}] {plan}");
        assert!(plan.contains("sagemaker_ml_pipeline.abalone will be updated in-place"), "[{v}] {plan}");
        assert!(plan.contains("0 to add, 2 to change, 0 to destroy"), "[{v}] {plan}");
        assert!(plan.contains("ml.m5.2xlarge"), "[{v}] the plan shows the new value: {plan}");
        ws.apply();
        let def = &deployed(&sm)[0].1;
        let train = def["Steps"].as_array().expect("steps").iter().find(|s| s["Name"] == "Train").expect("Train");
        assert_eq!(train["Arguments"]["ResourceConfig"]["InstanceType"], "ml.m5.2xlarge", "[{v}]");
        assert_eq!(ws.plan_exit_code(), 0, "[{v}]");
        ws.destroy();
    }
}

/// A step input that comes from another provider's resource, unknown until apply.
#[test]
fn step_input_unknown_until_apply_flows_into_the_pipeline() {
    let sm = LocalSageMaker::start();
    for terraform in terraform_binaries() {
        sm.reset();
        let v = &terraform.version;
        let ws = Workspace::new(&terraform, &sm);
        ws.write(
            "main.tf",
            r#"
terraform {
  required_providers {
    sagemaker = { source = "sagemaker-pipelines/sagemaker" }
    null      = { source = "hashicorp/null", version = "2.1.2" }
  }
}
resource "null_resource" "build" {}

resource "sagemaker_processing_step" "prep" {
  name          = "Prep"
  image_uri     = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
  instance_type = "ml.m5.xlarge"
  environment   = { BUILD_ID = null_resource.build.id }
  output {
    name        = "out"
    source      = "/opt/ml/processing/out"
    destination = "s3://bucket/{{ Execution.PipelineExecutionId }}/out"
  }
}

resource "sagemaker_fail_step" "stop" {
  name          = "Stop"
  error_message = "built {{ Steps.Prep.ProcessingJobName }}"
}

resource "sagemaker_ml_pipeline" "p" {
  name     = "unknown-input"
  role_arn = "arn:aws:iam::123456789012:role/sagemaker-pipeline"
  steps    = [sagemaker_processing_step.prep.json, sagemaker_fail_step.stop.json]
  step_defaults {
    role_arn = "arn:aws:iam::123456789012:role/sagemaker-pipeline"
  }
}
"#,
        );
        ws.init();
        let plan = ws.tf_ok(&["plan", "-no-color", "-input=false"]);
        assert!(plan.contains("json") && plan.contains("(known after apply)"), "[{v}] {plan}");
        ws.apply();
        let state = ws.state_show("null_resource.build");
        let id = state.lines().find(|l| l.trim_start().starts_with("id")).and_then(|l| l.split('"').nth(1)).expect("null id").to_string();
        let def = &deployed(&sm)[0].1;
        assert_eq!(def["Steps"][0]["Arguments"]["Environment"]["BUILD_ID"], Json::String(id), "[{v}]");
        assert_eq!(ws.plan_exit_code(), 0, "[{v}]");
        ws.destroy();
    }
}

const HEADER: &str = r#"
terraform {
  required_providers {
    sagemaker = { source = "sagemaker-pipelines/sagemaker" }
  }
}
locals {
  role = "arn:aws:iam::123456789012:role/sagemaker-pipeline"
  img  = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
}
resource "sagemaker_processing_step" "prep" {
  name          = "Prep"
  image_uri     = local.img
  instance_type = "ml.m5.xlarge"
  output {
    name        = "train"
    source      = "/opt/ml/processing/train"
    destination = "s3://bucket/train"
  }
  property_file {
    name        = "Report"
    output_name = "train"
    path        = "report.json"
  }
}
resource "sagemaker_fail_step" "stop" {
  name          = "Stop"
  error_message = "stopped"
}
"#;

fn pipeline(steps: &str, extra: &str) -> String {
    format!(
        r#"
resource "sagemaker_ml_pipeline" "p" {{
  name     = "mistakes"
  role_arn = local.role
  parameter {{
    name    = "Threshold"
    type    = "Float"
    default = "0.5"
  }}
  steps = [{steps}]
  step_defaults {{
    role_arn = local.role
  }}
  {extra}
}}
"#
    )
}

/// Each class of DAG mistake fails `terraform plan` with a diagnostic naming the attribute,
/// and nothing is created.
#[test]
fn every_class_of_mistake_fails_plan_with_a_diagnostic() {
    let cases: Vec<(&str, String, Vec<&str>)> = vec![
        (
            "reference to a missing step",
            r#"resource "sagemaker_fail_step" "f" {
  name          = "F"
  error_message = "{{ Steps.Nope.ProcessingJobName }}"
}"#
            .to_string()
                + &pipeline("sagemaker_fail_step.f.json", ""),
            vec!["references unknown step \"Nope\"", "steps = [sagemaker_fail_step.f.json]"],
        ),
        (
            "undeclared parameter",
            r#"resource "sagemaker_fail_step" "f" {
  name          = "F"
  error_message = "{{ Parameters.Missing }}"
}"#
            .to_string()
                + &pipeline("sagemaker_fail_step.f.json", ""),
            vec!["undeclared parameter \"Missing\""],
        ),
        (
            "unknown execution variable",
            r#"resource "sagemaker_fail_step" "f" {
  name          = "F"
  error_message = "{{ Execution.Nonsense }}"
}"#
            .to_string(),
            vec!["Nonsense", "error_message"],
        ),
        (
            "property path that does not exist on the step type",
            r#"resource "sagemaker_fail_step" "f" {
  name          = "F"
  error_message = "{{ Steps.Prep.ModelArtifacts.S3ModelArtifacts }}"
}"#
            .to_string()
                + &pipeline("sagemaker_processing_step.prep.json, sagemaker_fail_step.f.json", ""),
            vec!["references a property Processing steps do not have"],
        ),
        (
            "property file not declared",
            r#"resource "sagemaker_fail_step" "f" {
  name          = "F"
  error_message = "{{ Steps.Prep.PropertyFiles.Missing.a.b }}"
}"#
            .to_string()
                + &pipeline("sagemaker_processing_step.prep.json, sagemaker_fail_step.f.json", ""),
            vec!["reads property file \"Missing\", which step \"Prep\" does not declare"],
        ),
        (
            "property file naming an output that does not exist",
            r#"resource "sagemaker_processing_step" "bad" {
  name          = "Bad"
  image_uri     = local.img
  instance_type = "ml.m5.xlarge"
  property_file {
    name        = "R"
    output_name = "nowhere"
    path        = "r.json"
  }
}"#
            .to_string(),
            vec!["names output \"nowhere\"", "output_name"],
        ),
        (
            "cycle",
            r#"resource "sagemaker_processing_step" "a" {
  name             = "A"
  image_uri        = local.img
  instance_type    = "ml.m5.xlarge"
  depends_on_steps = ["B"]
}
resource "sagemaker_processing_step" "b" {
  name             = "B"
  image_uri        = local.img
  instance_type    = "ml.m5.xlarge"
  depends_on_steps = ["A"]
}"#
            .to_string()
                + &pipeline("sagemaker_processing_step.a.json, sagemaker_processing_step.b.json", ""),
            vec!["form a cycle", "A -> B -> A"],
        ),
        (
            "a fail step depended upon",
            pipeline("sagemaker_fail_step.stop.json, sagemaker_processing_step.prep.json", r#"dependencies = ["Stop >> Prep"]"#),
            vec!["depends on Fail step \"Stop\""],
        ),
        (
            "a step both top-level and in a branch",
            r#"resource "sagemaker_condition_step" "c" {
  name       = "Check"
  conditions = ["{{ Parameters.Threshold }} >= 0.5"]
  if_steps   = [sagemaker_processing_step.prep.json]
  else_steps = [sagemaker_fail_step.stop.json]
}"#
            .to_string()
                + &pipeline("sagemaker_processing_step.prep.json, sagemaker_condition_step.c.json", ""),
            vec!["listed both top-level and in condition \"Check\""],
        ),
        (
            "duplicate step names inside branches",
            r#"resource "sagemaker_fail_step" "dup" {
  name          = "Stop"
  error_message = "again"
}
resource "sagemaker_condition_step" "c" {
  name       = "Check"
  conditions = ["{{ Parameters.Threshold }} >= 0.5"]
  if_steps   = [sagemaker_fail_step.stop.json]
  else_steps = [sagemaker_fail_step.dup.json]
}"#
            .to_string()
                + &pipeline("sagemaker_condition_step.c.json", ""),
            vec!["Duplicate step name \"Stop\""],
        ),
        (
            "malformed condition expression",
            r#"resource "sagemaker_condition_step" "c" {
  name       = "Check"
  conditions = ["{{ Parameters.Threshold }} >= >= 0.5"]
  if_steps   = [sagemaker_fail_step.stop.json]
}"#
            .to_string(),
            vec!["conditions = [", "Invalid condition"],
        ),
        (
            "dependency chain naming a missing step",
            pipeline("sagemaker_processing_step.prep.json", r#"dependencies = ["Prep >> Ghost"]"#),
            vec!["Dependency on unknown step \"Ghost\"", "dependencies = ["],
        ),
    ];
    let sm = LocalSageMaker::start();
    for terraform in terraform_binaries() {
        let ws = Workspace::new(&terraform, &sm);
        ws.write("main.tf", HEADER);
        ws.init();
        for (what, body, needles) in &cases {
            ws.write("case.tf", body);
            let err = ws.tf_err(&["plan", "-no-color", "-input=false"]);
            for needle in needles {
                assert!(err.contains(needle), "[{} {what}] missing {needle:?} in:\n{err}", terraform.version);
            }
            assert!(err.contains("Error: "), "[{} {what}] {err}", terraform.version);
            assert!(!err.contains("panic") && !err.contains("crashed"), "[{} {what}] {err}", terraform.version);
        }
        assert!(deployed(&sm).is_empty(), "nothing created");
    }
}

/// `sagemaker_ml_pipeline_definition` compiles with no AWS call and no credentials; the
/// `sagemaker_ml_pipeline` data source reads a deployed pipeline back.
#[test]
fn data_sources_compile_offline_and_read_deployed_pipelines() {
    let sm = LocalSageMaker::start();
    for terraform in terraform_binaries() {
        sm.reset();
        let v = &terraform.version;
        // Offline: an endpoint nothing listens on, and no credentials at all.
        let mut ws = Workspace::new(&terraform, &sm);
        ws.set_env("AWS_ENDPOINT_URL_SAGEMAKER", "http://127.0.0.1:9");
        ws.remove_env("AWS_ACCESS_KEY_ID");
        ws.remove_env("AWS_SECRET_ACCESS_KEY");
        ws.write(
            "main.tf",
            r#"
terraform {
  required_providers {
    sagemaker = { source = "sagemaker-pipelines/sagemaker" }
  }
}
resource "sagemaker_fail_step" "stop" {
  name          = "Stop"
  error_message = "threshold {{ Parameters.Threshold }}"
}
data "sagemaker_ml_pipeline_definition" "d" {
  parameter {
    name    = "Threshold"
    type    = "Float"
    default = "0.5"
  }
  steps = [sagemaker_fail_step.stop.json]
}
output "definition" {
  value = data.sagemaker_ml_pipeline_definition.d.json
}
"#,
        );
        ws.init();
        ws.apply();
        let out = ws.tf_ok(&["output", "-raw", "definition"]);
        let def: Json = serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("[{v}] {e}: {out}"));
        assert_eq!(def["Parameters"][0]["DefaultValue"], serde_json::json!(0.5), "[{v}]");
        assert_eq!(def["Steps"][0]["Arguments"]["ErrorMessage"]["Std:Join"]["Values"][1]["Get"], "Parameters.Threshold", "[{v}]");

        // Reading a deployed pipeline by name.
        let ws = Workspace::new(&terraform, &sm);
        copy_example(&ws, "quickstart");
        ws.init();
        ws.apply();
        ws.write(
            "read.tf",
            r#"
data "sagemaker_ml_pipeline" "deployed" {
  name = sagemaker_ml_pipeline.quickstart.name
}
output "deployed_arn" {
  value = data.sagemaker_ml_pipeline.deployed.arn
}
output "same_definition" {
  value = sha256(data.sagemaker_ml_pipeline.deployed.definition) == sagemaker_ml_pipeline.quickstart.definition_sha256
}
"#,
        );
        ws.apply();
        assert_eq!(ws.tf_ok(&["output", "-raw", "same_definition"]).trim(), "true", "[{v}]");
        assert!(ws.tf_ok(&["output", "-raw", "deployed_arn"]).contains(":pipeline/quickstart"), "[{v}]");
        ws.destroy();
        assert!(deployed(&sm).is_empty(), "[{v}]");
    }
}
