//! Plans a reviewer reads (issue 6, point 3; docs/design/0003-reviewable-plans.md): with the real
//! Terraform CLI (1.0.3 and the newer one on PATH) against a local SageMaker endpoint, the
//! realistic five-step pipeline of `bench/tf/review` is applied, one hyperparameter is changed,
//! and the plan must fit in 120 lines while naming the pipeline, the step and the field with its
//! old and new value. An edit made outside Terraform must show the same way, naming the step.

mod support;

use support::{project_root, terraform_binaries, LocalSageMaker, Workspace};

const MAX_LINES: usize = 120;
const PIPELINE: &str = "churn-training";

fn plan_text(ws: &Workspace, depth: &str) -> String {
    ws.tf_ok(&["plan", "-no-color", "-input=false", "-var", &format!("max_depth={depth}")])
}

#[test]
fn one_field_change_is_a_short_plan_that_names_step_field_and_values() {
    let sm = LocalSageMaker::start();
    let config = std::fs::read_to_string(project_root().join("bench/tf/review/main.tf"))
        .expect("bench/tf/review/main.tf");
    for terraform in terraform_binaries() {
        let v = terraform.version.clone();
        sm.reset();
        let ws = Workspace::new(&terraform, &sm);
        ws.write("main.tf", &config);
        ws.init();
        ws.tf_ok(&["apply", "-auto-approve", "-input=false", "-no-color", "-var", "max_depth=5"]);

        let plan = plan_text(&ws, "6");
        let lines = plan.lines().count();
        assert!(
            lines <= MAX_LINES,
            "[{v}] a one-field change printed {lines} lines (at most {MAX_LINES}):\n{plan}"
        );
        assert!(
            plan.contains("max_depth") && plan.contains(r#""5" -> "6""#),
            "[{v}] field and values:\n{plan}"
        );
        assert!(
            plan.contains("sagemaker_ml_pipeline.churn will be updated in-place"),
            "[{v}] the pipeline:\n{plan}"
        );
        assert!(
            plan.contains("sagemaker_training_step.train will be updated in-place"),
            "[{v}] the step:\n{plan}"
        );
        assert!(
            plan.contains(r#""Steps.Train""#),
            "[{v}] the pipeline's diff names the step:\n{plan}"
        );
        assert!(
            !plan.contains(r#""Steps.Evaluate""#),
            "[{v}] unchanged steps are not printed:\n{plan}"
        );
        assert!(plan.contains("Plan: 0 to add, 2 to change, 0 to destroy."), "[{v}]\n{plan}");

        // A branch step's change (nested in the condition step) is as short.
        let plan =
            ws.tf_ok(&["plan", "-no-color", "-input=false", "-var", "approval_status=Approved"]);
        let lines = plan.lines().count();
        assert!(
            lines <= MAX_LINES,
            "[{v}] a branch step's one-field change printed {lines} lines:\n{plan}"
        );
        assert!(
            plan.contains(r#""Steps.CheckAuc""#) && plan.contains(r#"-> "Approved""#),
            "[{v}] the condition step is named, with the new value:\n{plan}"
        );

        ws.tf_ok(&["apply", "-auto-approve", "-input=false", "-no-color", "-var", "max_depth=6"]);
        let deployed = sm.deployed_definition(PIPELINE);
        let train = deployed["Steps"]
            .as_array()
            .and_then(|s| s.iter().find(|s| s["Name"] == "Train"))
            .expect("Train deployed");
        assert_eq!(train["Arguments"]["HyperParameters"]["max_depth"], "6", "[{v}]");
        let output = ws.tf(&[
            "plan",
            "-detailed-exitcode",
            "-no-color",
            "-input=false",
            "-var",
            "max_depth=6",
        ]);
        assert_eq!(output.status.code(), Some(0), "[{v}] the next plan is empty");

        // Drift: the same field edited outside Terraform shows as the same short diff.
        let mut edited = deployed.clone();
        for step in edited["Steps"].as_array_mut().expect("steps") {
            if step["Name"] == "Train" {
                step["Arguments"]["HyperParameters"]["max_depth"] = serde_json::json!("9");
            }
        }
        let role = sm.describe_pipeline(PIPELINE).expect("deployed")["RoleArn"]
            .as_str()
            .expect("role")
            .to_string();
        let body = serde_json::json!({"PipelineName": PIPELINE, "PipelineDefinition": edited.to_string(), "RoleArn": role});
        let (status, answer) =
            sm.request_sagemaker("UpdatePipeline", &body.to_string()).expect("UpdatePipeline");
        assert_eq!(status, 200, "{answer}");
        let plan = plan_text(&ws, "6");
        assert!(plan.lines().count() <= MAX_LINES, "[{v}] drift plan too long:\n{plan}");
        assert!(
            plan.contains(r#""Steps.Train""#) && plan.contains(r#""9" -> "6""#),
            "[{v}] drift names the step and values:\n{plan}"
        );
        assert!(
            plan.contains("Plan: 0 to add, 1 to change, 0 to destroy."),
            "[{v}] only the pipeline changes back:\n{plan}"
        );
        // Terraform >= 1.2 prints no "changed outside of Terraform" section for an edit the plan
        // reverts; the review note says it (fresh-eyes finding), on both versions alike.
        let marked = "- step Train: Arguments.HyperParameters.max_depth (edited outside Terraform since the last apply; applying overwrites that edit)";
        assert!(plan.replace('\n', " ").contains(marked), "[{v}] drift is named as such:\n{plan}");
        ws.tf_ok(&["apply", "-auto-approve", "-input=false", "-no-color", "-var", "max_depth=6"]);
        // Once applied, the finding is gone, also from a plan that does not refresh.
        for refresh in ["-refresh=true", "-refresh=false"] {
            let plan =
                ws.tf_ok(&["plan", "-no-color", "-input=false", refresh, "-var", "max_depth=7"]);
            assert!(
                plan.contains(r#""6" -> "7""#) && !plan.contains("outside Terraform since"),
                "[{v}] {refresh}: a configuration change is not drift:\n{plan}"
            );
        }
        assert_eq!(
            sm.deployed_definition(PIPELINE),
            deployed,
            "[{v}] apply restores the definition"
        );

        ws.tf_ok(&["destroy", "-auto-approve", "-input=false", "-no-color", "-var", "max_depth=6"]);
        assert!(sm.pipeline_names().is_empty(), "[{v}] destroy leaves nothing");
    }
}

/// `definition_sha256` is the fingerprint of exactly the text the data source compiles and
/// SageMaker holds, so the whole definition stays obtainable from Terraform.
#[test]
fn definition_sha256_matches_the_data_source_and_the_deployed_text() {
    let sm = LocalSageMaker::start();
    let config =
        std::fs::read_to_string(project_root().join("bench/tf/review/main.tf")).expect("config");
    let extra = r#"
data "sagemaker_ml_pipeline_definition" "same" {
  parameter {
    name    = "InputData"
    default = "s3://${local.bucket}/raw/churn.csv"
  }
  parameter {
    name    = "TrainingInstanceCount"
    type    = "Integer"
    default = "1"
  }
  parameter {
    name    = "NumRound"
    type    = "Integer"
    default = "100"
  }
  parameter {
    name    = "AucThreshold"
    type    = "Float"
    default = "0.75"
  }
  parameter {
    name    = "RegisterModel"
    type    = "Boolean"
    default = "true"
  }
  parameter {
    name        = "ApprovalStatus"
    default     = "PendingManualApproval"
    enum_values = ["PendingManualApproval", "Approved"]
  }
  steps = [
    sagemaker_processing_step.prep.json,
    sagemaker_training_step.train.json,
    sagemaker_processing_step.evaluate.json,
    sagemaker_condition_step.check.json,
  ]
  step_defaults {
    role_arn = local.role
    tags     = { cost-center = "ml-42" }
  }
  experiment_config {
    experiment_name = "{{ Execution.PipelineName }}"
    trial_name      = "{{ Execution.PipelineExecutionId }}"
  }
}
data "sagemaker_ml_pipeline" "deployed" {
  name = sagemaker_ml_pipeline.churn.name
}
output "same_as_data_source" {
  value = sha256(data.sagemaker_ml_pipeline_definition.same.json) == sagemaker_ml_pipeline.churn.definition_sha256
}
output "same_as_deployed" {
  value = sha256(data.sagemaker_ml_pipeline.deployed.definition) == sagemaker_ml_pipeline.churn.definition_sha256
}
"#;
    for terraform in terraform_binaries() {
        let v = terraform.version.clone();
        sm.reset();
        let ws = Workspace::new(&terraform, &sm);
        ws.write("main.tf", &config);
        ws.write("extra.tf", extra);
        ws.init();
        ws.apply();
        assert_eq!(ws.tf_ok(&["output", "-raw", "same_as_data_source"]).trim(), "true", "[{v}]");
        assert_eq!(ws.tf_ok(&["output", "-raw", "same_as_deployed"]).trim(), "true", "[{v}]");
        ws.destroy();
    }
}

/// `bench/tf/review` with one line replaced (`from` must occur) and `extra` appended: a value
/// that another resource produces in the same apply.
fn review_config_with(from: &str, to: &str, extra: &str) -> (String, String) {
    let config = std::fs::read_to_string(project_root().join("bench/tf/review/main.tf"))
        .expect("bench/tf/review/main.tf");
    assert!(config.contains(from), "bench/tf/review/main.tf has no {from:?}");
    let edited = config.replacen(from, to, 1) + extra;
    (config, edited)
}

/// Applies `config` (max_depth 5), then writes `edited` and returns its plan at `depth`.
fn apply_then_plan(ws: &Workspace, config: &str, edited: &str, depth: &str) -> String {
    ws.write("main.tf", config);
    ws.init();
    ws.tf_ok(&["apply", "-auto-approve", "-input=false", "-no-color", "-var", "max_depth=5"]);
    ws.write("main.tf", edited);
    ws.init();
    plan_text(ws, depth)
}

/// Applies at `depth`, then checks that the next plan is empty, and destroys.
fn apply_converges(ws: &Workspace, depth: &str, v: &str) {
    let var = format!("max_depth={depth}");
    ws.tf_ok(&["apply", "-auto-approve", "-input=false", "-no-color", "-var", &var]);
    let output = ws.tf(&["plan", "-detailed-exitcode", "-no-color", "-input=false", "-var", &var]);
    assert_eq!(output.status.code(), Some(0), "[{v}] the next plan is empty");
    ws.tf_ok(&["destroy", "-auto-approve", "-input=false", "-no-color", "-var", &var]);
}

/// A step whose `json` waits for another resource makes the whole definition unknown, and
/// Terraform prints every deployed part as removed. The review note says what is known: which
/// known steps change (and which field), which are unchanged, and which positions of `steps` are
/// known only after apply.
#[test]
fn a_step_known_only_after_apply_gets_a_note_on_the_known_steps() {
    let sm = LocalSageMaker::start();
    let (config, with_new_image) = review_config_with(
        "  image_uri                = local.xgboost\n  model_data_url",
        "  image_uri                = \"${local.xgboost}-${null_resource.image.id}\"\n  model_data_url",
        "\nresource \"null_resource\" \"image\" {}\n",
    );
    for terraform in terraform_binaries() {
        let v = terraform.version.clone();
        sm.reset();
        let ws = Workspace::new(&terraform, &sm);
        let note = support::flat(&apply_then_plan(&ws, &config, &with_new_image, "6"));
        let expected = "The steps known now, as written in `steps`, compared with the last apply by step name: - step Train: Arguments.HyperParameters.max_depth - steps[3]: known after apply - unchanged: Preprocess, Evaluate - not among the known steps: CheckAuc (it is one of the steps known after apply, or removed)";
        assert!(
            note.contains("Pipeline churn-training: the definition is known only after apply")
                && note.contains(expected),
            "[{v}] {note}"
        );
        apply_converges(&ws, "6", &v);
    }
}

/// A role created in the same apply (its ARN unknown at plan) leaves every part of the
/// definition that does not use it known: the plan shows the steps that take the role as
/// `(known after apply)` and the review note names them (fresh-eyes finding: the whole
/// definition printed as 600 lines of removals, with no note). Apply converges.
#[test]
fn an_unknown_step_default_leaves_the_other_parts_known() {
    let sm = LocalSageMaker::start();
    let (config, with_new_role) = review_config_with(
        "    role_arn = local.role\n",
        "    role_arn = \"arn:aws:iam::123456789012:role/jobs-${null_resource.jobs_role.id}\"\n",
        "\nresource \"null_resource\" \"jobs_role\" {}\n",
    );
    for terraform in terraform_binaries() {
        let v = terraform.version.clone();
        sm.reset();
        let ws = Workspace::new(&terraform, &sm);
        let plan = apply_then_plan(&ws, &config, &with_new_role, "5");
        // Terraform prints the old text of each part that becomes unknown (here the three
        // steps that take the role); the others, the parameters and the picture are not
        // printed at all. Before, every part was (about 600 lines).
        let lines = plan.lines().count();
        assert!(lines < 450, "[{v}] {lines} lines:\n{plan}");
        assert!(
            plan.contains(r#""Steps.Train""#) && plan.contains(") -> (known after apply)"),
            "[{v}] the steps that take the role are unknown:\n{plan}"
        );
        for kept in [r#""Steps.CheckAuc""#, r#""Parameters""#, r#""Metadata""#, "mermaid"] {
            assert!(!plan.contains(kept), "[{v}] {kept} stays known, not printed:\n{plan}");
        }
        let note = support::flat(&plan);
        assert!(
            note.contains("- step Train: Arguments.RoleArn")
                && note.contains("Known after apply (they use step_defaults values not known until other resources are created): Steps.Evaluate, Steps.Preprocess, Steps.Train."),
            "[{v}] the review note names the field and the parts:\n{plan}"
        );
        apply_converges(&ws, "5", &v);
    }
}
