//! Adopting pipelines created outside Terraform (issue 6): a pipeline made with a minimal
//! hand-written definition, and one made by the SageMaker Python SDK 2.x `Pipeline.upsert()`,
//! are imported, their steps declared with typed step resources (created by a targeted apply,
//! which makes no SageMaker call), and the next plan is empty, on Terraform 1.0.3 and the newer
//! Terraform. Each test then changes one step and checks the plan is no longer empty (so an
//! empty plan means "equal", not "not compared"), and destroys.
//!
//! The SDK test needs the SDK venv (`scripts/tools --sdk`; `make test` installs it).

mod support;

use std::process::Command;

use serde_json::Value as Json;
use support::{project_root, terraform_binaries, tools_dir, LocalSageMaker, Workspace};

const ROLE: &str = "arn:aws:iam::123456789012:role/sagemaker-pipeline";
const BUCKET: &str = "sagemaker-us-east-1-123456789012";

const PROVIDER: &str = r#"
terraform {
  required_providers {
    sagemaker = { source = "sagemaker-pipelines/sagemaker" }
  }
}
"#;

/// `terraform plan -detailed-exitcode`, asserting its exit code and showing the plan if not.
fn assert_plan(ws: &Workspace, want: i32, what: &str) {
    let out = ws.tf(&["plan", "-detailed-exitcode", "-no-color", "-input=false"]);
    assert_eq!(
        out.status.code(),
        Some(want),
        "[{}] {what}\n{}{}",
        ws.terraform.version,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `terraform apply -target=...` for each address: creates state-only step resources.
fn apply_targets(ws: &Workspace, targets: &[&str]) -> String {
    let mut args = vec!["apply", "-auto-approve", "-input=false", "-no-color"];
    let flags: Vec<String> = targets.iter().map(|t| format!("-target={t}")).collect();
    args.extend(flags.iter().map(String::as_str));
    ws.tf_ok(&args)
}

fn is_newer_than_1_5(version: &str) -> bool {
    let mut parts = version.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    let (major, minor) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    major > 1 || (major == 1 && minor >= 5)
}

// ---- (a) a minimal definition, created directly through the API ----------------------------

/// What boto3's `create_pipeline` (or the console) would send: no `Metadata`, no `Parameters`,
/// a Lambda step without `OutputParameters`, keys in an order of its own, and whitespace.
const MINIMAL_DEFINITION: &str = r#"{
  "Version": "2020-12-01",
  "Steps": [
    {"Type": "Lambda", "Name": "Notify",
     "FunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:notify",
     "Arguments": {"mode": "batch", "run": {"Std:Join": {"On": "-", "Values": [{"Get": "Execution.PipelineName"}, {"Get": "Execution.PipelineExecutionId"}]}}}},
    {"Name": "Stop", "Type": "Fail", "DependsOn": ["Notify"], "Arguments": {"ErrorMessage": "not yet"}}
  ]
}"#;

fn create_minimal(sm: &LocalSageMaker, name: &str) {
    let body = serde_json::json!({
        "PipelineName": name,
        "RoleArn": ROLE,
        "PipelineDefinition": MINIMAL_DEFINITION,
        "ClientRequestToken": format!("acceptance-import-{name}-0000000000000000"),
    });
    let (status, answer) =
        sm.request_sagemaker("CreatePipeline", &body.to_string()).expect("CreatePipeline answers");
    assert_eq!(status, 200, "CreatePipeline: {answer}");
}

fn minimal_config(name: &str, mode: &str) -> String {
    format!(
        r#"{PROVIDER}
resource "sagemaker_lambda_step" "notify" {{
  name         = "Notify"
  function_arn = "arn:aws:lambda:us-east-1:123456789012:function:notify"
  inputs = {{
    mode = "{mode}"
    run  = "{{{{ Execution.PipelineName }}}}-{{{{ Execution.PipelineExecutionId }}}}"
  }}
}}

resource "sagemaker_fail_step" "stop" {{
  name             = "Stop"
  error_message    = "not yet"
  depends_on_steps = ["Notify"]
}}

resource "sagemaker_ml_pipeline" "p" {{
  name     = "{name}"
  role_arn = "{ROLE}"
  steps    = [sagemaker_lambda_step.notify.json, sagemaker_fail_step.stop.json]
}}
"#
    )
}

/// Issue 6, point 2: a pipeline created with a minimal definition (no `Metadata`, no
/// `Parameters`, a `Join` with a separator), imported, with a configuration declaring exactly
/// that pipeline, plans empty; the definition stays as deployed until the user changes a step.
#[test]
fn minimal_definition_created_outside_terraform_imports_and_plans_empty() {
    let sm = LocalSageMaker::start();
    for terraform in terraform_binaries() {
        sm.reset();
        let v = terraform.version.clone();
        let name = "adopt-minimal";
        create_minimal(&sm, name);
        let ws = Workspace::new(&terraform, &sm);
        ws.write("main.tf", &minimal_config(name, "batch"));
        ws.init();
        apply_targets(&ws, &["sagemaker_lambda_step.notify", "sagemaker_fail_step.stop"]);
        let deployed: Json = serde_json::from_str(MINIMAL_DEFINITION).expect("json");
        assert_eq!(
            sm.deployed_definition(name),
            deployed,
            "[{v}] a targeted apply of step resources calls no SageMaker API"
        );

        // An ARN of another region names that region instead of "cannot import non-existent".
        let other = format!("arn:aws:sagemaker:eu-west-1:123456789012:pipeline/{name}");
        let err =
            ws.tf_err(&["import", "-no-color", "-input=false", "sagemaker_ml_pipeline.p", &other]);
        assert!(
            err.contains("the pipeline is in region eu-west-1") && err.contains("region us-east-1"),
            "[{v}] {err}"
        );
        let arn = format!("arn:aws:sagemaker:us-east-1:123456789012:pipeline/{name}");
        ws.tf_ok(&["import", "-no-color", "-input=false", "sagemaker_ml_pipeline.p", &arn]);
        assert_plan(&ws, 0, "import of a minimal definition, then a matching configuration");
        let state = ws.state_show("sagemaker_ml_pipeline.p");
        assert!(
            !state.contains("Metadata"),
            "[{v}] the state keeps the deployed definition:\n{state}"
        );

        // The comparison is real: a different step is a change, and applying it converges.
        ws.write("main.tf", &minimal_config(name, "full"));
        assert_plan(&ws, 2, "a changed Lambda input after import");
        ws.apply();
        assert_eq!(sm.deployed_definition(name)["Steps"][0]["Arguments"]["mode"], "full", "[{v}]");
        assert_plan(&ws, 0, "after applying the change");
        ws.destroy();
        assert!(sm.pipeline_names().is_empty(), "[{v}] destroy removed the adopted pipeline");
    }
}

/// The `import` block with `terraform plan -generate-config-out` (Terraform >= 1.5), as the
/// pipeline's docs describe: the generated configuration imports and then plans empty.
#[test]
fn import_block_generates_a_configuration_that_plans_empty() {
    let sm = LocalSageMaker::start();
    for terraform in terraform_binaries().into_iter().filter(|t| is_newer_than_1_5(&t.version)) {
        // A hand-made pipeline and one made by the SDK.
        for (name, create) in [
            ("adopt-generated", create_minimal as fn(&LocalSageMaker, &str)),
            ("adopt-generated-sdk", sdk_upsert),
        ] {
            sm.reset();
            let v = format!("{} {name}", terraform.version);
            create(&sm, name);
            let ws = Workspace::new(&terraform, &sm);
            ws.write(
                "main.tf",
                &format!(
                    "{PROVIDER}\nimport {{\n  to = sagemaker_ml_pipeline.p\n  id = \"{name}\"\n}}\n"
                ),
            );
            ws.init();
            // Terraform writes the configuration, then the plan of it stops (see below).
            ws.tf(&["plan", "-no-color", "-input=false", "-generate-config-out=generated.tf"]);
            let generated =
                std::fs::read_to_string(ws.dir.join("generated.tf")).expect("generated.tf written");
            assert!(
                generated.contains("resource \"sagemaker_ml_pipeline\" \"p\""),
                "[{v}] {generated}"
            );
            assert!(generated.contains("steps"), "[{v}] {generated}");
            // `steps` is sensitive, so Terraform leaves it out of the generated configuration;
            // the plan must stop rather than deploy a pipeline without steps.
            let refused = ws.tf_err(&["plan", "-no-color", "-input=false"]);
            assert!(refused.contains("The pipeline's steps are not configured"), "[{v}] {refused}");
            // A failed plan shows no diff, so no summary of one either.
            assert!(!refused.contains("what this plan changes"), "[{v}] {refused}");
            // The documented way to start from the deployed steps.
            let filled = generated.replace(
                "= null # sensitive",
                "= [for s in jsondecode(data.sagemaker_ml_pipeline.deployed.definition).Steps : jsonencode(s)]",
            );
            assert_ne!(filled, generated, "[{v}] the generated `steps` line: {generated}");
            ws.write("generated.tf", &filled);
            ws.write(
                "deployed.tf",
                &format!(
                    "data \"sagemaker_ml_pipeline\" \"deployed\" {{\n  name = \"{name}\"\n}}\n"
                ),
            );
            let out = ws.tf_ok(&["apply", "-auto-approve", "-input=false", "-no-color"]);
            assert!(out.contains("1 imported, 0 added, 0 changed, 0 destroyed"), "[{v}] {out}");
            assert_plan(&ws, 0, "the generated configuration after the import");
            ws.destroy();
            assert!(sm.pipeline_names().is_empty(), "[{v}]");
        }
    }
}

// ---- (b) a pipeline created by the SageMaker Python SDK ------------------------------------

/// Runs tests/import/sdk_pipeline.py: `Pipeline.upsert()` against the local endpoint.
fn sdk_upsert(sm: &LocalSageMaker, name: &str) {
    run_sdk(sm, name, "--sdk", "sdk-venv", "sdk_pipeline.py");
}

/// Runs one of the SDK scripts of tests/import/ with the SageMaker Python SDK that
/// `scripts/tools <tools_flag>` installs in `.tools/<venv>`.
fn run_sdk(sm: &LocalSageMaker, name: &str, tools_flag: &str, venv: &str, script: &str) {
    let status = Command::new(project_root().join("scripts/tools"))
        .arg(tools_flag)
        .status()
        .unwrap_or_else(|e| panic!("run scripts/tools {tools_flag}: {e}"));
    assert!(status.success(), "scripts/tools {tools_flag} failed");
    let home = tempfile::tempdir().expect("temp HOME");
    let out = Command::new(tools_dir().join(venv).join("bin/python"))
        .arg(project_root().join("tests/import").join(script))
        .args([&sm.url, name])
        .env("HOME", home.path())
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("run the SDK");
    assert!(
        out.status.success(),
        "{script}'s upsert failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The SDK pipeline of tests/import/sdk_pipeline.py in typed step resources. The Float
/// parameter's default is written `"6.0"` (import reads the number back as `"6"`). The role is
/// set on the step, not in `step_defaults`: import cannot tell which step settings came from
/// defaults, so an added `step_defaults` block is a (SageMaker-free) update of the pipeline.
fn sdk_config(name: &str, mode: &str) -> String {
    let pei = "{{ Execution.PipelineExecutionId }}";
    format!(
        r#"{PROVIDER}
locals {{
  role    = "{ROLE}"
  bucket  = "{BUCKET}"
  xgboost = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
}}

# The SDK's Estimator adds its default Debugger and Profiler settings: the two empty blocks.
resource "sagemaker_training_step" "train" {{
  name          = "Train"
  image_uri     = local.xgboost
  role_arn      = local.role
  instance_type = "ml.m5.xlarge"
  output_path   = "s3://${{local.bucket}}/models"
  hyperparameters = {{
    objective = "reg:squarederror"
    num_round = "50"
  }}
  input {{
    channel      = "train"
    s3_uri       = "s3://${{local.bucket}}/abalone/train"
    content_type = "text/csv"
  }}
  debug_hook_config {{}}
  profiler_config {{}}
}}

resource "sagemaker_processing_step" "evaluate" {{
  name           = "Evaluate"
  image_uri      = local.xgboost
  role_arn       = local.role
  instance_type  = "ml.m5.xlarge"
  instance_count = "1"
  code           = "s3://${{local.bucket}}/code/evaluate.py"

  input {{
    name        = "model"
    source      = "s3://${{local.bucket}}/models/model.tar.gz"
    destination = "/opt/ml/processing/model"
  }}
  input {{
    name        = "test"
    source      = "{{{{ Parameters.TestData }}}}"
    destination = "/opt/ml/processing/test"
  }}
  output {{
    name        = "evaluation"
    source      = "/opt/ml/processing/evaluation"
    destination = "s3://${{local.bucket}}/{name}/{pei}/Evaluate/output/evaluation"
  }}
  property_file {{
    name        = "EvaluationReport"
    output_name = "evaluation"
    path        = "evaluation.json"
  }}
}}

resource "sagemaker_lambda_step" "notify" {{
  name         = "Notify"
  function_arn = "arn:aws:lambda:us-east-1:123456789012:function:notify"
  inputs = {{
    report_uri = sagemaker_processing_step.evaluate.outputs["evaluation"]
    run        = "{{{{ Execution.PipelineName }}}}-{pei}"
    mode       = "{mode}"
  }}
  output {{
    name = "ticket"
    type = "String"
  }}
}}

resource "sagemaker_register_model_step" "register" {{
  name                     = "RegisterModel-RegisterModel"
  model_package_group_name = "adopted-models"
  image_uri                = local.xgboost
  model_data_url           = "s3://${{local.bucket}}/models/model.tar.gz"
  content_types            = ["text/csv"]
  response_types           = ["text/csv"]
  inference_instances      = ["ml.m5.large"]
  transform_instances      = ["ml.m5.large"]
  approval_status          = "{{{{ Parameters.ModelApprovalStatus }}}}"
  skip_model_validation    = "None"
}}

resource "sagemaker_fail_step" "mse_too_high" {{
  name          = "MseTooHigh"
  error_message = "MSE above threshold {{{{ Parameters.MseThreshold }}}}"
}}

resource "sagemaker_condition_step" "check_mse" {{
  name       = "CheckMse"
  conditions = ["{{{{ Steps.Evaluate.PropertyFiles.EvaluationReport.regression_metrics.mse.value }}}} <= {{{{ Parameters.MseThreshold }}}}"]
  if_steps   = [sagemaker_register_model_step.register.json]
  else_steps = [sagemaker_fail_step.mse_too_high.json]
}}

resource "sagemaker_ml_pipeline" "p" {{
  name        = "{name}"
  role_arn    = local.role
  description = "Created by the SageMaker Python SDK"

  parameter {{
    name    = "TestData"
    type    = "String"
    default = "s3://${{local.bucket}}/abalone/test"
  }}
  parameter {{
    name    = "MseThreshold"
    type    = "Float"
    default = "6.0"
  }}
  parameter {{
    name        = "ModelApprovalStatus"
    type        = "String"
    default     = "PendingManualApproval"
    enum_values = ["PendingManualApproval", "Approved"]
  }}

  steps = [
    sagemaker_training_step.train.json,
    sagemaker_processing_step.evaluate.json,
    sagemaker_lambda_step.notify.json,
    sagemaker_condition_step.check_mse.json,
  ]

  experiment_config {{
    experiment_name = "{{{{ Execution.PipelineName }}}}"
    trial_name      = "{pei}"
  }}
}}
"#
    )
}

const SDK_STEPS: [&str; 6] = [
    "sagemaker_training_step.train",
    "sagemaker_processing_step.evaluate",
    "sagemaker_lambda_step.notify",
    "sagemaker_register_model_step.register",
    "sagemaker_fail_step.mse_too_high",
    "sagemaker_condition_step.check_mse",
];

/// Issue 6, acceptance: a pipeline created by the SageMaker Python SDK 2.x `upsert()` from
/// training (with the SDK's default Debugger/Profiler settings; issue 7 point 5), processing,
/// Lambda, condition, register-model and fail steps, imported, with typed step
/// resources declaring the same pipeline, plans empty. The SDK's spellings that differ from
/// ours and must compare equal: `Join(on="/")` output URIs and `Join(on=" ")` / `Join(on="-")`
/// strings, `Environment: {}` in the model container, the Float default `6.0`, key order.
#[test]
fn sdk_upserted_pipeline_imports_and_plans_empty() {
    let sm = LocalSageMaker::start();
    for terraform in terraform_binaries() {
        sm.reset();
        let v = terraform.version.clone();
        let name = "adopt-sdk";
        sdk_upsert(&sm, name);
        let deployed = sm.deployed_definition(name);
        let ws = Workspace::new(&terraform, &sm);
        ws.write("main.tf", &sdk_config(name, "batch"));
        ws.init();
        apply_targets(&ws, &SDK_STEPS);
        assert_eq!(
            sm.deployed_definition(name),
            deployed,
            "[{v}] a targeted apply of step resources calls no SageMaker API"
        );

        ws.tf_ok(&["import", "-no-color", "-input=false", "sagemaker_ml_pipeline.p", name]);
        assert_plan(&ws, 0, "import of the SDK's pipeline, then the same pipeline in typed steps");

        // A step_defaults block that fills in what the steps already set: an update of the
        // state alone, which the plan says, and which leaves the SDK's definition deployed.
        let with_defaults = sdk_config(name, "batch").replacen(
            "  experiment_config {",
            "  step_defaults {\n    role_arn = local.role\n  }\n\n  experiment_config {",
            1,
        );
        ws.write("main.tf", &with_defaults);
        let plan = ws.tf_ok(&["plan", "-no-color", "-input=false"]);
        assert!(plan.contains("Pipeline adopt-sdk: nothing changes in SageMaker"), "[{v}] {plan}");
        assert!(plan.contains("0 to add, 1 to change, 0 to destroy"), "[{v}] {plan}");
        ws.apply();
        assert_eq!(sm.deployed_definition(name), deployed, "[{v}] no UpdatePipeline call");
        assert_plan(&ws, 0, "after the state-only update");

        ws.write("main.tf", &sdk_config(name, "full"));
        assert_plan(&ws, 2, "a changed Lambda input after import");
        // Only the changed input shows: the step's SDK `Join(on="-")`, which the compiler spells
        // with `On: ""`, keeps its deployed text in the pipeline's diff and its summary.
        let plan = ws.tf_ok(&["plan", "-no-color", "-input=false"]);
        let summary = plan.split("what this plan changes").nth(1).unwrap_or_default();
        assert!(
            plan.contains(r#""batch" -> "full""#)
                && !plan.lines().any(|l| l.trim_start().starts_with("~ On "))
                && summary.contains("- step Notify: Arguments.mode")
                && !summary.contains("Std:Join"),
            "[{v}] the diff and summary show only the changed input:\n{plan}"
        );
        ws.apply();
        let steps = sm.deployed_definition(name)["Steps"].clone();
        let notify = steps
            .as_array()
            .into_iter()
            .flatten()
            .find(|s| s["Name"] == "Notify")
            .cloned()
            .unwrap_or_default();
        assert_eq!(notify["Arguments"]["mode"], "full", "[{v}] {steps}");
        assert_plan(&ws, 0, "after applying the change");
        ws.destroy();
        assert!(sm.pipeline_names().is_empty(), "[{v}] destroy removed the adopted pipeline");
    }
}

// ---- (c) a pipeline created by the SageMaker Python SDK 3.x --------------------------------

/// Runs tests/import/sdk3_pipeline.py: SDK 3's `Pipeline.upsert()` against the local endpoint.
fn sdk3_upsert(sm: &LocalSageMaker, name: &str) {
    run_sdk(sm, name, "--sdk3", "sdk3-venv", "sdk3_pipeline.py");
}

/// The SDK 3 pipeline of tests/import/sdk3_pipeline.py in typed step resources, with fields to
/// change: Train's `num_round`, the Prep output `stats`'s destination, Tune's `max_depth` upper
/// bound, Prep's `environment` (empty: none) and DataQuality's output location.
fn sdk3_config(
    name: &str,
    num_round: &str,
    stats: &str,
    max_depth: &str,
    env: &str,
    dq: &str,
) -> String {
    format!(
        r#"{PROVIDER}
locals {{
  role    = "{ROLE}"
  bucket  = "{BUCKET}"
  sklearn = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
  xgboost = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
}}

resource "sagemaker_processing_step" "prep" {{
  name           = "Prep"
  image_uri      = local.sklearn
  role_arn       = local.role
  instance_type  = "ml.m5.xlarge"
  instance_count = "1"
  code           = "s3://${{local.bucket}}/code/prep.py"
  environment    = {{ {env} }}
  input {{
    name        = "raw"
    source      = "{{{{ Parameters.InputData }}}}"
    destination = "/opt/ml/processing/input"
  }}
  output {{
    name        = "train"
    source      = "/opt/ml/processing/train"
    destination = "s3://${{local.bucket}}/prep/{{{{ Execution.PipelineExecutionId }}}}/train"
  }}
  output {{
    name        = "stats"
    source      = "/opt/ml/processing/stats"
    destination = "s3://${{local.bucket}}/{stats}"
  }}
  property_file {{
    name        = "Stats"
    output_name = "stats"
    path        = "stats.json"
  }}
  cache {{
    enabled      = true
    expire_after = "P7D"
  }}
  retry {{
    exception_types  = ["Step.SERVICE_FAULT", "Step.THROTTLING"]
    interval_seconds = 5
    backoff_rate     = 2
    max_attempts     = 3
  }}
}}

# SDK 3's ModelTrainer: a one-hour limit and the channel's input mode written out.
resource "sagemaker_training_step" "train" {{
  name                   = "Train"
  image_uri              = local.xgboost
  role_arn               = local.role
  instance_type          = "ml.m5.xlarge"
  output_path            = "s3://${{local.bucket}}/models"
  max_runtime_in_seconds = "3600"
  hyperparameters = {{
    objective = "binary:logistic"
    num_round = "{num_round}"
  }}
  input {{
    channel    = "train"
    s3_uri     = sagemaker_processing_step.prep.outputs["train"]
    input_mode = "File"
  }}
}}

resource "sagemaker_tuning_step" "tune" {{
  name                        = "Tune"
  image_uri                   = local.xgboost
  role_arn                    = local.role
  instance_type               = "ml.m5.xlarge"
  output_path                 = "s3://${{local.bucket}}/tuning"
  max_runtime_in_seconds      = "3600"
  strategy                    = "Random"
  max_number_of_training_jobs = "4"
  max_parallel_training_jobs  = "2"
  static_hyperparameters = {{
    objective = "binary:logistic"
    num_round = "50"
  }}
  objective {{
    metric_name = "validation:auc"
    type        = "Maximize"
  }}
  metric_definition {{
    name  = "validation:auc"
    regex = "auc:([0-9.]+)"
  }}
  continuous_parameter_range {{
    name      = "eta"
    min_value = "0.1"
    max_value = "0.5"
  }}
  integer_parameter_range {{
    name      = "max_depth"
    min_value = "3"
    max_value = "{max_depth}"
  }}
  input {{
    channel = "train"
    s3_uri  = sagemaker_processing_step.prep.outputs["train"]
  }}
}}

resource "sagemaker_lambda_step" "notify" {{
  name         = "Notify"
  function_arn = "arn:aws:lambda:us-east-1:123456789012:function:notify"
  inputs = {{
    acc  = "{{{{ Steps.Prep.PropertyFiles.Stats.accuracy }}}}"
    mode = "batch"
  }}
  output {{
    name = "ticket"
  }}
}}

resource "sagemaker_fail_step" "too_low" {{
  name          = "TooLow"
  error_message = "accuracy below {{{{ Parameters.AccThreshold }}}}"
}}

resource "sagemaker_condition_step" "check" {{
  name       = "CheckAcc"
  conditions = ["{{{{ Steps.Prep.PropertyFiles.Stats.accuracy }}}} >= {{{{ Parameters.AccThreshold }}}}"]
  if_steps   = [sagemaker_lambda_step.notify.json]
  else_steps = [sagemaker_fail_step.too_low.json]
}}

resource "sagemaker_quality_check_step" "data_quality" {{
  name                     = "DataQuality"
  check_type               = "DATA_QUALITY"
  image_uri                = "156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer"
  baseline_dataset         = "{{{{ Parameters.InputData }}}}"
  dataset_format           = "csv"
  csv_header               = false
  output_s3_uri            = "s3://${{local.bucket}}/{dq}"
  role_arn                 = local.role
  instance_type            = "ml.c5.xlarge"
  volume_size_in_gb        = "120"
  max_runtime_in_seconds   = "86400"
  model_package_group_name = "sdk3-models"
  skip_check               = "false"
  register_new_baseline    = "false"
  fail_on_violation        = "true"
}}

resource "sagemaker_ml_pipeline" "p" {{
  name     = "{name}"
  role_arn = local.role

  parameter {{
    name    = "InputData"
    default = "s3://${{local.bucket}}/raw"
  }}
  parameter {{
    name    = "AccThreshold"
    type    = "Float"
    default = "0.7"
  }}

  experiment_config {{
    experiment_name = "{{{{ Execution.PipelineName }}}}"
    trial_name      = "{{{{ Execution.PipelineExecutionId }}}}"
  }}

  steps = [
    sagemaker_processing_step.prep.json,
    sagemaker_training_step.train.json,
    sagemaker_tuning_step.tune.json,
    sagemaker_condition_step.check.json,
    sagemaker_quality_check_step.data_quality.json,
  ]
}}
"#
    )
}

const SDK3_STEPS: [&str; 7] = [
    "sagemaker_processing_step.prep",
    "sagemaker_quality_check_step.data_quality",
    "sagemaker_training_step.train",
    "sagemaker_tuning_step.tune",
    "sagemaker_lambda_step.notify",
    "sagemaker_fail_step.too_low",
    "sagemaker_condition_step.check",
];

/// A pipeline made by the SageMaker Python SDK 3.x (processing, training, tuning, condition,
/// Lambda, fail, data quality check), imported, plans empty with typed step resources declaring
/// it, and a change of fields in four steps (one of them adding a member, Prep's environment)
/// shows only those fields (helper findings: SDK 3 leaves out `AppManaged`, and in check steps
/// the input's compression and distribution types, writes the tuning job's `ResourceConfig`,
/// only the range lists it uses and the training output's `CompressionType: "GZIP"`; the plan
/// never converged, and a change showed each of those as changed too). The applied definition
/// keeps SDK 3's spelling.
#[test]
fn sdk3_upserted_pipeline_imports_plans_empty_and_changes_only_what_changed() {
    let sm = LocalSageMaker::start();
    for terraform in terraform_binaries() {
        sm.reset();
        let v = terraform.version.clone();
        let name = "adopt-sdk3";
        sdk3_upsert(&sm, name);
        let deployed = sm.deployed_definition(name);
        let ws = Workspace::new(&terraform, &sm);
        ws.write("main.tf", &sdk3_config(name, "50", "stats", "9", "", "dq"));
        ws.init();
        apply_targets(&ws, &SDK3_STEPS);
        ws.tf_ok(&["import", "-no-color", "-input=false", "sagemaker_ml_pipeline.p", name]);
        assert_plan(&ws, 0, "import of SDK 3's pipeline, then the same pipeline in typed steps");
        assert_eq!(sm.deployed_definition(name), deployed, "[{v}] nothing was sent");

        ws.write("main.tf", &sdk3_config(name, "100", "stats2", "10", "MODE = \"fast\"", "dq2"));
        let plan = ws.tf_ok(&["plan", "-no-color", "-input=false"]);
        // Terraform wraps the warning's lines: compare with single spaces.
        let summary = plan.split("what this plan changes").nth(1).unwrap_or_default();
        let summary = summary.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            plan.contains(r#"num_round = "50" -> "100""#)
                && plan.contains(r#"MaxValue    = "9" -> "10""#)
                && plan.contains("/stats\" -> \"s3://")
                && summary.contains("- step Train: Arguments.HyperParameters.num_round")
                && summary.contains("- step Prep: Arguments.Environment, Arguments.ProcessingOutputConfig.Outputs['stats'].S3Output.S3Uri")
                && summary.contains("- step Tune: Arguments.HyperParameterTuningJobConfig.ParameterRanges.IntegerParameterRanges['max_depth'].MaxValue")
                && summary.contains("- step DataQuality: Arguments.ProcessingOutputConfig.Outputs['quality_check_output'].S3Output.S3Uri"),
            "[{v}] the three changes:\n{plan}"
        );
        // The pipeline's diff (the step resources' `json` is in the provider's spelling).
        let pipeline = plan
            .split("# sagemaker_ml_pipeline.p will be updated in-place")
            .nth(1)
            .and_then(|rest| rest.split("\n  # ").next())
            .unwrap_or_default();
        assert!(pipeline.contains("definition_parts"), "[{v}] {plan}");
        for spelling in [
            "AppManaged",
            "CompressionType",
            "S3DataDistributionType",
            "ResourceConfig",
            "CategoricalParameterRanges",
        ] {
            assert!(!pipeline.contains(spelling), "[{v}] {spelling} shown as changed:\n{pipeline}");
            assert!(!summary.contains(spelling), "[{v}] {spelling} in the summary:\n{summary}");
        }
        ws.apply();
        let after = sm.deployed_definition(name);
        let step = |n: &str| {
            after["Steps"].as_array().into_iter().flatten().find(|s| s["Name"] == n).cloned()
        };
        let (prep, train, tune) = (step("Prep"), step("Train"), step("Tune"));
        let text = |s: &Option<Json>| s.as_ref().map(Json::to_string).unwrap_or_default();
        assert!(
            !text(&prep).contains("AppManaged") && text(&prep).contains("stats2"),
            "[{v}] {prep:?}"
        );
        assert!(
            text(&train).contains(r#""CompressionType":"GZIP""#)
                && text(&train).contains(r#""num_round":"100""#),
            "[{v}] {train:?}"
        );
        assert!(
            text(&tune).contains(r#""ResourceConfig""#)
                && !text(&tune).contains("HyperParameterTuningResourceConfig")
                && !text(&tune).contains("CategoricalParameterRanges"),
            "[{v}] {tune:?}"
        );
        assert_plan(&ws, 0, "after applying the change");
        ws.destroy();
        assert!(sm.pipeline_names().is_empty(), "[{v}] destroy removed the adopted pipeline");
    }
}

// ---- (d) a pipeline the AWS provider's aws_sagemaker_pipeline managed ----------------------

/// The typed step that docs/guides/migrate-from-aws-sagemaker-pipeline.md (step 3) puts in the
/// place of the example's `Prep` JSON, and the `steps` that do it.
const MIGRATED_PREP: &str = r#"
resource "sagemaker_processing_step" "prep" {
  name           = "Prep"
  image_uri      = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
  role_arn       = "arn:aws:iam::123456789012:role/sagemaker-pipeline"
  instance_type  = "ml.m5.xlarge"
  instance_count = "1"
  code           = "s3://acme-ml/code/prep.py"
  input {
    name        = "raw"
    source      = "{{ Parameters.InputData }}"
    destination = "/opt/ml/processing/input"
  }
  output {
    name        = "stats"
    source      = "/opt/ml/processing/stats"
    destination = "s3://acme-ml/stats"
  }
  property_file {
    name        = "Stats"
    output_name = "stats"
    path        = "stats.json"
  }
}
"#;

/// docs/guides/migrate-from-aws-sagemaker-pipeline.md, as a user follows it: the pipeline
/// `aws_sagemaker_pipeline` created from `pipeline.json` (made here through the API, as the AWS
/// provider does: this machine has no AWS provider) is imported into the example's
/// configuration, which reads its parameters and steps from the same file, and plans empty; a
/// step replaced by a typed resource changes nothing in SageMaker; an edit to the file shows
/// as that field's change and converges. Terraform >= 1.5 hands it over with an `import` block.
#[test]
fn the_migration_from_aws_sagemaker_pipeline_keeps_the_pipeline() {
    let example = project_root().join("examples/migrate-from-aws-sagemaker-pipeline");
    let main_tf = std::fs::read_to_string(example.join("main.tf")).expect("the example");
    let definition = std::fs::read_to_string(example.join("pipeline.json")).expect("its JSON");
    let sm = LocalSageMaker::start();
    for terraform in terraform_binaries() {
        sm.reset();
        let v = terraform.version.clone();
        let name = "churn-training";
        let body = serde_json::json!({
            "PipelineName": name,
            "PipelineDisplayName": "churn-weekly",
            "PipelineDescription": "Weekly churn model",
            "RoleArn": ROLE,
            "PipelineDefinition": definition,
            "Tags": [{"Key": "team", "Value": "ml"}],
        });
        let (status, answer) =
            sm.request_sagemaker("CreatePipeline", &body.to_string()).expect("CreatePipeline");
        assert_eq!(status, 200, "CreatePipeline: {answer}");
        let deployed = sm.deployed_definition(name);

        let ws = Workspace::new(&terraform, &sm);
        ws.write("main.tf", &main_tf);
        ws.write("pipeline.json", &definition);
        ws.init();
        if is_newer_than_1_5(&v) {
            ws.write(
                "import.tf",
                &format!("import {{\n  to = sagemaker_ml_pipeline.churn\n  id = \"{name}\"\n}}\n"),
            );
            let plan = ws.tf_ok(&["plan", "-no-color", "-input=false"]);
            assert!(
                plan.contains("Plan: 1 to import, 0 to add, 0 to change, 0 to destroy"),
                "[{v}] {plan}"
            );
            ws.apply();
            std::fs::remove_file(ws.dir.join("import.tf")).expect("remove the import block");
        } else {
            ws.tf_ok(&["import", "-no-color", "-input=false", "sagemaker_ml_pipeline.churn", name]);
        }
        assert_plan(&ws, 0, "the example after the import");
        assert_eq!(sm.deployed_definition(name), deployed, "[{v}] nothing was sent");

        // Step 3: one step as a typed resource, the others still JSON.
        let typed = main_tf.replace(
            "steps = [for s in local.definition.Steps : jsonencode(s)]",
            "steps = concat(\n    [sagemaker_processing_step.prep.json],\n    [for s in local.definition.Steps : jsonencode(s) if s.Name != \"Prep\"],\n  )",
        );
        assert_ne!(typed, main_tf, "the example's steps line");
        ws.write("main.tf", &format!("{typed}{MIGRATED_PREP}"));
        let plan = ws.tf_ok(&["plan", "-no-color", "-input=false"]);
        assert!(plan.contains("Plan: 1 to add, 0 to change, 0 to destroy"), "[{v}] {plan}");
        ws.apply();
        assert_eq!(sm.deployed_definition(name), deployed, "[{v}] nothing was sent");
        assert_plan(&ws, 0, "a step moved to a typed resource");

        // An edit to the file is a change of that field.
        ws.write("pipeline.json", &definition.replace("accuracy too low", "accuracy below target"));
        let plan = ws.tf_ok(&["plan", "-no-color", "-input=false"]);
        assert!(
            plan.contains(r#""accuracy too low" -> "accuracy below target""#)
                && plan.contains("Plan: 0 to add, 1 to change, 0 to destroy"),
            "[{v}] {plan}"
        );
        ws.apply();
        assert_plan(&ws, 0, "after the edit");
        ws.destroy();
        assert!(sm.pipeline_names().is_empty(), "[{v}] destroy removed the pipeline");
    }
}
