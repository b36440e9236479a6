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
        for example in [
            "quickstart",
            "process-train-model",
            "deploy-without-training",
            "train-evaluate-register",
            "multi-model",
            "run-pipeline",
            "least-privilege-role",
        ] {
            sm.reset();
            let v = format!("{} {example}", terraform.version);
            let ws = Workspace::new(&terraform, &sm);
            copy_example(&ws, example);
            ws.init();
            // Validate's partial checks (values of other resources unknown) find nothing wrong
            // in a correct configuration.
            ws.tf_ok(&["validate", "-no-color"]);
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
        let main =
            std::fs::read_to_string(project_root().join("examples/process-train-model/main.tf"))
                .expect("read");
        let changed = main.replacen(
            "instance_type = \"ml.m5.xlarge\"",
            "instance_type = \"ml.m5.2xlarge\"",
            1,
        );
        assert_ne!(main, changed, "the example has a training instance type to change");
        ws.write("main.tf", &changed);
        let plan = ws.tf_ok(&["plan", "-no-color", "-input=false"]);
        assert!(
            plan.contains("sagemaker_training_step.train will be updated in-place"),
            "[{v}] {plan}"
        );
        assert!(
            plan.contains("sagemaker_ml_pipeline.abalone will be updated in-place"),
            "[{v}] {plan}"
        );
        assert!(plan.contains("0 to add, 2 to change, 0 to destroy"), "[{v}] {plan}");
        assert!(plan.contains("ml.m5.2xlarge"), "[{v}] the plan shows the new value: {plan}");
        ws.apply();
        let def = &deployed(&sm)[0].1;
        let train = def["Steps"]
            .as_array()
            .expect("steps")
            .iter()
            .find(|s| s["Name"] == "Train")
            .expect("Train");
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
        let id = state
            .lines()
            .find(|l| l.trim_start().starts_with("id"))
            .and_then(|l| l.split('"').nth(1))
            .expect("null id")
            .to_string();
        let def = &deployed(&sm)[0].1;
        assert_eq!(
            def["Steps"][0]["Arguments"]["Environment"]["BUILD_ID"],
            Json::String(id),
            "[{v}]"
        );
        assert_eq!(ws.plan_exit_code(), 0, "[{v}]");
        ws.destroy();
    }
}

const HEADER: &str = r#"
terraform {
  required_providers {
    sagemaker = { source = "sagemaker-pipelines/sagemaker" }
    null      = { source = "hashicorp/null", version = "2.1.2" }
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
  output {
    name        = "validation"
    source      = "/opt/ml/processing/validation"
    destination = "s3://bucket/validation"
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
  parameter {{
    name    = "Mode"
    type    = "String"
    default = "full"
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

/// A processing step (`Bad`) with `attrs` added to a valid minimum.
fn processing(attrs: &str) -> String {
    format!(
        r#"resource "sagemaker_processing_step" "bad" {{
  name          = "Bad"
  image_uri     = local.img
  {attrs}
}}"#
    )
}

/// Where a mistake is caught: `Validate` cases fail `terraform validate` too (everything they
/// need is known without other resources); `PlanOnly` cases need the pipeline's steps, which
/// Terraform hands to validate as unknown.
#[derive(PartialEq)]
enum Caught {
    PlanOnly,
    Validate,
}
use Caught::{PlanOnly, Validate};

/// Each class of mistake fails `terraform plan` (and `terraform validate` where it can) with a
/// diagnostic naming the attribute, and nothing is created. A needle starting with `!` must
/// not appear.
#[test]
fn every_class_of_mistake_fails_plan_with_a_diagnostic() {
    let huge = "9".repeat(400);
    let huge_count = format!("instance_type = \"ml.m5.xlarge\"\n  instance_count = \"{huge}\"");
    let not_huge = format!("!{}", &huge[..100]);
    let mut cases: Vec<(&str, String, Vec<&str>, Caught)> = vec![
        (
            // Fresh-eyes finding: Terraform only checks that a required argument is written;
            // null (an unset variable) compiled to a step without its image.
            "required arguments set to null",
            r#"resource "sagemaker_processing_step" "bad" {
  name          = "Bad"
  image_uri     = null
  instance_type = "ml.m5.xlarge"
  input {
    source      = null
    destination = "/opt/ml/processing/input"
  }
}"#
            .to_string(),
            vec![
                "Missing required argument",
                "The argument \"image_uri\" is required, but its value is null",
                "The argument \"source\" is required",
                "!Invalid",
            ],
            Validate,
        ),
        (
            // Fresh-eyes finding: the block was sent as no limit, and every plan showed it again.
            "a null parallelism limit",
            r#"resource "sagemaker_fail_step" "f" {
  name = "F"
}"#
            .to_string()
                + &pipeline(
                    "sagemaker_fail_step.f.json",
                    "parallelism_config {\n    max_parallel_execution_steps = null\n  }",
                ),
            vec![
                "The argument \"max_parallel_execution_steps\" is required, but its value is null",
            ],
            Validate,
        ),
        (
            "reference to a missing step",
            r#"resource "sagemaker_fail_step" "f" {
  name          = "F"
  error_message = "{{ Steps.Nope.ProcessingJobName }}"
}"#
            .to_string()
                + &pipeline("sagemaker_fail_step.f.json", ""),
            vec!["references unknown step \"Nope\"", "steps = [sagemaker_fail_step.f.json]"],
            PlanOnly,
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
            PlanOnly,
        ),
        (
            "unknown execution variable",
            r#"resource "sagemaker_fail_step" "f" {
  name          = "F"
  error_message = "{{ Execution.Nonsense }}"
}"#
            .to_string(),
            vec!["Nonsense", "error_message"],
            Validate,
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
            PlanOnly,
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
            PlanOnly,
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
            Validate,
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
                + &pipeline(
                    "sagemaker_processing_step.a.json, sagemaker_processing_step.b.json",
                    "",
                ),
            vec!["form a cycle", "A -> B -> A"],
            PlanOnly,
        ),
        (
            "a fail step depended upon",
            pipeline(
                "sagemaker_fail_step.stop.json, sagemaker_processing_step.prep.json",
                r#"dependencies = ["Stop >> Prep"]"#,
            ),
            // Reported once, at the chain (fresh-eyes finding: also at the pipeline's steps).
            vec![
                "Dependency on Fail step \"Stop\"",
                "\"Stop >> Prep\" runs steps after",
                "!depends on Fail step",
            ],
            PlanOnly,
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
                + &pipeline(
                    "sagemaker_processing_step.prep.json, sagemaker_condition_step.c.json",
                    "",
                ),
            vec!["listed both top-level and in condition \"Check\""],
            PlanOnly,
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
            PlanOnly,
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
            Validate,
        ),
        (
            "dependency chain naming a missing step",
            pipeline("sagemaker_processing_step.prep.json", r#"dependencies = ["Prep >> Ghost"]"#),
            vec!["Dependency on unknown step \"Ghost\"", "dependencies = ["],
            PlanOnly,
        ),
    ];
    // Issue 6: mistakes that passed plan and failed at run time, and messages that left the
    // user guessing.
    let fail_reading = |reference: &str, steps: &str| {
        format!(
            r#"
resource "sagemaker_fail_step" "f" {{
  name          = "F"
  error_message = "{reference}"
}}"#
        ) + &pipeline(steps, "")
    };
    let prep_and_f = "sagemaker_processing_step.prep.json, sagemaker_fail_step.f.json";
    cases.extend([
        (
            "reference to an output the processing step does not declare",
            fail_reading("{{ Steps.Prep.ProcessingOutputConfig.Outputs['valdation'].S3Output.S3Uri }}", prep_and_f),
            vec!["references output 'valdation', which step \"Prep\" does not declare", "Did you mean 'validation'?", "steps = ["],
            PlanOnly,
        ),
        (
            "reference to a metric the training step does not define",
            r#"resource "sagemaker_training_step" "train" {
  name          = "Train"
  image_uri     = "123456789012.dkr.ecr.us-east-1.amazonaws.com/my-trainer:1"
  instance_type = "ml.m5.xlarge"
  output_path   = "s3://bucket/model"
  metric_definition {
    name  = "validation:accuracy"
    regex = "acc=([0-9.]+)"
  }
}"#
            .to_string()
                + &fail_reading("{{ Steps.Train.FinalMetricDataList['validation:acc'].Value }}", "sagemaker_training_step.train.json, sagemaker_fail_step.f.json"),
            vec!["references metric 'validation:acc', which step \"Train\" does not declare", "Did you mean 'validation:accuracy'?"],
            PlanOnly,
        ),
        (
            "misspelt step name",
            fail_reading("{{ Steps.Perp.ProcessingJobName }}", prep_and_f),
            vec!["references unknown step \"Perp\"", "Did you mean 'Prep'?"],
            PlanOnly,
        ),
        (
            "misspelt parameter",
            fail_reading("{{ Parameters.Treshold }}", "sagemaker_fail_step.f.json"),
            vec!["undeclared parameter \"Treshold\"", "Did you mean 'Threshold'?", "Declared: Mode, Threshold.", "!{\""],
            PlanOnly,
        ),
        (
            "misspelt property file",
            fail_reading("{{ Steps.Prep.PropertyFiles.Reprot.metrics.acc }}", prep_and_f),
            vec!["Did you mean 'Report'?", "!property_file {"],
            PlanOnly,
        ),
        (
            "String parameter as instance_count",
            processing("instance_type = \"ml.m5.xlarge\"\n  instance_count = \"{{ Parameters.Mode }}\"")
                + &pipeline("sagemaker_processing_step.bad.json", ""),
            vec!["fills InstanceCount with a String value", "type = \"Integer\""],
            PlanOnly,
        ),
        (
            "numeric comparison on a String parameter",
            r#"resource "sagemaker_condition_step" "c" {
  name       = "Check"
  conditions = ["{{ Parameters.Mode }} >= 3"]
  else_steps = [sagemaker_fail_step.stop.json]
}"#
            .to_string()
                + &pipeline("sagemaker_condition_step.c.json", ""),
            vec!["compares a String with >="],
            PlanOnly,
        ),
        (
            "misspelt comparison operator",
            r#"resource "sagemaker_condition_step" "c" {
  name       = "Check"
  conditions = ["{{ Parameters.Threshold }} >== 0.5"]
  else_steps = [sagemaker_fail_step.stop.json]
}"#
            .to_string(),
            vec!["did you mean `>=`?", "conditions = ["],
            Validate,
        ),
        (
            "processing instance type",
            processing("instance_type = \"ml.m5.xxlarge\""),
            vec!["Invalid instance type \"ml.m5.xxlarge\"", "Did you mean 'ml.m5.xlarge'", "instance_type"],
            Validate,
        ),
        (
            "training instance type",
            r#"resource "sagemaker_training_step" "bad" {
  name          = "Bad"
  image_uri     = local.img
  instance_type = "ml.g5.2xlarg"
  output_path   = "s3://bucket/model"
}"#
            .to_string(),
            vec!["Did you mean 'ml.g5.2xlarge'?"],
            Validate,
        ),
        (
            "processing input that is not an S3 URI",
            processing("instance_type = \"ml.m5.xlarge\"\n  input {\n    source      = \"acme-ml/raw\"\n    destination = \"/opt/ml/processing/input\"\n  }"),
            vec!["Invalid S3 URI \"acme-ml/raw\"", "source"],
            Validate,
        ),
        (
            "processing output destination with a prefix that is not S3",
            processing("instance_type = \"ml.m5.xlarge\"\n  output {\n    name        = \"o\"\n    source      = \"/opt/ml/processing/o\"\n    destination = \"acme-ml/{{ Execution.PipelineExecutionId }}/model\"\n  }"),
            vec!["must start with s3://", "destination"],
            Validate,
        ),
        (
            "String parameter whose default is not an S3 URI, as a processing input",
            processing("instance_type = \"ml.m5.xlarge\"\n  input {\n    source      = \"{{ Parameters.Mode }}\"\n    destination = \"/opt/ml/processing/input\"\n  }")
                + &pipeline("sagemaker_processing_step.bad.json", ""),
            vec!["Default \"full\" of parameter \"Mode\" is not an S3 location", "Arguments.ProcessingInputs[0].S3Input.S3Uri", "default = \"full\""],
            PlanOnly,
        ),
        (
            // Session 13: a parameter's default must be a value the field it fills takes.
            "String parameter whose default is not an approval status",
            r#"resource "sagemaker_register_model_step" "reg" {
  name                     = "Register"
  model_package_group_name = "models"
  image_uri                = local.img
  model_data_url           = "s3://bucket/model.tar.gz"
  content_types            = ["text/csv"]
  response_types           = ["text/csv"]
  approval_status          = "{{ Parameters.Status }}"
}"#
            .to_string()
                + &pipeline(
                    "sagemaker_register_model_step.reg.json",
                    "parameter {\n    name    = \"Status\"\n    type    = \"String\"\n    default = \"Aproved\"\n  }",
                ),
            vec!["Default \"Aproved\" of parameter \"Status\" is not a valid ModelApprovalStatus", "Did you mean 'Approved'?", "default = \"Aproved\""],
            PlanOnly,
        ),
        (
            "Integer parameter defaulting to 0 as instance_count",
            processing("instance_type = \"ml.m5.xlarge\"\n  instance_count = \"{{ Parameters.Count }}\"")
                + &pipeline(
                    "sagemaker_processing_step.bad.json",
                    "parameter {\n    name    = \"Count\"\n    type    = \"Integer\"\n    default = \"0\"\n  }",
                ),
            vec!["Default \"0\" of parameter \"Count\" is out of range for InstanceCount", "from 1 to", "default = \"0\""],
            PlanOnly,
        ),
        (
            "Float parameter as the bound of a tuning step's integer range",
            r#"resource "sagemaker_tuning_step" "tune" {
  name                        = "Tune"
  image_uri                   = local.img
  instance_type               = "ml.m5.xlarge"
  output_path                 = "s3://bucket/tuning"
  max_number_of_training_jobs = "4"
  input {
    channel = "train"
    s3_uri  = "s3://bucket/train"
  }
  objective {
    type        = "Maximize"
    metric_name = "validation:auc"
  }
  integer_parameter_range {
    name      = "max_depth"
    min_value = "3"
    max_value = "{{ Parameters.Threshold }}"
  }
}"#
            .to_string()
                + &pipeline("sagemaker_tuning_step.tune.json", ""),
            vec!["Step \"Tune\" fills MaxValue with a Float value", "bound of an integer range"],
            PlanOnly,
        ),
        (
            "negative zero instance count",
            processing("instance_type = \"ml.m5.xlarge\"\n  instance_count = \"-0\""),
            vec!["instance_count must be a positive whole number"],
            Validate,
        ),
        ("a 400-digit instance count", processing(&huge_count), vec!["instance_count is too large", "at most 100", not_huge.as_str()], Validate),
        (
            "null list element",
            processing("instance_type = \"ml.m5.xlarge\"\n  container_arguments = [\"a\", null]"),
            vec!["Null element in a list", "container_arguments"],
            Validate,
        ),
        (
            "null element in the pipeline's steps",
            pipeline("sagemaker_fail_step.stop.json, null", ""),
            vec!["Null element in a list", "Element 1 is null"],
            Validate,
        ),
        (
            // Its input comes from another step (unknown to validate) and its role from a
            // resource not created yet (unknown to the first plan too: `null_resource` stands
            // for an `aws_iam_role`), which does not hide mistakes judged from known values.
            "mistakes among known values of a step that reads values not known yet",
            r#"resource "null_resource" "role" {}
"#
            .to_string()
                + &processing(
                    r#"instance_type = "ml.m5.xlarge"
  role_arn      = "arn:aws:iam::123456789012:role/${null_resource.role.id}"
  input {
    name        = "data"
    source      = sagemaker_processing_step.prep.outputs["train"]
    destination = "/opt/ml/processing/input"
  }
  input {
    name        = "data"
    source      = "s3://bucket/other"
    destination = "/opt/ml/processing/other"
  }
  output {
    name        = "report"
    source      = "/opt/ml/processing/report"
    destination = "s3://bucket/report"
  }
  property_file {
    name        = "Metrics"
    output_name = "reprot"
    path        = "metrics.json"
  }
  retry {
    exception_types      = ["Step.SERVICE_FAULT"]
    max_attempts         = 3
    expire_after_minutes = 10
  }"#,
            ),
            vec![
                "Duplicate input name \"data\"",
                "names output \"reprot\", which this step does not have",
                "Did you mean 'report'?",
                "Retry policy has two limits",
            ],
            Validate,
        ),
        (
            // The README's pattern: the steps' role comes from an `aws_iam_role` created by the
            // same apply (`null_resource` stands for it), and one step's `json` waits for it too.
            // The first plan still judges what the known values decide (fresh-eyes finding:
            // it used to check nothing until apply, after the role had been created).
            "pipeline mistakes among known values while the role is not created yet",
            r#"resource "null_resource" "role" {}
resource "sagemaker_fail_step" "later" {
  name          = "Later"
  error_message = "built by ${null_resource.role.id}"
}
resource "sagemaker_fail_step" "f" {
  name          = "F"
  error_message = "{{ Parameters.Treshold }}"
}
resource "sagemaker_ml_pipeline" "p" {
  name     = "mistakes"
  role_arn = local.role
  parameter {
    name    = "Threshold"
    type    = "Float"
    default = "0.5"
  }
  steps = [sagemaker_fail_step.later.json, sagemaker_fail_step.f.json]
  step_defaults {
    role_arn = "arn:aws:iam::123456789012:role/${null_resource.role.id}"
  }
}"#
            .to_string(),
            vec![
                "step \"F\" references undeclared parameter \"Treshold\"",
                "Did you mean 'Threshold'?",
                "sagemaker_fail_step.f.json]",
                "!no IAM role",
            ],
            PlanOnly,
        ),
        (
            // Fresh-eyes findings: the processing step passed its S3 options and container
            // paths through unchecked, and step roles and job tags were not checked at all.
            "processing input and output options and paths, step role and job tags",
            processing(
                r#"instance_type = "ml.m5.xlarge"
  role_arn      = "SageMakerRole"
  tags          = { "aws:team" = "ml" }
  input {
    name                      = "data"
    source                    = "s3://bucket/data"
    destination               = "/data/input"
    s3_input_mode             = "file"
    s3_data_distribution_type = "Sharded"
  }
  output {
    name           = "out"
    source         = "train"
    destination    = "s3://bucket/out"
    s3_upload_mode = "Continous"
  }"#,
            ),
            vec![
                "Invalid input destination \"/data/input\"",
                "under /opt/ml/processing/",
                "Invalid s3_input_mode \"file\"",
                "Invalid s3_data_distribution_type \"Sharded\"",
                "Invalid output source \"train\"",
                "Invalid s3_upload_mode \"Continous\"",
                "Invalid role ARN \"SageMakerRole\"",
                "does not expand a role name",
                "Reserved tag key \"aws:team\"",
            ],
            Validate,
        ),
        (
            "property file path outside its output, a null condition",
            processing(
                r#"instance_type = "ml.m5.xlarge"
  output {
    name        = "evaluation"
    source      = "/opt/ml/processing/evaluation"
    destination = "s3://bucket/evaluation"
  }
  property_file {
    name        = "Report"
    output_name = "evaluation"
    path        = "/opt/ml/processing/evaluation/evaluation.json"
  }"#,
            ) + r#"
resource "sagemaker_condition_step" "c" {
  name       = "Check"
  conditions = [null]
}"#,
            vec![
                "Invalid property file path \"/opt/ml/processing/evaluation/evaluation.json\"",
                "relative to the output",
                "Null element in a list",
                "!needs at least one condition",
            ],
            Validate,
        ),
        (
            "null cache.enabled",
            processing("instance_type = \"ml.m5.xlarge\"\n  cache {\n    enabled = null\n  }"),
            vec![
                "The argument \"enabled\" is required, but its value is null",
                "enabled = false to turn caching off",
            ],
            Validate,
        ),
        // Session 17 helper findings on the less common step types.
        (
            "malformed VPC IDs",
            processing("instance_type = \"ml.m5.xlarge\"\n  network {\n    vpc_config {\n      subnets            = [\"\", \"subnet 1\"]\n      security_group_ids = [\"subnet-0a1b\"]\n    }\n  }"),
            vec!["A subnet ID is empty", "\"subnet 1\" is not a subnet ID", "\"subnet-0a1b\" is not a security group ID", "not swapped", "subnets", "security_group_ids"],
            Validate,
        ),
        (
            "step naming itself",
            processing("instance_type = \"ml.m5.xlarge\"\n  depends_on_steps = [\"Bad\"]\n  environment = { RUN = \"{{ Steps.Bad.ProcessingJobName }}\" }"),
            vec!["Step \"Bad\" depends on itself", "Step \"Bad\" refers to itself", "depends_on_steps", "environment"],
            Validate,
        ),
        (
            "EMR cluster ID that is not one",
            r#"resource "sagemaker_emr_step" "e" {
  name       = "Etl"
  cluster_id = "j-1abcdefghijkl"
  step_config {
    jar = "command-runner.jar"
  }
}"#
            .to_string(),
            vec!["\"j-1abcdefghijkl\" is not an EMR cluster ID", "Did you mean \"j-1ABCDEFGHIJKL\"?", "cluster_id"],
            Validate,
        ),
        (
            "EMR Serverless application ID and empty names",
            r#"resource "sagemaker_emr_serverless_step" "e" {
  name               = "Etl"
  application_id     = "app id"
  execution_role_arn = "arn:aws:iam::123456789012:role/emr"
  job_run_name       = ""
  spark_submit {
    entry_point = ""
  }
}"#
            .to_string(),
            vec!["\"app id\" is not an EMR Serverless application ID", "Empty job_run_name", "Empty entry_point"],
            Validate,
        ),
        (
            "empty AutoML target column",
            r#"resource "sagemaker_automl_step" "a" {
  name                  = "Auto"
  role_arn              = local.role
  target_attribute_name = ""
  output_path           = "s3://bucket/automl"
  input {
    s3_uri = "s3://bucket/train.csv"
  }
}"#
            .to_string(),
            vec!["Empty target_attribute_name", "target_attribute_name"],
            Validate,
        ),
        (
            "a key written twice in generic arguments",
            r#"resource "sagemaker_step" "g" {
  name      = "G"
  type      = "Lambda"
  arguments = <<-EOT
    {"a": 1, "a": 2}
  EOT
  extra     = jsonencode({ FunctionArn = "arn:aws:lambda:us-east-1:123456789012:function:f" })
}"#
            .to_string(),
            vec!["arguments has the key \"a\" twice", "arguments"],
            Validate,
        ),
        (
            "transform payload parameter out of range",
            r#"resource "sagemaker_transform_step" "t" {
  name          = "Score"
  model_name    = "m"
  instance_type = "ml.m5.xlarge"
  input {
    s3_uri = "s3://bucket/in"
  }
  output_path       = "s3://bucket/out"
  max_payload_in_mb = "{{ Parameters.Mb }}"
}
resource "sagemaker_ml_pipeline" "p" {
  name     = "mistakes"
  role_arn = local.role
  parameter {
    name    = "Mb"
    type    = "Integer"
    default = "200"
  }
  steps = [sagemaker_transform_step.t.json]
}"#
            .to_string(),
            vec!["Default \"200\" of parameter \"Mb\" is out of range for MaxPayloadInMB", "default = \"200\""],
            PlanOnly,
        ),
        (
            // Hostile-input findings (session 19): names no reference could reach.
            "an empty output name and a property file name with a dot",
            processing(
                r#"instance_type = "ml.m5.xlarge"
  output {
    name        = ""
    source      = "/opt/ml/processing/output"
    destination = "s3://bucket/out"
  }
  property_file {
    name        = "eval.report"
    output_name = ""
    path        = "evaluation.json"
  }"#,
            ),
            vec!["Invalid output name \"\"", "Invalid property file name \"eval.report\"", "PropertyFiles.<name>"],
            Validate,
        ),
        (
            "an experiment name SageMaker refuses",
            r#"resource "sagemaker_fail_step" "f" {
  name = "F"
}"#
            .to_string()
                + &pipeline(
                    "sagemaker_fail_step.f.json",
                    "experiment_config {\n    experiment_name = \"churn experiments\"\n  }",
                ),
            vec!["Invalid experiment_name \"churn experiments\"", "1-120 letters, digits and hyphens"],
            PlanOnly,
        ),
        (
            "spaces around a reference in a tuning bound",
            r#"resource "sagemaker_tuning_step" "tune" {
  name                        = "Tune"
  image_uri                   = local.img
  instance_type               = "ml.m5.xlarge"
  output_path                 = "s3://bucket/tuning"
  max_number_of_training_jobs = "4"
  input {
    channel = "train"
    s3_uri  = "s3://bucket/train"
  }
  objective {
    type        = "Maximize"
    metric_name = "validation:auc"
  }
  continuous_parameter_range {
    name      = "eta"
    min_value = "0.1"
    max_value = " {{ Parameters.Threshold }} "
  }
}"#
            .to_string(),
            vec!["Invalid max_value", "has spaces around it"],
            Validate,
        ),
        (
            "a hand-written step whose Type is in the wrong case",
            pipeline(
                r#"jsonencode({ Name = "F", Type = "fail", Arguments = { ErrorMessage = "x" } })"#,
                "",
            ),
            vec!["Invalid step type \"fail\"", "write \"Type\": \"Fail\""],
            PlanOnly,
        ),
        (
            // Helper findings (limits): the API's list limits of a processing job.
            "a processing job over its input and argument limits",
            processing(&format!(
                "instance_type = \"ml.m5.xlarge\"\n  code = \"s3://bucket/code/agg.py\"\n  container_arguments = [{}]\n  dynamic \"input\" {{\n    for_each = range(10)\n    content {{\n      source      = \"s3://bucket/in/${{input.value}}\"\n      destination = \"/opt/ml/processing/input/${{input.value}}\"\n    }}\n  }}",
                vec!["\"a\""; 101].join(", ")
            )),
            vec!["Too many items in container_arguments", "at most 100", "Too many processing inputs (11)", "at most 9 input blocks with code"],
            Validate,
        ),
        (
            "job tags from the step and from step_defaults over 50 together",
            r#"resource "sagemaker_processing_step" "tagged" {
  name          = "Tagged"
  image_uri     = local.img
  instance_type = "ml.m5.xlarge"
  tags          = { for i in range(26) : "step-${i}" => "x" }
}
resource "sagemaker_ml_pipeline" "p" {
  name     = "mistakes"
  role_arn = local.role
  steps    = [sagemaker_processing_step.tagged.json]
  step_defaults {
    role_arn = local.role
    tags     = { for i in range(26) : "cost-${i}" => "x" }
  }
}"#
            .to_string(),
            vec!["Step \"Tagged\" has 52 tags", "at most 50 tags per job"],
            PlanOnly,
        ),
        (
            "a run over StartPipelineExecution's limits",
            r#"resource "sagemaker_ml_pipeline_execution" "run" {
  pipeline_name = "mistakes"
  parameters    = merge({ for i in range(201) : "P${i}" => "v" }, { P0 = join("", [for i in range(205) : "vvvvv"]) })
  selective_execution {
    source_execution_arn = "arn:aws:sagemaker:us-east-1:123456789012:pipeline/mistakes/execution/abc"
    selected_steps       = [for i in range(51) : "F${i}"]
  }
}"#
            .to_string(),
            vec!["Too many parameters (201)", "The value of parameter \"P0\" is too long", "this one has 1025", "Too many selected steps (51)"],
            Validate,
        ),
        (
            "a branch step's Type in the wrong case",
            r#"resource "sagemaker_condition_step" "c" {
  name       = "C"
  conditions = ["{{ Parameters.Threshold }} > 0.1"]
  if_steps   = [jsonencode({ Name = "G", Type = "fail", Arguments = { ErrorMessage = "x" } })]
}
resource "sagemaker_ml_pipeline" "p" {
  name     = "mistakes"
  role_arn = local.role
  parameter {
    name    = "Threshold"
    type    = "Float"
    default = "0.5"
  }
  steps = [sagemaker_condition_step.c.json]
}"#
            .to_string(),
            vec!["Invalid step type \"fail\"", "(step \"G\")"],
            PlanOnly,
        ),
        (
            "the provider's own tag key",
            r#"resource "sagemaker_ml_pipeline" "p" {
  name     = "mistakes"
  role_arn = local.role
  tags     = { "terraform-provider-sagemaker:owner" = "mine" }
  steps    = [jsonencode({ Name = "F", Type = "Fail", Arguments = { ErrorMessage = "x" } })]
}"#
            .to_string(),
            vec!["Reserved tag key \"terraform-provider-sagemaker:owner\""],
            Validate,
        ),
    ]);
    let sm = LocalSageMaker::start();
    for terraform in terraform_binaries() {
        let ws = Workspace::new(&terraform, &sm);
        ws.write("main.tf", HEADER);
        ws.init();
        for (what, body, needles, caught) in &cases {
            ws.write("case.tf", body);
            let mut commands = vec![vec!["plan", "-no-color", "-input=false"]];
            if *caught == Validate {
                commands.push(vec!["validate", "-no-color"]);
            }
            for args in commands {
                let err = ws.tf_err(&args);
                let at = format!("{} {what}, terraform {}", terraform.version, args[0]);
                // Terraform wraps long details: compare with single spaces.
                let flat = err.split_whitespace().collect::<Vec<_>>().join(" ");
                // What the provider said: the errors, without the configuration lines Terraform
                // quotes (`  5:   instance_count = "..."`) and the partial plan newer versions print.
                let said: String = err[err.find("Error: ").unwrap_or(0)..]
                    .lines()
                    .filter(|l| {
                        !l.trim_start().split_once(':').is_some_and(|(n, _)| {
                            !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())
                        })
                    })
                    .collect::<Vec<_>>()
                    .join(" ");
                for needle in needles {
                    match needle.strip_prefix('!') {
                        Some(absent) => assert!(
                            !said.contains(absent),
                            "[{at}] {absent:?} must not appear in:\n{err}"
                        ),
                        None => {
                            assert!(flat.contains(needle), "[{at}] missing {needle:?} in:\n{err}")
                        }
                    }
                }
                assert!(err.contains("Error: "), "[{at}] {err}");
                assert!(!err.contains("panic") && !err.contains("crashed"), "[{at}] {err}");
            }
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
        let def: Json =
            serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("[{v}] {e}: {out}"));
        assert_eq!(def["Parameters"][0]["DefaultValue"], serde_json::json!(0.5), "[{v}]");
        assert_eq!(
            def["Steps"][0]["Arguments"]["ErrorMessage"]["Std:Join"]["Values"][1]["Get"],
            "Parameters.Threshold",
            "[{v}]"
        );

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
        assert!(
            ws.tf_ok(&["output", "-raw", "deployed_arn"]).contains(":pipeline/quickstart"),
            "[{v}]"
        );
        // By an ARN of another region or account: an error, not this account's pipeline of
        // that name (fresh-eyes: the data source returned it).
        for (arn, says) in [
            (
                "arn:aws:sagemaker:eu-west-1:123456789012:pipeline/quickstart",
                "is in region eu-west-1",
            ),
            (
                "arn:aws:sagemaker:us-east-1:999999999999:pipeline/quickstart",
                "is in account 999999999999",
            ),
        ] {
            ws.write(
                "arn.tf",
                &format!("data \"sagemaker_ml_pipeline\" \"by_arn\" {{\n  name = \"{arn}\"\n}}\n"),
            );
            let out = ws.tf_err(&["plan", "-input=false", "-no-color"]);
            assert!(
                out.contains(says) && out.contains("provider = sagemaker.<alias>"),
                "[{v}] {out}"
            );
        }
        ws.write(
            "arn.tf",
            "data \"sagemaker_ml_pipeline\" \"by_arn\" {\n  name = \"arn:aws:sagemaker:us-east-1:123456789012:pipeline/quickstart\"\n}\n",
        );
        ws.tf_ok(&["plan", "-input=false", "-no-color"]);
        // Not a pipeline at all: `validate` says so (fresh-eyes: a model ARN, an empty name and
        // "bad name!" reached SageMaker and came back as "no pipeline named ...", with advice
        // about other accounts). A same-account ARN of no pipeline gets no such advice.
        for (name, says) in [
            (
                "arn:aws:sagemaker:us-east-1:123456789012:model/quickstart",
                "Not a pipeline name or ARN",
            ),
            ("bad name!", "Not a pipeline name or ARN"),
        ] {
            ws.write(
                "arn.tf",
                &format!("data \"sagemaker_ml_pipeline\" \"by_arn\" {{\n  name = \"{name}\"\n}}\n"),
            );
            let out = support::flat(&ws.tf_err(&["validate", "-no-color"]));
            assert!(out.contains(says) && out.contains("name = "), "[{v}] {out}");
        }
        ws.write(
            "arn.tf",
            "data \"sagemaker_ml_pipeline\" \"by_arn\" {\n  name = \"arn:aws:sagemaker:us-east-1:123456789012:pipeline/nosuch\"\n}\n",
        );
        let out = support::flat(&ws.tf_err(&["plan", "-input=false", "-no-color"]));
        assert!(out.contains(r#"No SageMaker pipeline named "nosuch""#), "[{v}] {out}");
        assert!(!out.contains("assume_role"), "[{v}] no other-account advice: {out}");
        ws.remove("arn.tf");
        ws.destroy();
        assert!(deployed(&sm).is_empty(), "[{v}]");
    }
}
